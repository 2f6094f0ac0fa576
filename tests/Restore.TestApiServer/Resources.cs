using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.TestApiServer;

/// <summary>How a resource's object names are validated.</summary>
public enum NameRule
{
    /// <summary>RFC 1123 subdomain (most kinds).</summary>
    Subdomain,

    /// <summary>RFC 1123 label (namespaces).</summary>
    Label,

    /// <summary>RFC 1035 label (services).</summary>
    Dns1035Label,

    /// <summary>Any path segment (RBAC objects such as system:node).</summary>
    PathSegment,
}

/// <summary>Resources with behaviour beyond generic storage.</summary>
public enum ResourceBehaviour
{
    /// <summary>Generic storage.</summary>
    Generic,

    /// <summary>Namespaces: phase, termination.</summary>
    Namespace,

    /// <summary>Services: clusterIP and nodePort allocation and validation.</summary>
    Service,

    /// <summary>CustomResourceDefinitions: register new resources.</summary>
    CustomResourceDefinition,

    /// <summary>authentication.k8s.io SelfSubjectReview (create only, not stored).</summary>
    SelfSubjectReview,

    /// <summary>authorization.k8s.io SelfSubjectAccessReview (create only, not stored).</summary>
    SelfSubjectAccessReview,
}

/// <summary>One resource in one API version, as discovery describes it.</summary>
public sealed class ResourceType
{
    /// <summary>The verbs of ordinary stored resources.</summary>
    public static readonly IReadOnlyList<string> StandardVerbs = new[] { "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" };

    /// <summary>Creates a resource type.</summary>
    public ResourceType(string group, string version, string kind, string plural, bool namespaced)
    {
        Group = group;
        Version = version;
        Kind = kind;
        Plural = plural;
        Namespaced = namespaced;
        Singular = kind.ToLowerInvariant();
        GroupVersion = group.Length == 0 ? version : group + "/" + version;
        GroupResource = ApiErrors.Qualified(group, plural);
    }

    /// <summary>API group ("" for core).</summary>
    public string Group { get; }

    /// <summary>API version.</summary>
    public string Version { get; }

    /// <summary>Kind.</summary>
    public string Kind { get; }

    /// <summary>Plural resource name.</summary>
    public string Plural { get; }

    /// <summary>Singular resource name.</summary>
    public string Singular { get; init; }

    /// <summary>True for namespaced resources.</summary>
    public bool Namespaced { get; }

    /// <summary>"group/version" or "v1".</summary>
    public string GroupVersion { get; }

    /// <summary>"plural.group" or "plural": the storage key shared by all versions.</summary>
    public string GroupResource { get; }

    /// <summary>Kind of the list.</summary>
    public string ListKind { get; init; } = string.Empty;

    /// <summary>Short names.</summary>
    public IReadOnlyList<string> ShortNames { get; init; } = Array.Empty<string>();

    /// <summary>Categories such as "all".</summary>
    public IReadOnlyList<string> Categories { get; init; } = Array.Empty<string>();

    /// <summary>Verbs.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = StandardVerbs;

    /// <summary>True when the resource has a status subresource.</summary>
    public bool HasStatus { get; init; }

    /// <summary>True when the server maintains metadata.generation.</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>True when DELETE answers with the object rather than a Success Status.</summary>
    public bool ReturnsDeletedObject { get; init; }

    /// <summary>True for custom resources (served because of a CRD).</summary>
    public bool IsCustom { get; init; }

    /// <summary>Name validation.</summary>
    public NameRule NameRule { get; init; } = NameRule.Subdomain;

    /// <summary>Special behaviour.</summary>
    public ResourceBehaviour Behaviour { get; init; }

    /// <summary>True when objects are stored (false for review-style resources).</summary>
    public bool Stored => Behaviour is not (ResourceBehaviour.SelfSubjectReview or ResourceBehaviour.SelfSubjectAccessReview);

    /// <summary>The effective list kind.</summary>
    public string EffectiveListKind => ListKind.Length > 0 ? ListKind : Kind + "List";

    /// <summary>Strategic merge patch is defined only for built-in types.</summary>
    public bool SupportsStrategicMerge => !IsCustom;

    /// <summary>How a stored object of this version starts: {"kind":"K","apiVersion":"g/v".</summary>
    internal byte[] VersionedPrefix => versionedPrefix ??= System.Text.Encoding.UTF8.GetBytes($"{{\"kind\":\"{Kind}\",\"apiVersion\":\"{GroupVersion}\"");

    private byte[]? versionedPrefix;

    /// <inheritdoc />
    public override string ToString() => GroupVersion + "/" + Plural;
}

/// <summary>The built-in resources the server serves.</summary>
public static class BuiltInResources
{
    /// <summary>Builds the list (fresh instances per server).</summary>
    public static IReadOnlyList<ResourceType> Create()
    {
        var all = new[] { "all" };
        var list = new List<ResourceType>
        {
            // core/v1
            new("", "v1", "ConfigMap", "configmaps", true) { ShortNames = new[] { "cm" } },
            new("", "v1", "Endpoints", "endpoints", true) { ShortNames = new[] { "ep" }, Singular = "endpoints" },
            new("", "v1", "Event", "events", true) { ShortNames = new[] { "ev" } },
            new("", "v1", "LimitRange", "limitranges", true) { ShortNames = new[] { "limits" } },
            new("", "v1", "Namespace", "namespaces", false) { ShortNames = new[] { "ns" }, HasStatus = true, ReturnsDeletedObject = true, NameRule = NameRule.Label, Behaviour = ResourceBehaviour.Namespace, Verbs = new[] { "create", "delete", "get", "list", "patch", "update", "watch" } },
            new("", "v1", "Node", "nodes", false) { ShortNames = new[] { "no" }, HasStatus = true, ReturnsDeletedObject = true },
            new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true) { ShortNames = new[] { "pvc" }, HasStatus = true, ReturnsDeletedObject = true },
            new("", "v1", "PersistentVolume", "persistentvolumes", false) { ShortNames = new[] { "pv" }, HasStatus = true, ReturnsDeletedObject = true },
            new("", "v1", "Pod", "pods", true) { ShortNames = new[] { "po" }, Categories = all, HasStatus = true, ReturnsDeletedObject = true },
            new("", "v1", "PodTemplate", "podtemplates", true),
            new("", "v1", "ReplicationController", "replicationcontrollers", true) { ShortNames = new[] { "rc" }, Categories = all, HasStatus = true, TracksGeneration = true },
            new("", "v1", "ResourceQuota", "resourcequotas", true) { ShortNames = new[] { "quota" }, HasStatus = true },
            new("", "v1", "Secret", "secrets", true),
            new("", "v1", "ServiceAccount", "serviceaccounts", true) { ShortNames = new[] { "sa" }, ReturnsDeletedObject = true },
            new("", "v1", "Service", "services", true) { ShortNames = new[] { "svc" }, Categories = all, HasStatus = true, ReturnsDeletedObject = true, NameRule = NameRule.Dns1035Label, Behaviour = ResourceBehaviour.Service, Verbs = new[] { "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" } },

            // admissionregistration.k8s.io/v1
            new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false) { Categories = new[] { "api-extensions" }, TracksGeneration = true },
            new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false) { Categories = new[] { "api-extensions" }, TracksGeneration = true },
            new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false) { Categories = new[] { "api-extensions" }, HasStatus = true, TracksGeneration = true },
            new("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", false) { Categories = new[] { "api-extensions" }, TracksGeneration = true },

            // apiextensions / apiregistration
            new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false) { ShortNames = new[] { "crd", "crds" }, Categories = new[] { "api-extensions" }, HasStatus = true, TracksGeneration = true, ReturnsDeletedObject = true, Behaviour = ResourceBehaviour.CustomResourceDefinition },
            new("apiregistration.k8s.io", "v1", "APIService", "apiservices", false) { Categories = new[] { "api-extensions" }, HasStatus = true },

            // apps/v1
            new("apps", "v1", "ControllerRevision", "controllerrevisions", true),
            new("apps", "v1", "DaemonSet", "daemonsets", true) { ShortNames = new[] { "ds" }, Categories = all, HasStatus = true, TracksGeneration = true },
            new("apps", "v1", "Deployment", "deployments", true) { ShortNames = new[] { "deploy" }, Categories = all, HasStatus = true, TracksGeneration = true },
            new("apps", "v1", "ReplicaSet", "replicasets", true) { ShortNames = new[] { "rs" }, Categories = all, HasStatus = true, TracksGeneration = true },
            new("apps", "v1", "StatefulSet", "statefulsets", true) { ShortNames = new[] { "sts" }, Categories = all, HasStatus = true, TracksGeneration = true },

            // authentication / authorization (reviews: create only, never stored)
            new("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false) { Verbs = new[] { "create" }, Behaviour = ResourceBehaviour.SelfSubjectReview },
            new("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false) { Verbs = new[] { "create" }, Behaviour = ResourceBehaviour.SelfSubjectAccessReview },

            // autoscaling (two versions share one storage)
            new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true) { ShortNames = new[] { "hpa" }, Categories = all, HasStatus = true },
            new("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true) { ShortNames = new[] { "hpa" }, Categories = all, HasStatus = true },

            // batch/v1
            new("batch", "v1", "CronJob", "cronjobs", true) { ShortNames = new[] { "cj" }, Categories = all, HasStatus = true, TracksGeneration = true },
            new("batch", "v1", "Job", "jobs", true) { Categories = all, HasStatus = true, TracksGeneration = true },

            // certificates, coordination, discovery, node
            new("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false) { ShortNames = new[] { "csr" }, HasStatus = true },
            new("coordination.k8s.io", "v1", "Lease", "leases", true),
            new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true),
            new("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false),

            // networking.k8s.io/v1
            new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
            new("networking.k8s.io", "v1", "Ingress", "ingresses", true) { ShortNames = new[] { "ing" }, HasStatus = true, TracksGeneration = true },
            new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true) { ShortNames = new[] { "netpol" }, TracksGeneration = true },

            // policy/v1
            new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true) { ShortNames = new[] { "pdb" }, HasStatus = true, TracksGeneration = true },

            // rbac.authorization.k8s.io/v1
            new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false) { NameRule = NameRule.PathSegment },
            new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false) { NameRule = NameRule.PathSegment },
            new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true) { NameRule = NameRule.PathSegment },
            new("rbac.authorization.k8s.io", "v1", "Role", "roles", true) { NameRule = NameRule.PathSegment },

            // scheduling / storage
            new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false) { ShortNames = new[] { "pc" } },
            new("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false) { ReturnsDeletedObject = true },
            new("storage.k8s.io", "v1", "CSINode", "csinodes", false),
            new("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", true),
            new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false) { ShortNames = new[] { "sc" }, ReturnsDeletedObject = true },
            new("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false) { HasStatus = true, ReturnsDeletedObject = true },
        };
        return list;
    }

    /// <summary>The preferred (first listed) version of each group, in discovery order.</summary>
    public static IEnumerable<string> GroupOrder(IEnumerable<ResourceType> types)
        => types.Select(t => t.Group).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal);
}

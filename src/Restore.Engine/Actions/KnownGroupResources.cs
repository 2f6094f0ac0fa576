using System;

namespace Restore.Engine.Actions;

/// <summary>
/// The group-resource strings the built-in actions match, as discovery resolves Velero's
/// <c>AppliesTo</c> names (<c>jobs</c> becomes <c>jobs.batch</c>, and so on).
/// </summary>
internal static class KnownGroupResources
{
    public const string Pods = "pods";
    public const string Services = "services";
    public const string ServiceAccounts = "serviceaccounts";
    public const string Secrets = "secrets";
    public const string PersistentVolumeClaims = "persistentvolumeclaims";
    public const string PersistentVolumes = "persistentvolumes";
    public const string ReplicationControllers = "replicationcontrollers";
    public const string Jobs = "jobs.batch";
    public const string CronJobs = "cronjobs.batch";
    public const string Deployments = "deployments.apps";
    public const string StatefulSets = "statefulsets.apps";
    public const string DaemonSets = "daemonsets.apps";
    public const string ReplicaSets = "replicasets.apps";
    public const string PriorityClasses = "priorityclasses.scheduling.k8s.io";
    public const string CustomResourceDefinitions = "customresourcedefinitions.apiextensions.k8s.io";
    public const string ApiServices = "apiservices.apiregistration.k8s.io";
    public const string MutatingWebhookConfigurations = "mutatingwebhookconfigurations.admissionregistration.k8s.io";
    public const string ValidatingWebhookConfigurations = "validatingwebhookconfigurations.admissionregistration.k8s.io";
    public const string RoleBindings = "rolebindings.rbac.authorization.k8s.io";
    public const string ClusterRoleBindings = "clusterrolebindings.rbac.authorization.k8s.io";
    public const string DataUploads = "datauploads.velero.io";
    public const string VolumeSnapshots = "volumesnapshots.snapshot.storage.k8s.io";
    public const string VolumeSnapshotContents = "volumesnapshotcontents.snapshot.storage.k8s.io";
    public const string VolumeSnapshotClasses = "volumesnapshotclasses.snapshot.storage.k8s.io";

    /// <summary>Ordinal comparison of a group-resource with one of the constants.</summary>
    public static bool Is(string? groupResource, string expected) => string.Equals(groupResource, expected, StringComparison.Ordinal);
}

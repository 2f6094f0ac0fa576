using System;
using System.Collections.Generic;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// The resources a current Kubernetes cluster (about 1.30) serves out of the box, plus the CSI snapshot
/// and Velero APIs, as <c>kubectl api-resources</c> lists them. Used when planning without a cluster.
/// </summary>
internal static class BuiltInResources
{
    // Groups in discovery order (the core group first), with served versions, preferred first.
    public static readonly (string Group, string[] Versions)[] Groups =
    {
        (string.Empty, new[] { "v1" }),
        ("apiregistration.k8s.io", new[] { "v1" }),
        ("apps", new[] { "v1" }),
        ("events.k8s.io", new[] { "v1" }),
        ("authentication.k8s.io", new[] { "v1" }),
        ("authorization.k8s.io", new[] { "v1" }),
        ("autoscaling", new[] { "v2", "v1" }),
        ("batch", new[] { "v1" }),
        ("certificates.k8s.io", new[] { "v1" }),
        ("networking.k8s.io", new[] { "v1" }),
        ("policy", new[] { "v1" }),
        ("rbac.authorization.k8s.io", new[] { "v1" }),
        ("storage.k8s.io", new[] { "v1" }),
        ("admissionregistration.k8s.io", new[] { "v1" }),
        ("apiextensions.k8s.io", new[] { "v1" }),
        ("scheduling.k8s.io", new[] { "v1" }),
        ("coordination.k8s.io", new[] { "v1" }),
        ("node.k8s.io", new[] { "v1" }),
        ("discovery.k8s.io", new[] { "v1" }),
        ("flowcontrol.apiserver.k8s.io", new[] { "v1", "v1beta3" }),
        ("snapshot.storage.k8s.io", new[] { "v1" }),
        ("velero.io", new[] { "v1", "v2alpha1" }),
    };

    // group | version | plural | singular | Kind | N(amespaced)/C(luster) | short names
    private static readonly string[] Table =
    {
        "|v1|bindings|binding|Binding|N|",
        "|v1|componentstatuses|componentstatus|ComponentStatus|C|cs",
        "|v1|configmaps|configmap|ConfigMap|N|cm",
        "|v1|endpoints|endpoints|Endpoints|N|ep",
        "|v1|events|event|Event|N|ev",
        "|v1|limitranges|limitrange|LimitRange|N|limits",
        "|v1|namespaces|namespace|Namespace|C|ns",
        "|v1|nodes|node|Node|C|no",
        "|v1|persistentvolumeclaims|persistentvolumeclaim|PersistentVolumeClaim|N|pvc",
        "|v1|persistentvolumes|persistentvolume|PersistentVolume|C|pv",
        "|v1|pods|pod|Pod|N|po",
        "|v1|podtemplates|podtemplate|PodTemplate|N|",
        "|v1|replicationcontrollers|replicationcontroller|ReplicationController|N|rc",
        "|v1|resourcequotas|resourcequota|ResourceQuota|N|quota",
        "|v1|secrets|secret|Secret|N|",
        "|v1|serviceaccounts|serviceaccount|ServiceAccount|N|sa",
        "|v1|services|service|Service|N|svc",
        "apiregistration.k8s.io|v1|apiservices|apiservice|APIService|C|",
        "apps|v1|controllerrevisions|controllerrevision|ControllerRevision|N|",
        "apps|v1|daemonsets|daemonset|DaemonSet|N|ds",
        "apps|v1|deployments|deployment|Deployment|N|deploy",
        "apps|v1|replicasets|replicaset|ReplicaSet|N|rs",
        "apps|v1|statefulsets|statefulset|StatefulSet|N|sts",
        "events.k8s.io|v1|events|event|Event|N|ev",
        "authentication.k8s.io|v1|selfsubjectreviews|selfsubjectreview|SelfSubjectReview|C|",
        "authentication.k8s.io|v1|tokenreviews|tokenreview|TokenReview|C|",
        "authorization.k8s.io|v1|localsubjectaccessreviews|localsubjectaccessreview|LocalSubjectAccessReview|N|",
        "authorization.k8s.io|v1|selfsubjectaccessreviews|selfsubjectaccessreview|SelfSubjectAccessReview|C|",
        "authorization.k8s.io|v1|selfsubjectrulesreviews|selfsubjectrulesreview|SelfSubjectRulesReview|C|",
        "authorization.k8s.io|v1|subjectaccessreviews|subjectaccessreview|SubjectAccessReview|C|",
        "autoscaling|v2|horizontalpodautoscalers|horizontalpodautoscaler|HorizontalPodAutoscaler|N|hpa",
        "batch|v1|cronjobs|cronjob|CronJob|N|cj",
        "batch|v1|jobs|job|Job|N|",
        "certificates.k8s.io|v1|certificatesigningrequests|certificatesigningrequest|CertificateSigningRequest|C|csr",
        "networking.k8s.io|v1|ingressclasses|ingressclass|IngressClass|C|",
        "networking.k8s.io|v1|ingresses|ingress|Ingress|N|ing",
        "networking.k8s.io|v1|networkpolicies|networkpolicy|NetworkPolicy|N|netpol",
        "policy|v1|poddisruptionbudgets|poddisruptionbudget|PodDisruptionBudget|N|pdb",
        "rbac.authorization.k8s.io|v1|clusterrolebindings|clusterrolebinding|ClusterRoleBinding|C|",
        "rbac.authorization.k8s.io|v1|clusterroles|clusterrole|ClusterRole|C|",
        "rbac.authorization.k8s.io|v1|rolebindings|rolebinding|RoleBinding|N|",
        "rbac.authorization.k8s.io|v1|roles|role|Role|N|",
        "storage.k8s.io|v1|csidrivers|csidriver|CSIDriver|C|",
        "storage.k8s.io|v1|csinodes|csinode|CSINode|C|",
        "storage.k8s.io|v1|csistoragecapacities|csistoragecapacity|CSIStorageCapacity|N|",
        "storage.k8s.io|v1|storageclasses|storageclass|StorageClass|C|sc",
        "storage.k8s.io|v1|volumeattachments|volumeattachment|VolumeAttachment|C|",
        "admissionregistration.k8s.io|v1|mutatingwebhookconfigurations|mutatingwebhookconfiguration|MutatingWebhookConfiguration|C|",
        "admissionregistration.k8s.io|v1|validatingadmissionpolicies|validatingadmissionpolicy|ValidatingAdmissionPolicy|C|",
        "admissionregistration.k8s.io|v1|validatingadmissionpolicybindings|validatingadmissionpolicybinding|ValidatingAdmissionPolicyBinding|C|",
        "admissionregistration.k8s.io|v1|validatingwebhookconfigurations|validatingwebhookconfiguration|ValidatingWebhookConfiguration|C|",
        "apiextensions.k8s.io|v1|customresourcedefinitions|customresourcedefinition|CustomResourceDefinition|C|crd,crds",
        "scheduling.k8s.io|v1|priorityclasses|priorityclass|PriorityClass|C|pc",
        "coordination.k8s.io|v1|leases|lease|Lease|N|",
        "node.k8s.io|v1|runtimeclasses|runtimeclass|RuntimeClass|C|",
        "discovery.k8s.io|v1|endpointslices|endpointslice|EndpointSlice|N|",
        "flowcontrol.apiserver.k8s.io|v1|flowschemas|flowschema|FlowSchema|C|",
        "flowcontrol.apiserver.k8s.io|v1|prioritylevelconfigurations|prioritylevelconfiguration|PriorityLevelConfiguration|C|",
        "snapshot.storage.k8s.io|v1|volumesnapshotclasses|volumesnapshotclass|VolumeSnapshotClass|C|vsclass,vsclasses",
        "snapshot.storage.k8s.io|v1|volumesnapshotcontents|volumesnapshotcontent|VolumeSnapshotContent|C|vsc,vscs",
        "snapshot.storage.k8s.io|v1|volumesnapshots|volumesnapshot|VolumeSnapshot|N|vs",
        "velero.io|v1|backuprepositories|backuprepository|BackupRepository|N|",
        "velero.io|v1|backups|backup|Backup|N|",
        "velero.io|v1|backupstoragelocations|backupstoragelocation|BackupStorageLocation|N|bsl",
        "velero.io|v1|deletebackuprequests|deletebackuprequest|DeleteBackupRequest|N|",
        "velero.io|v1|downloadrequests|downloadrequest|DownloadRequest|N|",
        "velero.io|v1|podvolumebackups|podvolumebackup|PodVolumeBackup|N|",
        "velero.io|v1|podvolumerestores|podvolumerestore|PodVolumeRestore|N|",
        "velero.io|v1|restores|restore|Restore|N|",
        "velero.io|v1|schedules|schedule|Schedule|N|",
        "velero.io|v1|serverstatusrequests|serverstatusrequest|ServerStatusRequest|N|ssr",
        "velero.io|v1|volumesnapshotlocations|volumesnapshotlocation|VolumeSnapshotLocation|N|vsl",
        "velero.io|v2alpha1|datadownloads|datadownload|DataDownload|N|",
        "velero.io|v2alpha1|datauploads|dataupload|DataUpload|N|",
    };

    /// <summary>Resource rows plus every version each is served at (preferred first).</summary>
    public static IEnumerable<(ApiResourceInfo Info, string[] Versions)> Rows()
    {
        foreach (var row in Table)
        {
            var f = row.Split('|');
            var shortNames = f[6].Length == 0 ? Array.Empty<string>() : f[6].Split(',');
            var info = new ApiResourceInfo(f[0], f[1], f[2], f[4], f[5] == "N", shortNames, f[3]);

            // autoscaling and flowcontrol serve their resources at two versions; every other built-in at one.
            var versions = f[0] is "autoscaling" or "flowcontrol.apiserver.k8s.io" ? Array.Find(Groups, g => g.Group == f[0]).Versions : new[] { f[1] };
            yield return (info, versions);
        }
    }
}

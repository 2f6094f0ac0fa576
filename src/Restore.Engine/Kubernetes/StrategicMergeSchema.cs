using System;
using System.Collections.Generic;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// The strategic-merge metadata of one field: its element or value type, its patch strategy and merge key,
/// taken from the <c>patchStrategy</c>/<c>patchMergeKey</c> tags of the Kubernetes API types.
/// </summary>
internal sealed class SmpField
{
    public SmpField(SmpType type, string strategy = "", string mergeKey = "")
    {
        Type = type;
        Strategy = strategy;
        MergeKey = mergeKey;
    }

    public SmpType Type { get; }

    /// <summary>"merge", "replace" or "" (maps merge, lists are replaced).</summary>
    public string Strategy { get; }

    public string MergeKey { get; }
}

/// <summary>A struct type as far as strategic merge cares: only fields that are, or lead to, tagged fields.</summary>
internal sealed class SmpType
{
    private readonly Dictionary<string, SmpField> fields = new(StringComparer.Ordinal);

    public SmpType(string name) => Name = name;

    /// <summary>A type about which nothing is known: maps merge, lists are replaced.</summary>
    public static SmpType Generic { get; } = new("generic");

    public string Name { get; }

    public SmpType With(string field, SmpType type, string strategy = "", string mergeKey = "")
    {
        fields[field] = new SmpField(type, strategy, mergeKey);
        return this;
    }

    public SmpType MergeList(string field, string mergeKey, SmpType? element = null) =>
        With(field, element ?? Generic, "merge", mergeKey);

    public SmpField Lookup(string field) =>
        fields.TryGetValue(field, out var f) ? f : new SmpField(Generic);
}

/// <summary>
/// Strategic-merge metadata for the kinds Velero's scheme knows (core/v1, apps/v1, batch/v1,
/// snapshot.storage.k8s.io/v1, groupsnapshot.storage.k8s.io/v1beta2, velero.io), transcribed from the
/// Kubernetes API type tags. Only tagged fields and the paths to them are listed; everything else
/// behaves generically, which is also what an untagged field does.
/// </summary>
internal static class StrategicMergeSchema
{
    private static readonly Dictionary<string, SmpType> Kinds = Build();

    private static readonly HashSet<string> KnownKindSet = new(Kinds.Keys, StringComparer.Ordinal);

    /// <summary>True when Velero's scheme registers the kind (<c>apiVersion</c> + <c>kind</c>).</summary>
    public static bool IsKnown(string apiVersion, string kind) => KnownKindSet.Contains(apiVersion + "|" + kind);

    /// <summary>The top-level type of a kind; unknown kinds get object metadata plus generic fields.</summary>
    public static SmpType For(string apiVersion, string kind) =>
        Kinds.TryGetValue(apiVersion + "|" + kind, out var t) ? t : ObjectWithMeta("unknown", Meta());

    private static SmpType Meta() => new SmpType("ObjectMeta")
        .MergeList("ownerReferences", "uid")
        .With("finalizers", SmpType.Generic, "merge");

    private static SmpType ObjectWithMeta(string name, SmpType meta) => new SmpType(name).With("metadata", meta);

    private static Dictionary<string, SmpType> Build()
    {
        var meta = Meta();
        var conditionsStatus = new SmpType("StatusWithConditions").MergeList("conditions", "type");

        var container = new SmpType("Container")
            .MergeList("ports", "containerPort")
            .MergeList("env", "name")
            .MergeList("volumeMounts", "mountPath")
            .MergeList("volumeDevices", "devicePath");
        var nodeAllocatableClaimStatus = new SmpType("NodeAllocatableResourceClaimStatus")
            .MergeList("mapping", "name")
            .MergeList("overhead", "name");
        var podSpec = new SmpType("PodSpec")
            .MergeList("volumes", "name")
            .MergeList("initContainers", "name", container)
            .MergeList("containers", "name", container)
            .MergeList("ephemeralContainers", "name", container)
            .MergeList("imagePullSecrets", "name")
            .MergeList("hostAliases", "ip")
            .MergeList("topologySpreadConstraints", "topologyKey")
            .MergeList("schedulingGates", "name")
            .MergeList("resourceClaims", "name")
            .MergeList("evictionResponders", "name");
        var podStatus = new SmpType("PodStatus")
            .MergeList("conditions", "type")
            .MergeList("hostIPs", "ip")
            .MergeList("podIPs", "ip")
            .MergeList("resourceClaimStatuses", "name")
            .MergeList("nodeAllocatableResourceClaimStatuses", "resourceClaimName", nodeAllocatableClaimStatus);
        var podTemplateSpec = new SmpType("PodTemplateSpec").With("metadata", meta).With("spec", podSpec);
        var withTemplate = new SmpType("SpecWithTemplate").With("template", podTemplateSpec);
        var jobSpec = new SmpType("JobSpec").With("template", podTemplateSpec);
        var cronJobSpec = new SmpType("CronJobSpec")
            .With("jobTemplate", new SmpType("JobTemplateSpec").With("metadata", meta).With("spec", jobSpec));
        var pvcStatus = new SmpType("PersistentVolumeClaimStatus").MergeList("conditions", "type");

        SmpType Kind(string name, params (string Field, SmpType Type)[] fields)
        {
            var t = ObjectWithMeta(name, meta);
            foreach (var (field, type) in fields)
            {
                t.With(field, type);
            }

            return t;
        }

        var kinds = new Dictionary<string, SmpType>(StringComparer.Ordinal)
        {
            ["v1|Pod"] = Kind("Pod", ("spec", podSpec), ("status", podStatus)),
            ["v1|PodTemplate"] = Kind("PodTemplate", ("template", podTemplateSpec)),
            ["v1|ReplicationController"] = Kind("ReplicationController", ("spec", withTemplate), ("status", conditionsStatus)),
            ["v1|Service"] = Kind("Service", ("spec", new SmpType("ServiceSpec").MergeList("ports", "port")), ("status", conditionsStatus)),
            ["v1|ServiceAccount"] = Kind("ServiceAccount").MergeList("secrets", "name"),
            ["v1|Node"] = Kind("Node", ("spec", new SmpType("NodeSpec").With("podCIDRs", SmpType.Generic, "merge")),
                ("status", new SmpType("NodeStatus").MergeList("conditions", "type").MergeList("addresses", "type"))),
            ["v1|Namespace"] = Kind("Namespace", ("status", conditionsStatus)),
            ["v1|ComponentStatus"] = Kind("ComponentStatus").MergeList("conditions", "type"),
            ["v1|PersistentVolumeClaim"] = Kind("PersistentVolumeClaim", ("status", pvcStatus)),
            ["apps/v1|Deployment"] = Kind("Deployment", ("spec", withTemplate), ("status", conditionsStatus)),
            ["apps/v1|StatefulSet"] = Kind("StatefulSet", ("spec", withTemplate), ("status", conditionsStatus)),
            ["apps/v1|DaemonSet"] = Kind("DaemonSet", ("spec", withTemplate), ("status", conditionsStatus)),
            ["apps/v1|ReplicaSet"] = Kind("ReplicaSet", ("spec", withTemplate), ("status", conditionsStatus)),
            ["batch/v1|Job"] = Kind("Job", ("spec", jobSpec), ("status", conditionsStatus)),
            ["batch/v1|CronJob"] = Kind("CronJob", ("spec", cronJobSpec)),
        };

        // Kinds in Velero's scheme without tagged fields beyond object metadata.
        string[] plain =
        {
            "v1|ConfigMap", "v1|Secret", "v1|Endpoints", "v1|Event", "v1|LimitRange", "v1|ResourceQuota",
            "v1|PersistentVolume", "v1|Binding", "v1|PodStatusResult", "v1|RangeAllocation",
            "apps/v1|ControllerRevision",
            "snapshot.storage.k8s.io/v1|VolumeSnapshot", "snapshot.storage.k8s.io/v1|VolumeSnapshotContent",
            "snapshot.storage.k8s.io/v1|VolumeSnapshotClass",
            "groupsnapshot.storage.k8s.io/v1beta2|VolumeGroupSnapshot",
            "groupsnapshot.storage.k8s.io/v1beta2|VolumeGroupSnapshotContent",
            "groupsnapshot.storage.k8s.io/v1beta2|VolumeGroupSnapshotClass",
            "velero.io/v1|Backup", "velero.io/v1|Restore", "velero.io/v1|Schedule",
            "velero.io/v1|BackupStorageLocation", "velero.io/v1|VolumeSnapshotLocation",
            "velero.io/v1|DownloadRequest", "velero.io/v1|DeleteBackupRequest", "velero.io/v1|PodVolumeBackup",
            "velero.io/v1|PodVolumeRestore", "velero.io/v1|BackupRepository", "velero.io/v1|ServerStatusRequest",
            "velero.io/v2alpha1|DataUpload", "velero.io/v2alpha1|DataDownload",
        };
        foreach (var k in plain)
        {
            kinds[k] = Kind(k.Substring(k.IndexOf('|') + 1));
        }

        return kinds;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Velero;

namespace Restore.Engine.Actions;

/// <summary>
/// Decides, for each PersistentVolume of the backup, whether it is restored, renamed or left for its
/// claim to re-provision (docs/velero-compatibility.md#item-steps step 7, #persistent-volumes), and then fixes the claims that name those
/// volumes (docs/velero-compatibility.md#item-steps step 10). One instance serves one restore; it is thread-safe.
/// </summary>
/// <remarks>
/// <para>The decision follows Velero's object-level rules. The volume info entry for the PV (keyed by
/// <c>pvName</c>) decides by backup method; without an entry the fallback checks run in Velero's order:
/// a native snapshot of the PV; a PodVolumeBackup of the claim (pod namespace and
/// <c>velero.io/pvc-name</c>); a CSI VolumeSnapshot of the claim; a DataUpload of the claim; reclaim
/// policy Delete; otherwise restore as-is.</para>
/// <para>No volume snapshotter plugin, node agent or data mover runs client-side, so native snapshots,
/// file-system backups and moved snapshot data are not brought back. Every such volume gets a warning
/// naming the PV, its claim and the backup method. CSI snapshots without data movement are the
/// exception: the CSI actions point the claim at the restored VolumeSnapshot and the CSI driver
/// provisions it, so that data does come back.</para>
/// <para>The renamed-volume case keeps Velero's behaviour with no plugin: the clone refers to the same
/// storage volume as the existing PersistentVolume, and the warning says so. Velero waits up to ten
/// minutes for a same-named PV that is being deleted; that wait belongs to the executor.</para>
/// </remarks>
internal sealed class PersistentVolumeRestorer
{
    private const string OriginalPvNameAnnotation = "velero.io/original-pv-name";
    private static readonly string[] BindingAnnotations = { "pv.kubernetes.io/bind-completed", "pv.kubernetes.io/bound-by-controller" };

    private readonly RestoreActionOptions options;
    private readonly IClusterState? cluster;
    private readonly Func<string> newCloneName;
    private readonly object gate = new();
    private readonly HashSet<string> reprovisioned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> renamed = new(StringComparer.Ordinal);

    /// <summary>Creates a restorer for one restore.</summary>
    /// <param name="options">Namespace mapping, <c>restorePVs</c>, CSI switch and the backup's volume data.</param>
    /// <param name="cluster">The target cluster, used to see whether a PV already exists; null when planning offline (then nothing is renamed).</param>
    /// <param name="cloneNameFactory">Makes clone names; defaults to <c>velero-clone-&lt;random uuid&gt;</c>.</param>
    public PersistentVolumeRestorer(RestoreActionOptions options, IClusterState? cluster, Func<string>? cloneNameFactory = null)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.cluster = cluster;
        newCloneName = cloneNameFactory ?? (() => "velero-clone-" + Guid.NewGuid().ToString("D"));
    }

    /// <summary>Names (in the backup) of the PVs left for their claims to re-provision.</summary>
    public IReadOnlyCollection<string> ReprovisionedVolumes
    {
        get
        {
            lock (gate)
            {
                return reprovisioned.OrderBy(n => n, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>Renamed PVs: name in the backup to the name they are created under.</summary>
    public IReadOnlyDictionary<string, string> RenamedVolumes
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, string>(renamed, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>True when the PV named <paramref name="pvName"/> (backup name) is re-provisioned.</summary>
    public bool IsReprovisioned(string pvName)
    {
        lock (gate)
        {
            return reprovisioned.Contains(pvName);
        }
    }

    /// <summary>
    /// Decides what to do with one PersistentVolume and, unless it is re-provisioned, prepares the
    /// object in place: <c>claimRef.namespace</c> remapped, <c>claimRef.uid</c>/<c>resourceVersion</c> and the
    /// <c>pv.kubernetes.io/bind-completed</c>/<c>bound-by-controller</c> annotations removed, and for a
    /// rename the new name plus annotation <c>velero.io/original-pv-name</c>. Call it before the metadata
    /// reset (docs/velero-compatibility.md#item-steps step 7). A re-provisioned PV must not be created.
    /// </summary>
    public PersistentVolumeDecision Decide(JsonObject persistentVolume)
    {
        if (persistentVolume is null)
        {
            throw new ArgumentNullException(nameof(persistentVolume));
        }

        var pv = new VolumeFacts(persistentVolume);
        var data = options.BackupVolumes;
        var info = data.FindVolumeInfo(pv.Name);
        if (info is not null)
        {
            return info.BackupMethod switch
            {
                VolumeBackupMethod.NativeSnapshot => RestoreWithoutSnapshot(persistentVolume, pv, true),
                VolumeBackupMethod.PodVolumeBackup => Reprovision(pv, VolumeBackupMethod.PodVolumeBackup, false, true, FileSystemDetail(info.PodVolumeBackupInfo?.UploaderType)),
                VolumeBackupMethod.CsiSnapshot => Reprovision(pv, VolumeBackupMethod.CsiSnapshot, info.SnapshotDataMoved, true, DataMoverDetail(info)),
                _ when pv.HasDeletePolicy => Reprovision(pv, info.BackupMethod, false, true, NotBackedUpDetail(info)),
                _ => RestoreAsIs(persistentVolume, pv, info.BackupMethod, true),
            };
        }

        if (data.NativeSnapshots.Any(s => s.PersistentVolumeName == pv.Name))
        {
            return RestoreWithoutSnapshot(persistentVolume, pv, false);
        }

        if (pv.HasClaim)
        {
            var podVolumeBackup = data.PodVolumeBackups.FirstOrDefault(b => b.PodNamespace == pv.ClaimNamespace && b.PvcName == pv.ClaimName);
            if (podVolumeBackup is not null)
            {
                return Reprovision(pv, VolumeBackupMethod.PodVolumeBackup, false, false, FileSystemDetail(podVolumeBackup.UploaderType));
            }

            if (data.CsiVolumeSnapshots.Any(s => s.Namespace == pv.ClaimNamespace && s.SourcePersistentVolumeClaimName == pv.ClaimName))
            {
                return Reprovision(pv, VolumeBackupMethod.CsiSnapshot, data.SnapshotMoveData, false, data.SnapshotMoveData ? "with data movement" : string.Empty);
            }

            var upload = data.DataUploads.FirstOrDefault(u => u.SourceNamespace == pv.ClaimNamespace && u.SourcePvc == pv.ClaimName);
            if (upload is not null)
            {
                return Reprovision(pv, VolumeBackupMethod.CsiSnapshot, true, false, "with data movement" + (upload.DataMover.Length > 0 ? $" (data mover {upload.DataMover})" : string.Empty));
            }
        }

        return pv.HasDeletePolicy
            ? Reprovision(pv, VolumeBackupMethod.None, false, false, string.Empty)
            : RestoreAsIs(persistentVolume, pv, VolumeBackupMethod.None, false);
    }

    /// <summary>
    /// Step 10 of docs/velero-compatibility.md#item-steps for one claim, after its actions ran: when <c>spec.volumeName</c> is set, removes
    /// the two <c>pv.kubernetes.io/bind*</c> annotations, and removes <c>spec.volumeName</c> when that PV is
    /// re-provisioned; when that PV was renamed, points <c>spec.volumeName</c> at the new name.
    /// </summary>
    public ClaimVolumeChange ApplyToClaim(JsonObject claim)
    {
        if (claim is null)
        {
            throw new ArgumentNullException(nameof(claim));
        }

        var spec = claim["spec"] as JsonObject;
        var volumeName = ItemJson.AsString(spec?["volumeName"]);
        if (spec is null || string.IsNullOrEmpty(volumeName))
        {
            return ClaimVolumeChange.None;
        }

        var annotationsRemoved = ResetBinding(claim);
        bool removeName;
        string? newName;
        lock (gate)
        {
            removeName = reprovisioned.Contains(volumeName!);
            renamed.TryGetValue(volumeName!, out newName);
        }

        if (removeName)
        {
            spec.Remove("volumeName");
        }

        if (newName is not null)
        {
            spec["volumeName"] = newName;
        }

        return new ClaimVolumeChange(volumeName, annotationsRemoved, removeName, newName);
    }

    private PersistentVolumeDecision RestoreWithoutSnapshot(JsonObject item, VolumeFacts pv, bool fromVolumeInfo)
    {
        var mapping = options.NamespaceMapping;
        var rename = mapping.Count > 0 && pv.HasClaim && mapping.ContainsKey(pv.ClaimNamespace)
            && cluster is not null && cluster.PersistentVolumeExists(pv.Name);
        RemapClaimNamespace(item);
        ResetBinding(item);

        var restorePvs = options.RestorePersistentVolumes != false;
        var cause = restorePvs
            ? "backup method NativeSnapshot needs a Velero volume snapshotter plugin, which does not run client-side"
            : "backup method NativeSnapshot and restorePVs is false";
        var hint = restorePvs ? ServerHint : string.Empty;
        if (!rename)
        {
            return Decision(PersistentVolumeRestoreKind.Restore, pv, pv.Name, VolumeBackupMethod.NativeSnapshot, false, fromVolumeInfo, false,
                "Restoring persistent volume without its native snapshot.",
                DataWarning(pv, cause, "the PersistentVolume is restored pointing at its original storage volume" + hint));
        }

        var newName = newCloneName();
        ItemJson.GetOrAddObject(item, "metadata")["name"] = newName;
        ItemJson.GetOrAddObject(ItemJson.GetOrAddObject(item, "metadata"), "annotations")[OriginalPvNameAnnotation] = pv.Name;
        lock (gate)
        {
            renamed[pv.Name] = newName;
        }

        return Decision(PersistentVolumeRestoreKind.Rename, pv, newName, VolumeBackupMethod.NativeSnapshot, false, fromVolumeInfo, false,
            $"Renaming persistent volume to {newName}: a persistent volume named {pv.Name} already exists and its claim's namespace is remapped.",
            DataWarning(pv, cause, $"the PersistentVolume is restored as \"{newName}\" and refers to the same storage volume as the existing PersistentVolume \"{pv.Name}\"" + hint));
    }

    private PersistentVolumeDecision RestoreAsIs(JsonObject item, VolumeFacts pv, VolumeBackupMethod method, bool fromVolumeInfo)
    {
        RemapClaimNamespace(item);
        ResetBinding(item);
        return Decision(PersistentVolumeRestoreKind.Restore, pv, pv.Name, method, false, fromVolumeInfo, false,
            "Restoring persistent volume as-is because it doesn't have a snapshot and its reclaim policy is not Delete.",
            Array.Empty<string>());
    }

    private PersistentVolumeDecision Reprovision(VolumeFacts pv, VolumeBackupMethod method, bool dataMoved, bool fromVolumeInfo, string detail)
    {
        lock (gate)
        {
            reprovisioned.Add(pv.Name);
        }

        const string Empty = "its claim gets a new, empty volume";
        string reason;
        IReadOnlyList<string> warnings;
        var dataRestored = false;
        switch (method)
        {
            case VolumeBackupMethod.PodVolumeBackup:
                reason = "Dynamically re-provisioning persistent volume because it has a pod volume backup to be restored.";
                warnings = DataWarning(pv, $"backup method PodVolumeBackup ({detail}) needs Velero's node agent, which does not run client-side", Empty + ServerHint);
                break;
            case VolumeBackupMethod.CsiSnapshot:
                reason = "Dynamically re-provisioning persistent volume because it has a CSI VolumeSnapshot or a related snapshot DataUpload.";
                var described = "backup method CSISnapshot" + (detail.Length > 0 ? " " + detail : string.Empty);
                if (dataMoved)
                {
                    warnings = DataWarning(pv, described + " needs Velero's data mover, which does not run client-side", Empty + ServerHint);
                }
                else if (options.RestorePersistentVolumes == false)
                {
                    warnings = DataWarning(pv, described + " and restorePVs is false", Empty);
                }
                else if (!options.CsiActionsEnabled)
                {
                    warnings = DataWarning(pv, described + " and the CSI actions are disabled", Empty);
                }
                else
                {
                    dataRestored = true;
                    reason += " The CSI driver provisions the claim from the restored VolumeSnapshot.";
                    warnings = Array.Empty<string>();
                }

                break;
            default:
                reason = "Dynamically re-provisioning persistent volume because it doesn't have a snapshot and its reclaim policy is Delete.";
                var what = method == VolumeBackupMethod.None
                    ? "the volume's data is not in the backup" + (detail.Length > 0 ? $" ({detail})" : string.Empty)
                    : $"backup method \"{detail}\" is not supported";
                warnings = DataWarning(pv, what + " and the reclaim policy is Delete", Empty);
                break;
        }

        return Decision(PersistentVolumeRestoreKind.Reprovision, pv, pv.Name, method, dataMoved, fromVolumeInfo, dataRestored, reason, warnings);
    }

    private static PersistentVolumeDecision Decision(
        PersistentVolumeRestoreKind kind, VolumeFacts pv, string name, VolumeBackupMethod method, bool dataMoved, bool fromVolumeInfo, bool dataRestored, string reason, IReadOnlyList<string> warnings) =>
        new(kind, pv.Name, name, method, dataMoved, fromVolumeInfo, pv.ClaimNamespace, pv.ClaimName, dataRestored, reason, warnings);

    /// <summary>Ends a warning about volume data the client cannot restore: the cluster's Velero can.</summary>
    private const string ServerHint = ". To restore its data, " + Csi.CsiSnapshotChain.ServerHint;

    private static IReadOnlyList<string> DataWarning(VolumeFacts pv, string cause, string consequence)
    {
        var claim = pv.HasClaim ? $"claim {pv.ClaimNamespace}/{pv.ClaimName}" : "no claim";
        return new[] { $"volume data not restored for PersistentVolume \"{pv.Name}\" ({claim}): {cause}; {consequence}" };
    }

    private static string FileSystemDetail(string? uploader) =>
        "file-system backup" + (string.IsNullOrEmpty(uploader) ? string.Empty : ", uploader " + uploader);

    private static string DataMoverDetail(BackupVolumeInfo info)
    {
        if (!info.SnapshotDataMoved)
        {
            return string.Empty;
        }

        var mover = info.SnapshotDataMovementInfo?.DataMover;
        return "with data movement" + (string.IsNullOrEmpty(mover) ? string.Empty : $" (data mover {mover})");
    }

    // For VolumeBackupMethod.None the detail is the skip reason; for Other it is the raw method text.
    private static string NotBackedUpDetail(BackupVolumeInfo info) =>
        info.BackupMethod == VolumeBackupMethod.Other ? info.BackupMethodText : info.SkippedReason;

    private void RemapClaimNamespace(JsonObject item)
    {
        if (ItemJson.Object(item, "spec", "claimRef") is { } claimRef
            && ItemJson.AsString(claimRef["namespace"]) is { } ns
            && options.NamespaceMapping.TryGetValue(ns, out var target))
        {
            claimRef["namespace"] = target;
        }
    }

    // Velero's resetVolumeBindingInfo: the controllers bind the restored pair again.
    private static bool ResetBinding(JsonObject item)
    {
        if (ItemJson.Object(item, "spec", "claimRef") is { } claimRef)
        {
            claimRef.Remove("uid");
            claimRef.Remove("resourceVersion");
        }

        return ItemJson.RemoveKeys(ItemJson.Object(item, "metadata"), "annotations", BindingAnnotations);
    }

    private readonly struct VolumeFacts
    {
        public VolumeFacts(JsonObject pv)
        {
            Name = ItemJson.Name(pv);
            var claimRef = ItemJson.Object(pv, "spec", "claimRef");
            HasClaim = claimRef is not null;
            ClaimNamespace = ItemJson.AsString(claimRef?["namespace"]) ?? string.Empty;
            ClaimName = ItemJson.AsString(claimRef?["name"]) ?? string.Empty;
            HasDeletePolicy = ItemJson.String(pv, "spec", "persistentVolumeReclaimPolicy") == "Delete";
        }

        public string Name { get; }

        public bool HasClaim { get; }

        public string ClaimNamespace { get; }

        public string ClaimName { get; }

        public bool HasDeletePolicy { get; }
    }
}

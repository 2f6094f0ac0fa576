using System;
using System.Collections.Generic;
using Restore.Engine.Velero;

namespace Restore.Engine.Actions;

/// <summary>What happens to a PersistentVolume of the backup (docs/velero-compatibility.md#persistent-volumes).</summary>
internal enum PersistentVolumeRestoreKind
{
    /// <summary>Create the PersistentVolume under its own name (claimRef namespace remapped, binding info reset).</summary>
    Restore,

    /// <summary>
    /// Do not create it: its claim is provisioned a new volume instead. The item is recorded as
    /// skipped, and claims that name it lose <c>spec.volumeName</c> (docs/velero-compatibility.md#item-steps step 10).
    /// </summary>
    Reprovision,

    /// <summary>Create it as <c>velero-clone-&lt;uuid&gt;</c>, because a PersistentVolume with its name already exists.</summary>
    Rename,
}

/// <summary>The outcome of <see cref="PersistentVolumeRestorer.Decide"/> for one PersistentVolume.</summary>
internal sealed class PersistentVolumeDecision
{
    /// <summary>Creates a decision.</summary>
    public PersistentVolumeDecision(
        PersistentVolumeRestoreKind kind,
        string originalName,
        string name,
        VolumeBackupMethod method,
        bool snapshotDataMoved,
        bool fromVolumeInfo,
        string claimNamespace,
        string claimName,
        bool dataRestored,
        string reason,
        IReadOnlyList<string> warnings)
    {
        Kind = kind;
        OriginalName = originalName ?? throw new ArgumentNullException(nameof(originalName));
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Method = method;
        SnapshotDataMoved = snapshotDataMoved;
        FromVolumeInfo = fromVolumeInfo;
        ClaimNamespace = claimNamespace ?? string.Empty;
        ClaimName = claimName ?? string.Empty;
        DataRestored = dataRestored;
        Reason = reason ?? string.Empty;
        Warnings = warnings ?? Array.Empty<string>();
    }

    /// <summary>Restore, re-provision or rename.</summary>
    public PersistentVolumeRestoreKind Kind { get; }

    /// <summary>The name in the backup.</summary>
    public string OriginalName { get; }

    /// <summary>The name it is created under (the clone name for <see cref="PersistentVolumeRestoreKind.Rename"/>).</summary>
    public string Name { get; }

    /// <summary>How the volume's data was backed up, from volume info or the fallback checks.</summary>
    public VolumeBackupMethod Method { get; }

    /// <summary>True when a data mover moved the snapshot data to the backup storage.</summary>
    public bool SnapshotDataMoved { get; }

    /// <summary>True when the backup's volume info had an entry for this volume; false when the fallback checks decided.</summary>
    public bool FromVolumeInfo { get; }

    /// <summary>Namespace of the claim in the backup (<c>spec.claimRef.namespace</c>); empty when unclaimed.</summary>
    public string ClaimNamespace { get; }

    /// <summary>Name of the claim (<c>spec.claimRef.name</c>); empty when unclaimed.</summary>
    public string ClaimName { get; }

    /// <summary>
    /// True when the volume's data comes back: from a CSI snapshot provisioned by the CSI driver.
    /// False when it does not (see <see cref="Warnings"/>) and for volumes restored pointing at
    /// their original storage, whose content is whatever that storage still holds.
    /// </summary>
    public bool DataRestored { get; }

    /// <summary>Why, in the words of Velero's log line for the same decision.</summary>
    public string Reason { get; }

    /// <summary>Warnings for the restore results: one per volume whose data is not restored.</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>What <see cref="PersistentVolumeRestorer.ApplyToClaim"/> changed on a claim.</summary>
internal sealed class ClaimVolumeChange
{
    /// <summary>Nothing changed.</summary>
    public static ClaimVolumeChange None { get; } = new(null, false, false, null);

    /// <summary>Creates a change record.</summary>
    public ClaimVolumeChange(string? originalVolumeName, bool bindingAnnotationsRemoved, bool volumeNameRemoved, string? renamedTo)
    {
        OriginalVolumeName = originalVolumeName;
        BindingAnnotationsRemoved = bindingAnnotationsRemoved;
        VolumeNameRemoved = volumeNameRemoved;
        RenamedTo = renamedTo;
    }

    /// <summary>The claim's <c>spec.volumeName</c> before the change; null when it had none.</summary>
    public string? OriginalVolumeName { get; }

    /// <summary>True when <c>pv.kubernetes.io/bind-completed</c> or <c>pv.kubernetes.io/bound-by-controller</c> was removed.</summary>
    public bool BindingAnnotationsRemoved { get; }

    /// <summary>True when <c>spec.volumeName</c> was removed because the volume is re-provisioned.</summary>
    public bool VolumeNameRemoved { get; }

    /// <summary>The new <c>spec.volumeName</c> when the volume was renamed; otherwise null.</summary>
    public string? RenamedTo { get; }
}

using System;
using System.Linq;
using Restore.Engine.Velero;

namespace Restore.Engine.Actions.Csi;

/// <summary>
/// Whether a claim backed up with a CSI snapshot can be provisioned from it client-side
/// (docs/velero-compatibility.md#csi-snapshots): its VolumeSnapshot and the bound VolumeSnapshotContent must both be
/// in the backup tarball, and the content must carry the storage snapshot handle, from which a pre-provisioned
/// content is created again. Anything else (the snapshot is missing, has no content or no handle) needs the Velero
/// server.
/// </summary>
internal sealed class CsiSnapshotChain
{
    /// <summary>What a user is told to use when the chain is broken or the data was moved.</summary>
    public const string ServerHint = "restore this claim through the Velero server (New-Restore -Server)";

    private CsiSnapshotChain(string snapshotName, string restoredName, CsiVolumeSnapshotContentRecord? content, string? problem)
    {
        SnapshotName = snapshotName;
        RestoredName = restoredName;
        Content = content;
        Problem = problem;
    }

    /// <summary>The backed-up VolumeSnapshot's name.</summary>
    public string SnapshotName { get; }

    /// <summary>The name the restored VolumeSnapshot and VolumeSnapshotContent share (<see cref="CsiSnapshotNames"/>).</summary>
    public string RestoredName { get; }

    /// <summary>The backed-up content; null when the backup has none for the snapshot.</summary>
    public CsiVolumeSnapshotContentRecord? Content { get; }

    /// <summary>Why the claim cannot be provisioned from the snapshot client-side; null when it can.</summary>
    public string? Problem { get; }

    /// <summary>True when the snapshot, its content and the handle are all there.</summary>
    public bool Usable => Problem is null;

    /// <summary>Follows a claim's snapshot through the backup's volume data.</summary>
    /// <param name="data">The backup's volume data.</param>
    /// <param name="sourceNamespace">The claim's namespace in the backup.</param>
    /// <param name="snapshotName">The claim's <c>velero.io/volume-snapshot-name</c> annotation.</param>
    /// <param name="restoreUid">The restore's uid, from which the restored names derive.</param>
    public static CsiSnapshotChain Resolve(BackupVolumeData data, string sourceNamespace, string snapshotName, string restoreUid)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        var restoredName = CsiSnapshotNames.ForRestore(restoreUid, snapshotName);
        var snapshots = data.CsiVolumeSnapshots.Where(s => s.Namespace == sourceNamespace && s.Name == snapshotName).ToList();
        var snapshot = snapshots.FirstOrDefault(s => s.InTarball);
        if (snapshot is null)
        {
            return new CsiSnapshotChain(snapshotName, restoredName, null, snapshots.Count > 0
                ? $"the VolumeSnapshot {sourceNamespace}/{snapshotName} is listed in the backup's CSI snapshot file but not stored in its tarball"
                : $"the VolumeSnapshot {sourceNamespace}/{snapshotName} is not in the backup");
        }

        var bound = snapshot.BoundVolumeSnapshotContentName;
        if (bound.Length == 0)
        {
            return new CsiSnapshotChain(snapshotName, restoredName, null, $"the VolumeSnapshot {sourceNamespace}/{snapshotName} has no bound VolumeSnapshotContent (status.boundVolumeSnapshotContentName)");
        }

        var contents = data.CsiVolumeSnapshotContents.Where(c => c.Name == bound).ToList();
        var content = contents.FirstOrDefault(c => c.InTarball);
        if (content is null)
        {
            return new CsiSnapshotChain(snapshotName, restoredName, contents.FirstOrDefault(), $"its VolumeSnapshotContent {bound} is not in the backup tarball");
        }

        if (content.SnapshotHandle.Length == 0)
        {
            return new CsiSnapshotChain(snapshotName, restoredName, content, $"its VolumeSnapshotContent {bound} has no snapshot handle (status.snapshotHandle)");
        }

        return new CsiSnapshotChain(snapshotName, restoredName, content, null);
    }

    /// <summary>The plan's words for a usable chain: what is created, from what.</summary>
    public string Describe() =>
        $"provisioned from CSI snapshot: VolumeSnapshotContent {RestoredName} is created from snapshot handle {Content?.SnapshotHandle} of driver {Content?.Driver} (deletion policy Retain), VolumeSnapshot {RestoredName} is bound to it, and the claim's dataSource points at that VolumeSnapshot";
}

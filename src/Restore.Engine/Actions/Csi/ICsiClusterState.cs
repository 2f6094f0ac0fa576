using System.Collections.Generic;

namespace Restore.Engine.Actions.Csi;

/// <summary>
/// Extra cluster facts the CSI actions use when the <see cref="IClusterState"/> implementation
/// also offers them. Optional: without it the CSI actions behave as if no PVC exists yet and no
/// VolumeSnapshotClass matches.
/// </summary>
internal interface ICsiClusterState : IClusterState
{
    /// <summary>True when a PersistentVolumeClaim <paramref name="name"/> exists in <paramref name="namespace"/>.</summary>
    bool PersistentVolumeClaimExists(string @namespace, string name);

    /// <summary>Names of the VolumeSnapshotClasses whose <c>driver</c> is <paramref name="driver"/>, in the order the cluster lists them.</summary>
    IReadOnlyList<string> GetVolumeSnapshotClassNames(string driver);
}

using System.Security.Cryptography;
using System.Text;

namespace Restore.Engine.Actions.Csi;

/// <summary>
/// Names of the VolumeSnapshot and VolumeSnapshotContent a restore creates for one backed-up
/// VolumeSnapshot: the lowercase hex SHA-256 of <c>&lt;restore uid&gt;/&lt;VolumeSnapshot name&gt;</c>, as in
/// Velero, so the PVC, VolumeSnapshot and VolumeSnapshotContent actions agree on it independently.
/// </summary>
internal static class CsiSnapshotNames
{
    public const string SnapshotGroup = "snapshot.storage.k8s.io";

    public static string ForRestore(string restoreUid, string volumeSnapshotName)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(restoreUid + "/" + volumeSnapshotName));
        var text = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

using System;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/dataupload</c>: DataUploads are never restored. Velero turns each into a result
/// ConfigMap for its data mover to download the volume data; no data mover runs client-side, so the
/// item is simply skipped (the affected volumes are reported by <see cref="PersistentVolumeRestorer"/>).
/// </summary>
internal sealed class DataUploadAction : IRestoreItemAction
{
    /// <summary>The skip reason recorded for every DataUpload.</summary>
    public const string SkipReason = "data mover results cannot be restored client-side";

    /// <inheritdoc />
    public string Name => "velero.io/dataupload";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.DataUploads);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        return RestoreItemActionResult.SkipItem(SkipReason);
    }
}

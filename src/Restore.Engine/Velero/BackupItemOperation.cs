using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// One entry of <c>&lt;backup&gt;-itemoperations.json.gz</c>: an asynchronous operation a Velero backup item
/// action (a plugin) started for one item of the backup.
/// </summary>
internal sealed class BackupItemOperation
{
    /// <summary>
    /// Velero's built-in CSI backup item actions: their operations are snapshots and data uploads, which the volume
    /// decisions already account for (docs/velero-compatibility.md#plugins-named-in-the-backup).
    /// </summary>
    public static readonly HashSet<string> BuiltInActions = new(StringComparer.Ordinal)
    {
        "velero.io/csi-pvc-backupper",
        "velero.io/csi-volumesnapshot-backupper",
        "velero.io/csi-volumesnapshotcontent-backupper",
        "velero.io/csi-volumesnapshotclass-backupper",
    };

    /// <summary>The plugin's registered name (<c>spec.backupItemAction</c>).</summary>
    public string BackupItemAction { get; init; } = string.Empty;

    /// <summary>The item's API group, empty for the core group (<c>spec.resourceIdentifier.Group</c>).</summary>
    public string Group { get; init; } = string.Empty;

    /// <summary>The item's resource, plural (<c>spec.resourceIdentifier.Resource</c>).</summary>
    public string Resource { get; init; } = string.Empty;

    /// <summary>The item's namespace in the backup, empty when cluster-scoped.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>The item's name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The plugin's id for the operation (<c>spec.operationID</c>).</summary>
    public string OperationId { get; init; } = string.Empty;

    /// <summary>How the operation ended (<c>status.phase</c>: <c>Completed</c>, <c>Failed</c>, ...).</summary>
    public string Phase { get; init; } = string.Empty;

    /// <summary>The item's group-resource as the backup's directories name it (<c>deployments.apps</c>, <c>pods</c>).</summary>
    public string GroupResource => Group.Length == 0 ? Resource : Resource + "." + Group;

    /// <summary>True when one of Velero's built-in CSI actions started the operation.</summary>
    public bool IsBuiltIn => BuiltInActions.Contains(BackupItemAction);

    /// <summary>Parses the decompressed file: a JSON array or the literal <c>null</c>; null elements are skipped.</summary>
    /// <exception cref="FormatException">The text is not JSON, or not an array of objects.</exception>
    public static IReadOnlyList<BackupItemOperation> ParseList(string json) => VeleroJson.ParseList(json, "backup item operations", obj => FromJson(obj));

    /// <inheritdoc cref="ParseList(string)"/>
    public static IReadOnlyList<BackupItemOperation> ParseList(byte[] utf8Json) => ParseList(VeleroJson.Utf8(utf8Json));

    private static BackupItemOperation FromJson(JsonObject o)
    {
        var spec = VeleroJson.Object(o, "spec");
        var status = VeleroJson.Object(o, "status");

        // Velero's resource identifier embeds a Go struct without JSON tags: its keys are the Go field names.
        var id = VeleroJson.Object(spec, "resourceIdentifier");
        return new BackupItemOperation
        {
            BackupItemAction = VeleroJson.String(spec, "backupItemAction"),
            Group = VeleroJson.String(id, "Group"),
            Resource = VeleroJson.String(id, "Resource"),
            Namespace = VeleroJson.String(id, "Namespace"),
            Name = VeleroJson.String(id, "Name"),
            OperationId = VeleroJson.String(spec, "operationID"),
            Phase = VeleroJson.String(status, "phase"),
        };
    }
}

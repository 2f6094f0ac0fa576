using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// The facts a restore needs from a DataUpload (<c>datauploads.velero.io</c>) item of the backup:
/// which claim's snapshot data a data mover copied to the backup storage.
/// </summary>
internal sealed class DataUploadRecord
{
    /// <summary><c>metadata.name</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The claim's namespace (<c>spec.sourceNamespace</c>).</summary>
    public string SourceNamespace { get; init; } = string.Empty;

    /// <summary>The claim's name (<c>spec.sourcePVC</c>).</summary>
    public string SourcePvc { get; init; } = string.Empty;

    /// <summary>The data mover (<c>spec.dataMover</c>); empty means Velero's own.</summary>
    public string DataMover { get; init; } = string.Empty;

    /// <summary><c>status.phase</c>.</summary>
    public string Phase { get; init; } = string.Empty;

    /// <summary>The repository snapshot id (<c>status.snapshotID</c>).</summary>
    public string SnapshotId { get; init; } = string.Empty;

    /// <summary>Reads one DataUpload item.</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static DataUploadRecord Parse(string json)
    {
        var single = VeleroJson.ParseArray("[" + json + "]", "data upload");
        return single.Count == 1 ? FromJson(single[0]) : throw new FormatException("data upload must be a JSON object");
    }

    private static DataUploadRecord FromJson(JsonObject o)
    {
        var spec = VeleroJson.Object(o, "spec");
        var status = VeleroJson.Object(o, "status");
        return new DataUploadRecord
        {
            Name = VeleroJson.String(VeleroJson.Object(o, "metadata"), "name"),
            SourceNamespace = VeleroJson.String(spec, "sourceNamespace"),
            SourcePvc = VeleroJson.String(spec, "sourcePVC"),
            DataMover = VeleroJson.String(spec, "dataMover"),
            Phase = VeleroJson.String(status, "phase"),
            SnapshotId = VeleroJson.String(status, "snapshotID"),
        };
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.Engine.Records;

/// <summary>What happened to one item in one target: the row Get-RestoreItem shows.</summary>
public sealed class RestoreItemOutcome
{
    /// <summary>The restore the item belongs to (set when read back; not stored in the items file).</summary>
    public string Restore { get; set; } = string.Empty;

    /// <summary>Target name: the cluster context, or the folder for folder restores.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>Group-resource, such as <c>deployments.apps</c>.</summary>
    public string Resource { get; set; } = string.Empty;

    /// <summary><c>apiVersion</c> of the backed-up object.</summary>
    public string ApiVersion { get; set; } = string.Empty;

    /// <summary><c>kind</c> of the backed-up object.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Target namespace; empty for cluster-scoped items.</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>Name the object has in the target.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Namespace in the backup, when it differs from <see cref="Namespace"/>.</summary>
    public string? SourceNamespace { get; set; }

    /// <summary>What happened: one of <see cref="ItemRestoreAction"/>'s words.</summary>
    public string Action { get; set; } = ItemRestoreAction.Created;

    /// <summary>Why: the warning or error text, or a short note (never secret data).</summary>
    public string? Message { get; set; }

    /// <summary>Compact JSON form used in <c>restore-&lt;r&gt;-items.json.gz</c>.</summary>
    internal JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["target"] = Target,
            ["resource"] = Resource,
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["namespace"] = Namespace,
            ["name"] = Name,
            ["action"] = RestoredResourceList.ActionName(Action),
        };
        if (!string.IsNullOrEmpty(SourceNamespace))
        {
            json["sourceNamespace"] = SourceNamespace;
        }

        if (!string.IsNullOrEmpty(Message))
        {
            json["message"] = Message;
        }

        return json;
    }

    /// <summary>Reads the JSON form; unknown actions read as failed.</summary>
    internal static RestoreItemOutcome FromJson(JsonObject json)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        RestoredResourceList.TryParseEntry("x(" + ((string?)json["action"] ?? string.Empty) + ")", out _, out _, out var action);
        return new RestoreItemOutcome
        {
            Target = (string?)json["target"] ?? string.Empty,
            Resource = (string?)json["resource"] ?? string.Empty,
            ApiVersion = (string?)json["apiVersion"] ?? string.Empty,
            Kind = (string?)json["kind"] ?? string.Empty,
            Namespace = (string?)json["namespace"] ?? string.Empty,
            Name = (string?)json["name"] ?? string.Empty,
            SourceNamespace = (string?)json["sourceNamespace"],
            Action = action,
            Message = (string?)json["message"],
        };
    }

    /// <summary>Decodes a JSON array; null reads as empty.</summary>
    internal static IReadOnlyList<RestoreItemOutcome> FromJsonArray(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>().Select(FromJson).ToList() : (IReadOnlyList<RestoreItemOutcome>)Array.Empty<RestoreItemOutcome>();
}

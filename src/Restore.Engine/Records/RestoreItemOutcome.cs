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

    /// <summary>What kind of failure a failed item met, for callers that act on it; <see cref="ItemFailure.None"/> unless <see cref="Action"/> is Failed.</summary>
    public string Failure { get; set; } = ItemFailure.None;

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

        if (Failure != ItemFailure.None)
        {
            json["failure"] = char.ToLowerInvariant(Failure.ToString()[0]) + Failure.ToString().Substring(1);
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
            Failure = ReadFailure((string?)json["failure"], action),
        };
    }

    /// <summary>A failed item read from a record written before failures had kinds (or with an unknown kind) reads as <see cref="ItemFailure.Other"/>.</summary>
    private static string ReadFailure(string? text, string action)
    {
        if (action != ItemRestoreAction.Failed)
        {
            return ItemFailure.None;
        }

        var failure = ItemFailure.All.FirstOrDefault(f => string.Equals(f, text, StringComparison.OrdinalIgnoreCase));
        return failure is null || failure == ItemFailure.None ? ItemFailure.Other : failure;
    }

    /// <summary>Decodes a JSON array; null reads as empty.</summary>
    internal static IReadOnlyList<RestoreItemOutcome> FromJsonArray(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonObject>().Select(FromJson).ToList() : (IReadOnlyList<RestoreItemOutcome>)Array.Empty<RestoreItemOutcome>();
}

/// <summary>What kind of failure a failed item met; the cmdlets choose the error category from it.</summary>
public static class ItemFailure
{
    /// <summary>The item did not fail.</summary>
    public const string None = "None";

    /// <summary>A failure of no particular kind (also an unexpected error, or a file that could not be written).</summary>
    public const string Other = "Other";

    /// <summary>The plan could not restore the item as backed up (undecodable, a kind no server serves, an action's error).</summary>
    public const string Planning = "Planning";

    /// <summary>The object exists in the cluster and was left alone.</summary>
    public const string AlreadyExists = "AlreadyExists";

    /// <summary>The cluster refused the request (403).</summary>
    public const string Forbidden = "Forbidden";

    /// <summary>The cluster did not accept the credentials (401).</summary>
    public const string Unauthorized = "Unauthorized";

    /// <summary>The cluster rejected the object as invalid (422), or the request was bad.</summary>
    public const string Invalid = "Invalid";

    /// <summary>The cluster does not serve the item's resource, or something it needs is not there (404).</summary>
    public const string NotFound = "NotFound";

    /// <summary>The item did not finish in time (-ItemOperationTimeout, or the server's own timeout).</summary>
    public const string TimedOut = "TimedOut";

    /// <summary>The cluster could not be reached.</summary>
    public const string Unreachable = "Unreachable";

    /// <summary>The item's namespace could not be made ready (terminating, or its create failed).</summary>
    public const string NamespaceUnavailable = "NamespaceUnavailable";

    /// <summary>Every kind, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = new[] { None, Other, Planning, AlreadyExists, Forbidden, Unauthorized, Invalid, NotFound, TimedOut, Unreachable, NamespaceUnavailable };
}

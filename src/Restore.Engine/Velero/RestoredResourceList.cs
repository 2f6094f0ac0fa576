using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// What happened to one restored item, as Velero's resource list spells it (docs/velero-compatibility.md#resource-list). Words rather than an enum,
/// like the phases: ConvertTo-Json writes enums as numbers, and runbooks log outcomes as JSON.
/// </summary>
internal static class ItemRestoreAction
{
    /// <summary>The object was created.</summary>
    public const string Created = "Created";

    /// <summary>An existing object was patched to match the backup.</summary>
    public const string Updated = "Updated";

    /// <summary>Nothing was sent (already there and equal, or skipped by a rule).</summary>
    public const string Skipped = "Skipped";

    /// <summary>The item raised an error and could not be restored.</summary>
    public const string Failed = "Failed";

    /// <summary>
    /// Ours, never in Velero's resource list: the run was canceled while the item's create was on its way and the server
    /// could not be asked afterwards whether it was committed.
    /// </summary>
    public const string Unknown = "Unknown";

    /// <summary>Every action, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = new[] { Created, Updated, Skipped, Failed };
}

/// <summary>
/// Velero's <c>restore-&lt;r&gt;-resource-list.json.gz</c>: <c>apiVersion/Kind</c> of the backup object to a
/// sorted list of <c>ns/name(action)</c> or <c>name(action)</c>. Thread-safe.
/// </summary>
internal sealed class RestoredResourceList
{
    private readonly object gate = new();
    private readonly SortedDictionary<string, List<string>> entries = new(StringComparer.Ordinal);

    /// <summary>Records one item.</summary>
    public void Add(string apiVersionKind, string targetNamespace, string name, string action)
    {
        var entry = (string.IsNullOrEmpty(targetNamespace) ? name : targetNamespace + "/" + name) + "(" + ActionName(action) + ")";
        lock (gate)
        {
            if (!entries.TryGetValue(apiVersionKind, out var list))
            {
                list = new List<string>();
                entries.Add(apiVersionKind, list);
            }

            list.Add(entry);
        }
    }

    /// <summary>The number of entries.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>Velero's lower-case action name.</summary>
    public static string ActionName(string action) => action switch
    {
        ItemRestoreAction.Created => "created",
        ItemRestoreAction.Updated => "updated",
        ItemRestoreAction.Skipped => "skipped",
        ItemRestoreAction.Unknown => "unknown",
        _ => "failed",
    };

    /// <summary>The JSON payload with keys and lists sorted.</summary>
    public JsonObject ToJson()
    {
        lock (gate)
        {
            var json = new JsonObject();
            foreach (var pair in entries)
            {
                var array = new JsonArray();
                foreach (var item in pair.Value.OrderBy(v => v, StringComparer.Ordinal))
                {
                    array.Add(item);
                }

                json[pair.Key] = array;
            }

            return json;
        }
    }

    /// <summary>Parses one entry such as <c>shop/web-0(created)</c> into its parts; false when malformed.</summary>
    public static bool TryParseEntry(string entry, out string @namespace, out string name, out string action)
    {
        @namespace = string.Empty;
        name = string.Empty;
        action = ItemRestoreAction.Failed;
        if (string.IsNullOrEmpty(entry) || !entry.EndsWith(")", StringComparison.Ordinal))
        {
            return false;
        }

        var open = entry.LastIndexOf('(');
        if (open <= 0)
        {
            return false;
        }

        switch (entry.Substring(open + 1, entry.Length - open - 2))
        {
            case "created": action = ItemRestoreAction.Created; break;
            case "updated": action = ItemRestoreAction.Updated; break;
            case "skipped": action = ItemRestoreAction.Skipped; break;
            case "failed": action = ItemRestoreAction.Failed; break;
            case "unknown": action = ItemRestoreAction.Unknown; break;
            default: return false;
        }

        var id = entry.Substring(0, open);
        var slash = id.IndexOf('/');
        if (slash >= 0)
        {
            @namespace = id.Substring(0, slash);
            name = id.Substring(slash + 1);
        }
        else
        {
            name = id;
        }

        return name.Length > 0;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Execution;

/// <summary>One field where a live object differs from the object the restore wants.</summary>
internal sealed class FieldDifference
{
    /// <summary>Creates a difference.</summary>
    public FieldDifference(string path, string? desired, string? live)
    {
        Path = path;
        Desired = desired;
        Live = live;
    }

    /// <summary>Dotted path such as <c>spec.replicas</c> or <c>spec.template.spec.containers[0].image</c>.</summary>
    public string Path { get; }

    /// <summary>The wanted value as compact JSON; null when the field is absent or the value is redacted.</summary>
    public string? Desired { get; }

    /// <summary>The live value as compact JSON; null when the field is absent or the value is redacted.</summary>
    public string? Live { get; }

    /// <inheritdoc />
    public override string ToString() => Desired is null && Live is null ? Path : $"{Path}: {Live ?? "<none>"} -> {Desired ?? "<none>"}";
}

/// <summary>
/// Decides whether a live object already matches what a restore would send. Velero compares whole
/// objects, so anything the API server adds (defaults, managedFields, status, controller annotations)
/// makes an untouched object look changed (docs/velero-compatibility.md#existing-resource-policy). Here the wanted object only has to be
/// contained in the live one: fields the server added are ignored, fields the backup has must match.
/// </summary>
internal static class ObjectComparison
{
    /// <summary>The labels every restored object carries; they name the restore, not the content.</summary>
    public static readonly IReadOnlyList<string> RestoreLabels = new[] { "velero.io/backup-name", "velero.io/restore-name" };

    private static readonly HashSet<string> ServerSetMetadata = new(StringComparer.Ordinal)
    {
        "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "selfLink", "managedFields", "ownerReferences",
    };

    /// <summary>True when every field of <paramref name="desired"/> (bar server-set metadata, status and the restore labels) has the same value in <paramref name="live"/>.</summary>
    public static bool IsEquivalent(JsonObject desired, JsonObject live) => Compare(desired, live, redactValues: false, limit: 1).Count == 0;

    /// <summary>
    /// Lists the fields that differ, at most <paramref name="limit"/> of them. With
    /// <paramref name="redactValues"/> only paths are given (use it for Secrets and anything sensitive).
    /// </summary>
    public static IReadOnlyList<FieldDifference> Compare(JsonObject desired, JsonObject live, bool redactValues, int limit = 20)
    {
        if (desired is null)
        {
            throw new ArgumentNullException(nameof(desired));
        }

        if (live is null)
        {
            throw new ArgumentNullException(nameof(live));
        }

        var differences = new List<FieldDifference>();
        foreach (var pair in desired)
        {
            if (differences.Count >= limit)
            {
                break;
            }

            switch (pair.Key)
            {
                case "status":
                    continue;
                case "metadata":
                    CompareMetadata(pair.Value as JsonObject, live["metadata"] as JsonObject, differences, redactValues, limit);
                    continue;
                default:
                    CompareNode(pair.Value, live.TryGetPropertyValue(pair.Key, out var l), l, pair.Key, differences, redactValues, limit);
                    continue;
            }
        }

        return differences;
    }

    private static void CompareMetadata(JsonObject? desired, JsonObject? live, List<FieldDifference> differences, bool redact, int limit)
    {
        if (desired is null)
        {
            return;
        }

        foreach (var pair in desired)
        {
            if (ServerSetMetadata.Contains(pair.Key) || pair.Key == "namespace")
            {
                continue;
            }

            JsonNode? liveValue = null;
            var liveHas = live is not null && live.TryGetPropertyValue(pair.Key, out liveValue);
            if (pair.Key == "labels" && pair.Value is JsonObject labels)
            {
                CompareLabels(labels, liveValue as JsonObject, differences, limit);
                continue;
            }

            // Metadata values (names, labels, annotations) are not secret data, but annotations can
            // carry a last-applied copy of a Secret, so they follow the same redaction rule.
            CompareNode(pair.Value, liveHas, liveValue, "metadata." + pair.Key, differences, redact && pair.Key == "annotations", limit);
        }
    }

    private static void CompareLabels(JsonObject desired, JsonObject? live, List<FieldDifference> differences, int limit)
    {
        foreach (var pair in desired)
        {
            if (differences.Count >= limit)
            {
                return;
            }

            if (Array.IndexOf((string[])RestoreLabels, pair.Key) >= 0)
            {
                continue;
            }

            JsonNode? liveValue = null;
            var liveHas = live is not null && live.TryGetPropertyValue(pair.Key, out liveValue);
            CompareNode(pair.Value, liveHas, liveValue, "metadata.labels." + pair.Key, differences, false, limit);
        }
    }

    private static void CompareNode(JsonNode? desired, bool liveHas, JsonNode? live, string path, List<FieldDifference> differences, bool redact, int limit)
    {
        if (differences.Count >= limit)
        {
            return;
        }

        if (!liveHas)
        {
            // Go's omitempty: a zero value in the backup and a missing field on the server agree.
            if (!IsZero(desired))
            {
                differences.Add(Difference(path, desired, null, redact));
            }

            return;
        }

        switch (desired)
        {
            case JsonObject desiredObject when live is JsonObject liveObject:
                foreach (var pair in desiredObject)
                {
                    CompareNode(pair.Value, liveObject.TryGetPropertyValue(pair.Key, out var l), l, path + "." + pair.Key, differences, redact, limit);
                }

                return;
            case JsonArray desiredArray when live is JsonArray liveArray:
                if (desiredArray.Count != liveArray.Count)
                {
                    differences.Add(Difference(path, desired, live, redact));
                    return;
                }

                for (var i = 0; i < desiredArray.Count; i++)
                {
                    CompareNode(desiredArray[i], true, liveArray[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", differences, redact, limit);
                }

                return;
            default:
                if (!ScalarEquals(desired, live))
                {
                    differences.Add(Difference(path, desired, live, redact));
                }

                return;
        }
    }

    private static bool IsZero(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            JsonValueKind.False => true,
            JsonValueKind.Number => v.ToJsonString() is "0" or "0.0",
            _ => false,
        },
        _ => false,
    };

    private static bool ScalarEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return IsZero(a) && IsZero(b);
        }

        if (a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number)
        {
            return decimal.TryParse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                && decimal.TryParse(b.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                ? x == y
                : a.ToJsonString() == b.ToJsonString();
        }

        return JsonNode.DeepEquals(a, b);
    }

    private static FieldDifference Difference(string path, JsonNode? desired, JsonNode? live, bool redact) =>
        redact ? new FieldDifference(path, null, null) : new FieldDifference(path, desired?.ToJsonString(), live?.ToJsonString());
}

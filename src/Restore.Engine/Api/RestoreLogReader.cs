using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Common;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>
/// Reads restore log text (docs/velero-compatibility.md#restore-log) into <see cref="RestoreLogEntry"/> objects: the logrus text layout we and
/// Velero write by default, and the JSON layout of a Velero server run with <c>--log-format=json</c>.
/// </summary>
internal static class RestoreLogReader
{
    /// <summary>Splits log text into lines, without the line ends; a trailing empty line is dropped.</summary>
    public static IReadOnlyList<string> Lines(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Array.Empty<string>();
        }

        var lines = text!.Replace("\r\n", "\n").Split('\n').ToList();
        if (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    /// <summary>Parses every line of <paramref name="text"/>; blank lines are skipped, lines in no known layout are kept as <see cref="RestoreLogEntry.Unparsed"/>.</summary>
    public static IReadOnlyList<RestoreLogEntry> Parse(string restoreName, string? text)
    {
        var lines = Lines(text);
        var entries = new List<RestoreLogEntry>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                entries.Add(ParseLine(restoreName, lines[i], i + 1));
            }
        }

        return entries;
    }

    /// <summary>Parses one line (text or JSON layout).</summary>
    public static RestoreLogEntry ParseLine(string restoreName, string line, int lineNumber)
    {
        if (line is null)
        {
            throw new ArgumentNullException(nameof(line));
        }

        var entry = new RestoreLogEntry { Restore = restoreName ?? string.Empty, Line = line, LineNumber = lineNumber };
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("{", StringComparison.Ordinal) && TryParseJson(trimmed, entry))
        {
            return Complete(entry);
        }

        var parsed = VeleroLogFormat.Parse(line);
        if (parsed is null)
        {
            entry.Message = line;
            entry.Unparsed = true;
            return entry;
        }

        entry.Time = parsed.Time.UtcDateTime;
        entry.Severity = parsed.Level;
        entry.Message = parsed.Message;
        foreach (var field in parsed.Fields)
        {
            entry.Fields[field.Key] = field.Value;
        }

        return Complete(entry);
    }

    /// <summary>
    /// Keeps the entries at <paramref name="minimumLevel"/> or above (unparsed lines count as info), then the last
    /// <paramref name="tail"/> of them when <paramref name="tail"/> is not null.
    /// </summary>
    public static IReadOnlyList<RestoreLogEntry> Select(IEnumerable<RestoreLogEntry> entries, EngineLogLevel minimumLevel, int? tail)
    {
        if (entries is null)
        {
            throw new ArgumentNullException(nameof(entries));
        }

        var kept = entries.Where(e => e.Severity >= minimumLevel).ToList();
        if (tail is { } count && count >= 0 && kept.Count > count)
        {
            kept = kept.GetRange(kept.Count - count, count);
        }

        return kept;
    }

    private static RestoreLogEntry Complete(RestoreLogEntry entry)
    {
        entry.Namespace = Field(entry, "namespace");
        entry.Resource = Field(entry, "groupResource") ?? Field(entry, "resource");
        entry.ItemName = Field(entry, "original name") ?? Field(entry, "name");
        entry.Error = Field(entry, "error") ?? Field(entry, "error.message");
        return entry;
    }

    private static string? Field(RestoreLogEntry entry, string key) =>
        entry.Fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private static bool TryParseJson(string line, RestoreLogEntry entry)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }

        if (json is null || json["level"] is not JsonValue || json["time"] is not JsonValue)
        {
            return false;
        }

        var time = Text(json["time"]);
        if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            return false;
        }

        entry.Time = when.UtcDateTime;
        entry.Severity = VeleroLogFormat.ParseLevel(Text(json["level"]));
        entry.Message = Text(json["msg"]);
        foreach (var pair in json.Where(p => p.Key is not ("time" or "level" or "msg")).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            entry.Fields[pair.Key] = Text(pair.Value);
        }

        return true;
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Restore.Engine.Common;

namespace Restore.Engine.Velero;

/// <summary>
/// Writes and reads log lines in the layout Velero's restore logs use (logrus text formatter in
/// non-TTY mode, docs/velero-compatibility.md#restore-log): <c>time="…" level=info msg="…" key=value …</c>, other keys sorted
/// byte-wise, values quoted Go-style only when they hold characters outside <c>[A-Za-z0-9-._/@^+]</c>.
/// </summary>
internal static class VeleroLogFormat
{
    /// <summary>Formats one entry as a line without the trailing newline.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="extraFields">Fields added to every line, such as <c>restore=velero/r1</c>.</param>
    public static string Format(EngineLogEntry entry, IReadOnlyList<KeyValuePair<string, string>>? extraFields = null)
    {
        if (entry is null)
        {
            throw new ArgumentNullException(nameof(entry));
        }

        var builder = new StringBuilder(128);
        builder.Append("time=");
        AppendValue(builder, entry.Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        builder.Append(" level=").Append(LevelName(entry.Level));
        if (entry.Message.Length > 0)
        {
            builder.Append(" msg=");
            AppendValue(builder, entry.Message);
        }

        var fields = new List<KeyValuePair<string, string>>(entry.Fields.Count + (extraFields?.Count ?? 0));
        fields.AddRange(entry.Fields);
        if (extraFields is not null)
        {
            foreach (var extra in extraFields)
            {
                if (!fields.Exists(f => f.Key == extra.Key))
                {
                    fields.Add(extra);
                }
            }
        }

        fields.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var field in fields)
        {
            builder.Append(' ').Append(field.Key).Append('=');
            AppendValue(builder, field.Value);
        }

        return builder.ToString();
    }

    /// <summary>Velero's (logrus') name for a level.</summary>
    public static string LevelName(EngineLogLevel level) => level switch
    {
        EngineLogLevel.Trace => "trace",
        EngineLogLevel.Debug => "debug",
        EngineLogLevel.Info => "info",
        EngineLogLevel.Warning => "warning",
        _ => "error",
    };

    /// <summary>Parses a level name (<c>warn</c> and <c>warning</c> both work); unknown names read as info.</summary>
    public static EngineLogLevel ParseLevel(string name) => name?.ToLowerInvariant() switch
    {
        "trace" => EngineLogLevel.Trace,
        "debug" => EngineLogLevel.Debug,
        "warning" or "warn" => EngineLogLevel.Warning,
        "error" or "fatal" or "panic" => EngineLogLevel.Error,
        _ => EngineLogLevel.Info,
    };

    /// <summary>
    /// Parses a text-format line back into an entry. Keys may contain spaces (<c>original name</c>):
    /// a key runs up to the next <c>=</c>. Returns null for lines that are not in this format.
    /// </summary>
    public static EngineLogEntry? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            var eq = line.IndexOf('=', i);
            if (eq < 0)
            {
                return null;
            }

            var key = line.Substring(i, eq - i);
            i = eq + 1;
            string value;
            if (i < line.Length && line[i] == '"')
            {
                if (!TryReadQuoted(line, ref i, out value))
                {
                    return null;
                }
            }
            else
            {
                var end = NextBareValueEnd(line, i);
                value = line.Substring(i, end - i);
                i = end;
            }

            pairs.Add(new KeyValuePair<string, string>(key, value));
        }

        string? time = null, level = null, message = null;
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs)
        {
            switch (pair.Key)
            {
                case "time": time = pair.Value; break;
                case "level": level = pair.Value; break;
                case "msg": message = pair.Value; break;
                default: fields.Add(pair); break;
            }
        }

        if (time is null || level is null
            || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            return null;
        }

        return new EngineLogEntry(when, ParseLevel(level), message ?? string.Empty, fields);
    }

    /// <summary>True when logrus would print <paramref name="value"/> without quotes.</summary>
    public static bool IsBare(string value)
    {
        foreach (var c in value)
        {
            var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendValue(StringBuilder builder, string value)
    {
        if (IsBare(value))
        {
            builder.Append(value);
        }
        else
        {
            GoQuote.Append(builder, value);
        }
    }

    // Bare values never contain spaces (logrus would have quoted them), so a space ends one.
    private static int NextBareValueEnd(string line, int start)
    {
        var space = line.IndexOf(' ', start);
        return space < 0 ? line.Length : space;
    }

    private static bool TryReadQuoted(string line, ref int i, out string value)
    {
        var start = i;
        i++;
        while (i < line.Length)
        {
            if (line[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (line[i] == '"')
            {
                i++;
                return GoQuote.TryUnquote(line.Substring(start, i - start), out value);
            }

            i++;
        }

        value = string.Empty;
        return false;
    }
}

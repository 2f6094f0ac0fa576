using System;
using System.Collections.Generic;

namespace Restore.Engine.Common;

/// <summary>Severity of an engine log entry; names match Velero's log levels.</summary>
internal enum EngineLogLevel
{
    /// <summary>Fine-grained tracing.</summary>
    Trace,

    /// <summary>Diagnostic detail.</summary>
    Debug,

    /// <summary>Normal progress.</summary>
    Info,

    /// <summary>Something the user should look at; the work went on.</summary>
    Warning,

    /// <summary>Something failed.</summary>
    Error,
}

/// <summary>One log entry: a message plus ordered key/value fields (Velero's logrus fields).</summary>
internal sealed class EngineLogEntry
{
    /// <summary>Creates an entry.</summary>
    public EngineLogEntry(DateTimeOffset time, EngineLogLevel level, string message, IReadOnlyList<KeyValuePair<string, string>>? fields = null)
    {
        Time = time;
        Level = level;
        Message = message;
        Fields = fields ?? Array.Empty<KeyValuePair<string, string>>();
    }

    /// <summary>When the entry was written.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The severity.</summary>
    public EngineLogLevel Level { get; }

    /// <summary>The message text. Never contains secret data.</summary>
    public string Message { get; }

    /// <summary>Extra fields such as <c>namespace</c>, <c>groupResource</c>, <c>original name</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }
}

/// <summary>Where the engine reports what it does. Implementations must be thread-safe.</summary>
internal interface IEngineLog
{
    /// <summary>Records one entry.</summary>
    void Write(EngineLogEntry entry);
}

/// <summary>A log that drops everything.</summary>
internal sealed class NullEngineLog : IEngineLog
{
    /// <summary>The shared instance.</summary>
    public static readonly NullEngineLog Instance = new();

    /// <inheritdoc />
    public void Write(EngineLogEntry entry)
    {
    }
}

/// <summary>Convenience writers for <see cref="IEngineLog"/>.</summary>
internal static class EngineLogExtensions
{
    /// <summary>Writes an info entry.</summary>
    public static void Info(this IEngineLog log, string message, params (string Key, string Value)[] fields) =>
        Write(log, EngineLogLevel.Info, message, fields);

    /// <summary>Writes a warning entry.</summary>
    public static void Warning(this IEngineLog log, string message, params (string Key, string Value)[] fields) =>
        Write(log, EngineLogLevel.Warning, message, fields);

    /// <summary>Writes an error entry.</summary>
    public static void Error(this IEngineLog log, string message, params (string Key, string Value)[] fields) =>
        Write(log, EngineLogLevel.Error, message, fields);

    /// <summary>Writes a debug entry.</summary>
    public static void Debug(this IEngineLog log, string message, params (string Key, string Value)[] fields) =>
        Write(log, EngineLogLevel.Debug, message, fields);

    private static void Write(IEngineLog log, EngineLogLevel level, string message, (string Key, string Value)[] fields)
    {
        var list = new KeyValuePair<string, string>[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            list[i] = new KeyValuePair<string, string>(fields[i].Key, fields[i].Value);
        }

        log.Write(new EngineLogEntry(DateTimeOffset.UtcNow, level, message, list));
    }
}

using System.Collections.Generic;
using Restore.Engine.Common;

namespace Restore.Engine.Api;

/// <summary>Severity of a log line; names and order match Velero's log levels.</summary>
public enum RestoreLogLevel
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

/// <summary>Where the engine reports what it does while a call runs (the restore log, storage warnings). Called from any thread.</summary>
public interface ILogSink
{
    /// <summary>One log line: its severity, the message (never secret data) and its fields in order (<c>namespace</c>, <c>groupResource</c>…).</summary>
    void Write(RestoreLogLevel level, string message, IReadOnlyList<KeyValuePair<string, string>> fields);
}

/// <summary>The engine's log, written to an <see cref="ILogSink"/>.</summary>
internal sealed class LogSinkAdapter : IEngineLog
{
    private readonly ILogSink sink;

    private LogSinkAdapter(ILogSink sink) => this.sink = sink;

    /// <summary>The engine log for <paramref name="sink"/>; the null log for none.</summary>
    public static IEngineLog For(ILogSink? sink) => sink is null ? NullEngineLog.Instance : new LogSinkAdapter(sink);

    /// <summary>The public level of an engine level.</summary>
    public static RestoreLogLevel LevelOf(EngineLogLevel level) => level switch
    {
        EngineLogLevel.Trace => RestoreLogLevel.Trace,
        EngineLogLevel.Debug => RestoreLogLevel.Debug,
        EngineLogLevel.Info => RestoreLogLevel.Info,
        EngineLogLevel.Warning => RestoreLogLevel.Warning,
        _ => RestoreLogLevel.Error,
    };

    /// <summary>The engine level of a public level.</summary>
    public static EngineLogLevel LevelOf(RestoreLogLevel level) => level switch
    {
        RestoreLogLevel.Trace => EngineLogLevel.Trace,
        RestoreLogLevel.Debug => EngineLogLevel.Debug,
        RestoreLogLevel.Info => EngineLogLevel.Info,
        RestoreLogLevel.Warning => EngineLogLevel.Warning,
        _ => EngineLogLevel.Error,
    };

    public void Write(EngineLogEntry entry)
    {
        if (entry is not null)
        {
            sink.Write(LevelOf(entry.Level), entry.Message, entry.Fields);
        }
    }
}

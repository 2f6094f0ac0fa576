using System;
using System.Collections.Generic;
using System.Text;
using Restore.Engine.Common;

namespace Restore.Engine.Records;

/// <summary>
/// Collects a restore's log in Velero's line format while the restore runs, so it can be written to
/// storage every few seconds (Velero only uploads logs at the end, issue #477). Entries are also
/// passed on to another log (for example the cmdlet's verbose stream). Thread-safe.
/// </summary>
public sealed class RestoreLogBuffer : IEngineLog
{
    private readonly object gate = new();
    private readonly StringBuilder text = new();
    private readonly KeyValuePair<string, string>[] restoreField;
    private readonly IEngineLog next;
    private readonly EngineLogLevel threshold;
    private int version;

    /// <summary>Creates a buffer whose lines carry <c>restore=&lt;namespace&gt;/&lt;name&gt;</c>.</summary>
    public RestoreLogBuffer(string veleroNamespace, string restoreName, IEngineLog? next = null, EngineLogLevel threshold = EngineLogLevel.Info)
    {
        restoreField = new[] { new KeyValuePair<string, string>("restore", veleroNamespace + "/" + restoreName) };
        this.next = next ?? NullEngineLog.Instance;
        this.threshold = threshold;
    }

    /// <summary>Grows by one on every line written; lets a flusher skip uploads when nothing changed.</summary>
    public int Version
    {
        get
        {
            lock (gate)
            {
                return version;
            }
        }
    }

    /// <inheritdoc />
    public void Write(EngineLogEntry entry)
    {
        if (entry is null)
        {
            throw new ArgumentNullException(nameof(entry));
        }

        if (entry.Level >= threshold)
        {
            var line = VeleroLogFormat.Format(entry, restoreField);
            lock (gate)
            {
                text.Append(line).Append('\n');
                version++;
            }
        }

        next.Write(entry);
    }

    /// <summary>The log so far as plain text.</summary>
    public string GetText()
    {
        lock (gate)
        {
            return text.ToString();
        }
    }

    /// <summary>The log so far, gzipped as <c>restore-&lt;r&gt;-logs.gz</c> holds it.</summary>
    public byte[] GetGzip() => GzipJson.EncodeText(GetText());
}

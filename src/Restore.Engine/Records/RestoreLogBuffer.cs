using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Restore.Engine.Common;
using Restore.Engine.Velero;

namespace Restore.Engine.Records;

/// <summary>
/// Collects a restore's log in Velero's line format while the restore runs, so it can be written to
/// storage every few seconds (Velero only uploads logs at the end, issue #477). Entries are also
/// passed on to another log (for example the cmdlet's verbose stream). Thread-safe.
/// </summary>
/// <remarks>
/// Lines are kept as UTF-8 in 64 KiB chunks and gzipped straight from them: a restore of 100,000 items logs about
/// 30 MB, which as one growing string (and a copy of it at every upload) was the largest thing in the process.
/// </remarks>
internal sealed class RestoreLogBuffer : IEngineLog
{
    /// <summary>Below the large-object heap's threshold, so full chunks are ordinary objects.</summary>
    private const int ChunkSize = 64 * 1024;

    private readonly object gate = new();
    private readonly List<ArraySegment<byte>> full = new();
    private byte[] current = new byte[ChunkSize];
    private int used;
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

        Keep(entry);
        next.Write(entry);
    }

    /// <summary>
    /// Writes an entry to this log only, without passing it on: for lines that repeat what the other log was already
    /// told (Velero's closing summary of every warning and error).
    /// </summary>
    public void WriteOnlyHere(EngineLogEntry entry)
    {
        if (entry is null)
        {
            throw new ArgumentNullException(nameof(entry));
        }

        Keep(entry);
    }

    /// <summary>The log so far as plain text.</summary>
    public string GetText()
    {
        using var buffer = new MemoryStream();
        CopyTo(buffer);
        return Utf8Text.Decode(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>The log so far, gzipped as <c>restore-&lt;r&gt;-logs.gz</c> holds it.</summary>
    public byte[] GetGzip() => GzipJson.Compress(CopyTo);

    private void Keep(EngineLogEntry entry)
    {
        if (entry.Level < threshold)
        {
            return;
        }

        var line = VeleroLogFormat.Format(entry, restoreField) + "\n";
        lock (gate)
        {
            Append(line);
            version++;
        }
    }

    private void Append(string line)
    {
        var size = Encoding.UTF8.GetByteCount(line);
        if (size > current.Length - used)
        {
            if (used > 0)
            {
                full.Add(new ArraySegment<byte>(current, 0, used));
            }

            current = new byte[Math.Max(ChunkSize, size)];
            used = 0;
        }

        used += Encoding.UTF8.GetBytes(line, 0, line.Length, current, used);
    }

    /// <summary>Writes the lines so far; the chunks are copied under the lock (they are never changed once full).</summary>
    private void CopyTo(Stream destination)
    {
        ArraySegment<byte>[] chunks;
        byte[] tail;
        lock (gate)
        {
            chunks = full.ToArray();
            tail = new byte[used];
            Buffer.BlockCopy(current, 0, tail, 0, used);
        }

        foreach (var chunk in chunks)
        {
            destination.Write(chunk.Array!, chunk.Offset, chunk.Count);
        }

        destination.Write(tail, 0, tail.Length);
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;

namespace Restore.TestApiServer;

/// <summary>One handled request.</summary>
/// <param name="Time">When the request arrived.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">URL path.</param>
/// <param name="Query">Query string including the leading '?', or empty.</param>
/// <param name="StatusCode">Response status (0 when the connection was reset).</param>
/// <param name="User">Authenticated user, or empty when authentication failed.</param>
/// <param name="Verb">Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection), or empty for non-resource requests.</param>
/// <param name="Resource">"configmaps", "deployments.apps" (with "/status" for the subresource), or empty.</param>
/// <param name="Namespace">Namespace from the URL, or empty.</param>
/// <param name="Name">Object name from the URL, or empty.</param>
/// <param name="Duration">Time spent handling it.</param>
/// <param name="Fault">The injected fault ("status:503", "reset", "hang"), or null.</param>
public sealed record JournalEntry(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    int StatusCode,
    string User,
    string Verb,
    string Resource,
    string Namespace,
    string Name,
    TimeSpan Duration,
    string? Fault);

/// <summary>
/// The requests a server handled, oldest first, for tests to assert on. Bounded: beyond
/// <see cref="Capacity"/> the oldest entries are dropped (benchmarks can also disable it).
/// </summary>
public sealed class RequestJournal
{
    private readonly ConcurrentQueue<JournalEntry> entries = new();
    private int count;

    /// <summary>Creates a journal.</summary>
    public RequestJournal(int capacity, bool enabled)
    {
        Capacity = capacity;
        Enabled = enabled;
    }

    /// <summary>Maximum entries kept.</summary>
    public int Capacity { get; }

    /// <summary>When false nothing is recorded.</summary>
    public bool Enabled { get; set; }

    /// <summary>Number of entries held.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>A snapshot of the entries, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Entries => entries.ToArray();

    /// <summary>Entries matching <paramref name="predicate"/>.</summary>
    public IReadOnlyList<JournalEntry> Where(Func<JournalEntry, bool> predicate) => entries.Where(predicate).ToList();

    /// <summary>Forgets every entry.</summary>
    public void Clear()
    {
        while (entries.TryDequeue(out _))
        {
            Interlocked.Decrement(ref count);
        }
    }

    /// <summary>Writes the entries as JSON lines.</summary>
    public void WriteJsonLines(string path)
    {
        var builder = new StringBuilder();
        foreach (var e in entries)
        {
            builder.Append(new JsonObject
            {
                ["time"] = e.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["method"] = e.Method,
                ["path"] = e.Path,
                ["query"] = e.Query,
                ["status"] = e.StatusCode,
                ["user"] = e.User,
                ["verb"] = e.Verb,
                ["resource"] = e.Resource,
                ["namespace"] = e.Namespace,
                ["name"] = e.Name,
                ["durationMs"] = e.Duration.TotalMilliseconds,
                ["fault"] = e.Fault,
            }.ToJsonString()).Append('\n');
        }

        File.WriteAllText(path, builder.ToString());
    }

    internal void Add(JournalEntry entry)
    {
        if (!Enabled)
        {
            return;
        }

        entries.Enqueue(entry);
        if (Interlocked.Increment(ref count) > Capacity && entries.TryDequeue(out _))
        {
            Interlocked.Decrement(ref count);
        }
    }
}

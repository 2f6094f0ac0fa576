using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;

namespace Restore.Engine.Archive;

/// <summary>Where a scan is, for progress bars.</summary>
internal sealed class ScanProgress
{
    /// <summary>Creates a progress report.</summary>
    public ScanProgress(long compressedBytesRead, long? compressedLength, long itemsSeen)
    {
        CompressedBytesRead = compressedBytesRead;
        CompressedLength = compressedLength;
        ItemsSeen = itemsSeen;
    }

    /// <summary>Compressed bytes read so far.</summary>
    public long CompressedBytesRead { get; }

    /// <summary>Size of the tarball when known.</summary>
    public long? CompressedLength { get; }

    /// <summary>Items found so far.</summary>
    public long ItemsSeen { get; }
}

/// <summary>What a scan found, besides the items it reported.</summary>
internal sealed class ScanResult
{
    /// <summary>Creates a result.</summary>
    public ScanResult(long itemCount, long matchedCount, bool hasResources, IReadOnlyList<string> warnings)
    {
        ItemCount = itemCount;
        MatchedCount = matchedCount;
        HasResources = hasResources;
        Warnings = warnings;
    }

    /// <summary>Items in the unversioned tree.</summary>
    public long ItemCount { get; }

    /// <summary>Items that passed the filter and were reported.</summary>
    public long MatchedCount { get; }

    /// <summary>False when the archive has nothing under <c>resources/</c>.</summary>
    public bool HasResources { get; }

    /// <summary>Skipped entries, duplicates and other oddities.</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>One item found by <see cref="BackupItemScanner"/>: where it is in the tarball and what its JSON says it is.</summary>
internal sealed class ScannedItem
{
    /// <summary>Creates an item.</summary>
    public ScannedItem(string groupResource, string @namespace, string name, string path, long size)
    {
        GroupResource = groupResource;
        Namespace = @namespace;
        Name = name;
        Path = path;
        Size = size;
    }

    /// <summary>Group-resource, such as <c>deployments.apps</c> or <c>pods</c>.</summary>
    public string GroupResource { get; }

    /// <summary>Source namespace; empty for cluster-scoped items.</summary>
    public string Namespace { get; }

    /// <summary>Item name (the file name less <c>.json</c>).</summary>
    public string Name { get; }

    /// <summary>Path inside the tarball.</summary>
    public string Path { get; }

    /// <summary>Size of the item file in bytes.</summary>
    public long Size { get; }

    /// <summary>API version from the item's <c>apiVersion</c>; empty when it cannot be read.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>The item's <c>kind</c>; empty when it cannot be read.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Why the item's JSON could not be read; null when it could.</summary>
    public string? DecodeError { get; set; }
}

/// <summary>
/// Lists the items of a backup tarball without keeping it: each entry is read, its <c>apiVersion</c> and
/// <c>kind</c> decoded, reported and dropped, so memory stays bounded by the largest item. Items come from the
/// unversioned tree only (docs/velero-compatibility.md#tarball-paths); versioned copies are skipped unread.
/// </summary>
internal static class BackupItemScanner
{
    /// <summary>Key of the item being filtered: group-resource, namespace ("" for cluster scope), name.</summary>
    public delegate bool ItemFilter(string groupResource, string @namespace, string name);

    /// <summary>
    /// Scans <paramref name="tarball"/>. <paramref name="filter"/> (optional) is asked before an item is read;
    /// <paramref name="onItem"/> gets each matching item, with <see cref="ScannedItem.DecodeError"/> set when its
    /// JSON is broken (the scan goes on). Throws <see cref="ArchiveException"/> for a hostile or broken archive.
    /// </summary>
    public static async Task<ScanResult> ScanAsync(
        Stream tarball,
        ArchiveLimits? limits,
        ItemFilter? filter,
        Action<ScannedItem> onItem,
        IEngineLog? log,
        IProgress<ScanProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (onItem is null)
        {
            throw new ArgumentNullException(nameof(onItem));
        }

        using var reader = await BackupArchiveReader.OpenAsync(tarball, limits, log, cancellationToken).ConfigureAwait(false);
        // 64-bit hashes instead of paths: duplicate detection at 8 bytes per item, not the path's size.
        var seen = new HashSet<ulong>();
        long items = 0;
        long matched = 0;
        var hasResources = false;
        var lastProgress = 0L;
        while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.Path.StartsWith("resources/", StringComparison.Ordinal))
            {
                hasResources = true;
            }

            if (!BackupItemPath.TryParse(entry.Path, out var groupResource, out var ns, out var name))
            {
                continue;
            }

            if (!seen.Add(Hash(entry.Path)))
            {
                reader.Warn($"duplicate entry {entry.Path}: the first copy is kept");
                continue;
            }

            items++;
            if (progress is not null && items - lastProgress >= 1000)
            {
                lastProgress = items;
                progress.Report(new ScanProgress(reader.CompressedBytesRead, reader.CompressedLength, items));
            }

            if (filter is not null && !filter(groupResource, ns, name))
            {
                continue;
            }

            var item = new ScannedItem(groupResource, ns, name, entry.Path, entry.Size);
            Decode(await entry.ReadContentAsync(cancellationToken).ConfigureAwait(false), item);
            matched++;
            onItem(item);
        }

        progress?.Report(new ScanProgress(reader.CompressedBytesRead, reader.CompressedLength, items));
        return new ScanResult(items, matched, hasResources, reader.Warnings);
    }

    /// <summary>Reads <c>apiVersion</c> and <c>kind</c> and validates the whole document, without building a tree.</summary>
    internal static void Decode(byte[] json, ScannedItem item)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                item.DecodeError = $"error decoding \"{item.Path}\": the content is not a JSON object";
                return;
            }

            string? apiVersion = null;
            string? kind = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isApiVersion = reader.ValueTextEquals("apiVersion");
                var isKind = !isApiVersion && reader.ValueTextEquals("kind");
                reader.Read();
                if ((isApiVersion || isKind) && reader.TokenType == JsonTokenType.String)
                {
                    if (isApiVersion)
                    {
                        apiVersion = reader.GetString();
                    }
                    else
                    {
                        kind = reader.GetString();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                item.DecodeError = $"error decoding \"{item.Path}\": unexpected data after the JSON object";
                return;
            }

            var slash = apiVersion?.LastIndexOf('/') ?? -1;
            item.Version = apiVersion is null ? string.Empty : apiVersion.Substring(slash + 1);
            item.Kind = kind ?? string.Empty;
            if (apiVersion is null || kind is null)
            {
                item.DecodeError = $"error decoding \"{item.Path}\": Object 'Kind' or 'apiVersion' is missing";
            }
        }
        catch (JsonException ex)
        {
            item.DecodeError = $"error decoding \"{item.Path}\": {ex.Message}";
        }
    }

    // FNV-1a, 64 bits, over the UTF-16 code units.
    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}

/// <summary>Parses item paths of the unversioned tree (docs/velero-compatibility.md#tarball-paths).</summary>
internal static class BackupItemPath
{
    /// <summary>
    /// True for <c>resources/&lt;gr&gt;/cluster/&lt;file&gt;</c> and <c>resources/&lt;gr&gt;/namespaces/&lt;ns&gt;/&lt;file&gt;</c>;
    /// the name is the file name less a trailing <c>.json</c>. Versioned copies and deeper paths are not items.
    /// </summary>
    public static bool TryParse(string path, out string groupResource, out string @namespace, out string name)
    {
        groupResource = @namespace = name = string.Empty;
        if (path is null || !path.StartsWith("resources/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = path.Substring("resources/".Length).Split('/');
        string file;
        if (parts.Length == 3 && parts[1] == "cluster")
        {
            file = parts[2];
        }
        else if (parts.Length == 4 && parts[1] == "namespaces" && parts[2].Length > 0)
        {
            @namespace = parts[2];
            file = parts[3];
        }
        else
        {
            return false;
        }

        if (parts[0].Length == 0 || file.Length == 0)
        {
            return false;
        }

        groupResource = parts[0];
        name = file.EndsWith(".json", StringComparison.Ordinal) ? file.Substring(0, file.Length - 5) : file;
        return true;
    }
}

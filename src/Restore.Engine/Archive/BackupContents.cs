using System;
using System.Collections.Generic;
using Restore.Engine.Common;

namespace Restore.Engine.Archive;

/// <summary>One item listed from the unversioned tree of a backup (spec §2.3).</summary>
public sealed class BackupItemEntry
{
    /// <summary>Creates an entry.</summary>
    public BackupItemEntry(string groupResource, string @namespace, string name, string path, long size)
    {
        GroupResource = groupResource;
        Namespace = @namespace;
        Name = name;
        Path = path;
        Size = size;
    }

    /// <summary>Group-resource directory name, such as <c>deployments.apps</c>.</summary>
    public string GroupResource { get; }

    /// <summary>Source namespace; empty for cluster-scoped items.</summary>
    public string Namespace { get; }

    /// <summary>Item name: the file name less a trailing <c>.json</c>.</summary>
    public string Name { get; }

    /// <summary>Path inside the archive, such as <c>resources/pods/namespaces/shop/web-0.json</c>.</summary>
    public string Path { get; }

    /// <summary>Size of the item file in bytes.</summary>
    public long Size { get; }

    /// <summary>True when the item lives under <c>cluster/</c>.</summary>
    public bool IsClusterScoped => Namespace.Length == 0;
}

/// <summary>
/// The resources of a backup tarball held in memory under their archive paths, indexed the way
/// Velero's restore parses them (spec §2.2-§2.3). Nothing is extracted to disk, so names that are
/// illegal on Windows file systems (<c>system:node-proxier</c>) are no problem.
/// </summary>
public sealed class BackupContents
{
    private const string ResourcesPrefix = "resources/";
    private readonly Dictionary<string, ReadOnlyMemory<byte>> files = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, GroupResourceIndex> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
    private readonly ContentArena arena = new();
    private readonly List<string> warnings = new();

    /// <summary>The text of <c>metadata/version</c>, trimmed; null when absent.</summary>
    public string? MetadataVersion { get; private set; }

    /// <summary>True when the archive has anything under <c>resources/</c>.</summary>
    public bool HasResources => groups.Count > 0;

    /// <summary>Group-resource names present in the backup, in byte-wise order.</summary>
    public IReadOnlyCollection<string> GroupResources => groups.Keys;

    /// <summary>Parse warnings, such as a plain file directly under <c>resources/</c>.</summary>
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>Number of items in the unversioned tree.</summary>
    public int ItemCount { get; private set; }

    /// <summary>Total bytes held.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>
    /// Adds one regular-file entry. <paramref name="path"/> must already be normalised (no leading
    /// <c>./</c> or <c>/</c>, no <c>..</c>); the archive reader guarantees that. The array is kept, not copied.
    /// </summary>
    /// <returns>False when the path was already present (the first copy is kept).</returns>
    public bool Add(string path, byte[] content)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        return AddCore(path, content, out _);
    }

    /// <summary>A block to read the next file's <paramref name="size"/> bytes into, then pass to <see cref="AddReserved"/>.</summary>
    internal Memory<byte> Reserve(int size) => arena.Reserve(size);

    /// <summary>Adds a file read into a block from <see cref="Reserve"/>; the block is given back when it is not kept.</summary>
    internal bool AddReserved(string path, Memory<byte> block)
    {
        var added = AddCore(path, block, out var shared);
        if (!added || shared)
        {
            arena.Release(block);
        }

        return added;
    }

    private bool AddCore(string path, ReadOnlyMemory<byte> content, out bool sharedExistingCopy)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        sharedExistingCopy = false;
        if (files.ContainsKey(path))
        {
            return false;
        }

        if (path == "metadata/version")
        {
            MetadataVersion = Utf8Text.Decode(content).Trim();
        }

        if (!path.StartsWith(ResourcesPrefix, StringComparison.Ordinal))
        {
            files[path] = content;
            TotalBytes += content.Length;
            return true;
        }

        var parts = path.Substring(ResourcesPrefix.Length).Split('/');
        if (parts.Length == 1)
        {
            warnings.Add($"ignoring file {path}: not a directory under resources/");
            files[path] = content;
            return true;
        }

        // Thousands of items share a handful of group-resource and namespace names: keep one copy of each.
        var gr = Intern(parts[0]);
        if (!groups.TryGetValue(gr, out var index))
        {
            index = new GroupResourceIndex();
            groups.Add(gr, index);
        }

        // Items: resources/<gr>/cluster/<file> and resources/<gr>/namespaces/<ns>/<file>.
        if (parts.Length == 3 && parts[1] == "cluster")
        {
            index.AddItem(new BackupItemEntry(gr, string.Empty, ItemName(parts[2]), path, content.Length));
            ItemCount++;
        }
        else if (parts.Length == 4 && parts[1] == "namespaces" && parts[2].Length > 0)
        {
            index.AddItem(new BackupItemEntry(gr, Intern(parts[2]), ItemName(parts[3]), path, content.Length));
            ItemCount++;
        }
        else if (parts.Length >= 2 && parts[1] != "cluster" && parts[1] != "namespaces")
        {
            index.VersionDirectories.Add(Intern(parts[1]));
            var kept = ShareIdenticalCopy(gr, parts, content);
            sharedExistingCopy = !kept.Equals(content);
            content = kept;
        }

        files[path] = content;
        TotalBytes += content.Length;
        return true;
    }

    /// <summary>Adds a warning found while reading the archive, such as a skipped link or a duplicate entry.</summary>
    public void AddWarning(string warning)
    {
        if (!string.IsNullOrEmpty(warning))
        {
            warnings.Add(warning);
        }
    }

    /// <summary>Items of one group-resource from the unversioned tree: namespaces in byte-wise order, items in file-name order.</summary>
    public IReadOnlyList<BackupItemEntry> GetItems(string groupResource) =>
        groups.TryGetValue(groupResource, out var index) ? index.Items : Array.Empty<BackupItemEntry>();

    /// <summary>Source namespaces that hold items of <paramref name="groupResource"/> (empty string for cluster scope).</summary>
    public IReadOnlyCollection<string> GetNamespaces(string groupResource) =>
        groups.TryGetValue(groupResource, out var index) ? index.Namespaces : Array.Empty<string>();

    /// <summary>Every namespace that holds at least one item of any resource.</summary>
    public IReadOnlyCollection<string> GetAllNamespaces()
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var index in groups.Values)
        {
            foreach (var ns in index.Namespaces)
            {
                if (ns.Length > 0)
                {
                    all.Add(ns);
                }
            }
        }

        return all;
    }

    /// <summary>Version directories under a group-resource, such as <c>v1-preferredversion</c> and <c>v2</c>.</summary>
    public IReadOnlyCollection<string> GetVersionDirectories(string groupResource) =>
        groups.TryGetValue(groupResource, out var index) ? index.VersionDirectories : Array.Empty<string>();

    /// <summary>Gets the bytes of any file in the archive (read-only: they may share storage with other files).</summary>
    public bool TryGetFile(string path, out ReadOnlyMemory<byte> content) => files.TryGetValue(path, out content);

    /// <summary>Builds the unversioned item path for a group-resource, namespace and name.</summary>
    public static string ItemPath(string groupResource, string @namespace, string name) =>
        @namespace.Length == 0
            ? $"resources/{groupResource}/cluster/{name}.json"
            : $"resources/{groupResource}/namespaces/{@namespace}/{name}.json";

    private static string ItemName(string fileName) =>
        fileName.EndsWith(".json", StringComparison.Ordinal) ? fileName.Substring(0, fileName.Length - 5) : fileName;

    private string Intern(string name)
    {
        if (names.TryGetValue(name, out var kept))
        {
            return kept;
        }

        names.Add(name, name);
        return name;
    }

    // Velero writes each preferred-version copy with the same bytes as the unversioned file;
    // keeping one copy for both halves the memory of a typical backup.
    private ReadOnlyMemory<byte> ShareIdenticalCopy(string gr, string[] parts, ReadOnlyMemory<byte> content)
    {
        var unversioned = ResourcesPrefix + gr + "/" + string.Join("/", parts, 2, parts.Length - 2);
        if (files.TryGetValue(unversioned, out var existing) && existing.Span.SequenceEqual(content.Span))
        {
            TotalBytes -= content.Length;
            return existing;
        }

        return content;
    }

    private sealed class GroupResourceIndex
    {
        private readonly SortedDictionary<string, List<BackupItemEntry>> byNamespace = new(StringComparer.Ordinal);
        private List<BackupItemEntry>? flattened;

        public SortedSet<string> VersionDirectories { get; } = new(StringComparer.Ordinal);

        public IReadOnlyCollection<string> Namespaces => byNamespace.Keys;

        public IReadOnlyList<BackupItemEntry> Items
        {
            get
            {
                if (flattened is null)
                {
                    flattened = new List<BackupItemEntry>();
                    foreach (var list in byNamespace.Values)
                    {
                        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                        flattened.AddRange(list);
                    }
                }

                return flattened;
            }
        }

        public void AddItem(BackupItemEntry entry)
        {
            if (!byNamespace.TryGetValue(entry.Namespace, out var list))
            {
                list = new List<BackupItemEntry>();
                byNamespace.Add(entry.Namespace, list);
            }

            list.Add(entry);
            flattened = null;
        }
    }
}

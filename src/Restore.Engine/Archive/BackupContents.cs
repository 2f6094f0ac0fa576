using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Restore.Engine.Common;

namespace Restore.Engine.Archive;

/// <summary>One item listed from the unversioned tree of a backup (docs/velero-compatibility.md#tarball-paths).</summary>
internal sealed class BackupItemEntry
{
    internal BackupItemEntry(string groupResource, string @namespace, string name, bool jsonSuffix, ReadOnlyMemory<byte> content)
    {
        GroupResource = groupResource;
        Namespace = @namespace;
        Name = name;
        HasJsonSuffix = jsonSuffix;
        Content = content;
    }

    /// <summary>Group-resource directory name, such as <c>deployments.apps</c>.</summary>
    public string GroupResource { get; }

    /// <summary>Source namespace; empty for cluster-scoped items.</summary>
    public string Namespace { get; }

    /// <summary>Item name: the file name less a trailing <c>.json</c>.</summary>
    public string Name { get; }

    /// <summary>The file name inside its directory, such as <c>web-0.json</c>.</summary>
    public string FileName => HasJsonSuffix ? Name + ".json" : Name;

    /// <summary>
    /// Path inside the archive, such as <c>resources/pods/namespaces/shop/web-0.json</c>. Built when asked for:
    /// a backup of 100,000 items would otherwise hold 100,000 more strings.
    /// </summary>
    public string Path => BackupContents.ItemDirectory(GroupResource, null, Namespace) + FileName;

    /// <summary>Size of the item file in bytes.</summary>
    public long Size => Content.Length;

    /// <summary>True when the item lives under <c>cluster/</c>.</summary>
    public bool IsClusterScoped => Namespace.Length == 0;

    /// <summary>The file's bytes (read-only; they may be shared with its preferred-version copy).</summary>
    internal ReadOnlyMemory<byte> Content { get; }

    internal bool HasJsonSuffix { get; }

    /// <summary>Bit i set: the i-th version directory of the group-resource holds a byte-identical copy of this item.</summary>
    internal ulong IdenticalCopies { get; set; }
}

/// <summary>
/// The resources of a backup tarball held in memory under their archive paths, indexed the way
/// Velero's restore parses them (docs/velero-compatibility.md#tarball-paths). Nothing is extracted to disk, so names that are
/// illegal on Windows file systems (<c>system:node-proxier</c>) are no problem.
/// </summary>
/// <remarks>
/// Items are indexed by group-resource, namespace and name, not by path: a path string per item (and another per
/// preferred-version copy) was most of the index's memory. A version-directory copy byte-identical to its unversioned
/// file is one bit on the item; only copies that differ (or come first) are kept under their own path.
/// </remarks>
internal sealed class BackupContents
{
    private const string ResourcesPrefix = "resources/";
    private const string JsonExtension = ".json";
    private readonly Dictionary<string, ReadOnlyMemory<byte>> files = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, GroupResourceIndex> groups = new(StringComparer.Ordinal);
    private readonly StringPool names = new();
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

    [MethodImpl(HotPath.Optimize)]
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

        if (!ItemLocation.TryParse(path, out var at))
        {
            if (path.StartsWith(ResourcesPrefix, StringComparison.Ordinal) && path.IndexOf('/', ResourcesPrefix.Length) < 0)
            {
                warnings.Add($"ignoring file {path}: not a directory under resources/");
            }

            return AddFile(path, content);
        }

        // Thousands of items share a handful of group-resource and namespace names: keep one copy of each.
        var gr = names.Get(at.GroupResource);
        if (!groups.TryGetValue(gr, out var index))
        {
            index = new GroupResourceIndex();
            groups.Add(gr, index);
        }

        if (at.VersionDirectory is null)
        {
            if (!at.IsItem)
            {
                return AddFile(path, content);
            }

            if (!index.TryAddItem(new BackupItemEntry(gr, names.Get(at.Namespace), at.Name, at.JsonSuffix, content)))
            {
                return false;
            }

            ItemCount++;
            TotalBytes += content.Length;
            return true;
        }

        // A version directory: resources/<gr>/<version>/... (items in it are read only when that version is chosen).
        var version = names.Get(at.VersionDirectory);
        index.VersionDirectories.Add(version);
        if (at.IsItem && index.Find(at.Namespace, at.Name, at.JsonSuffix) is { } item && index.CopyBit(version, register: true) is { } bit)
        {
            if ((item.IdenticalCopies & bit) != 0)
            {
                return false;
            }

            // Velero writes each preferred-version copy with the same bytes as the unversioned file.
            if (item.Content.Span.SequenceEqual(content.Span))
            {
                item.IdenticalCopies |= bit;
                sharedExistingCopy = true;
                return true;
            }
        }

        return AddFile(path, content);
    }

    private bool AddFile(string path, ReadOnlyMemory<byte> content)
    {
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
    public bool TryGetFile(string path, out ReadOnlyMemory<byte> content)
    {
        if (files.TryGetValue(path, out content))
        {
            return true;
        }

        if (path is not null && ItemLocation.TryParse(path, out var at) && at.IsItem && groups.TryGetValue(at.GroupResource, out var index)
            && index.Find(at.Namespace, at.Name, at.JsonSuffix) is { } item)
        {
            if (at.VersionDirectory is null || (index.CopyBit(at.VersionDirectory, register: false) is { } bit && (item.IdenticalCopies & bit) != 0))
            {
                content = item.Content;
                return true;
            }
        }

        content = default;
        return false;
    }

    /// <summary>The copy of an item in a version directory (such as <c>v2</c>), if the backup has one.</summary>
    internal bool TryGetVersionedCopy(BackupItemEntry item, string versionDirectory, out ReadOnlyMemory<byte> content)
    {
        if (groups.TryGetValue(item.GroupResource, out var index) && index.CopyBit(versionDirectory, register: false) is { } bit && (item.IdenticalCopies & bit) != 0)
        {
            content = item.Content;
            return true;
        }

        return files.TryGetValue(ItemDirectory(item.GroupResource, versionDirectory, item.Namespace) + item.FileName, out content);
    }

    /// <summary>Builds the unversioned item path for a group-resource, namespace and name.</summary>
    public static string ItemPath(string groupResource, string @namespace, string name) =>
        ItemDirectory(groupResource, null, @namespace) + name + JsonExtension;

    /// <summary>The directory of an item, with its trailing slash: <c>resources/gr/[version/](cluster|namespaces/ns)/</c>.</summary>
    internal static string ItemDirectory(string groupResource, string? versionDirectory, string @namespace)
    {
        var version = versionDirectory is null ? string.Empty : versionDirectory + "/";
        return @namespace.Length == 0
            ? ResourcesPrefix + groupResource + "/" + version + "cluster/"
            : ResourcesPrefix + groupResource + "/" + version + "namespaces/" + @namespace + "/";
    }

    /// <summary>Where a path under <c>resources/</c> puts a file: group-resource, optional version directory, namespace, name.</summary>
    private readonly struct ItemLocation
    {
        private ItemLocation(string groupResource, string? versionDirectory, string @namespace, string name, bool jsonSuffix)
        {
            GroupResource = groupResource;
            VersionDirectory = versionDirectory;
            Namespace = @namespace;
            Name = name;
            JsonSuffix = jsonSuffix;
        }

        public string GroupResource { get; }

        public string? VersionDirectory { get; }

        public string Namespace { get; }

        /// <summary>The item name; empty when the path is not an item's place.</summary>
        public string Name { get; }

        /// <summary>True for <c>[version/](cluster/f | namespaces/ns/f)</c>; false for any other file under the group-resource.</summary>
        public bool IsItem => Name.Length > 0;

        public bool JsonSuffix { get; }

        /// <summary>
        /// Any file under <c>resources/gr/</c>. Items: <c>resources/gr/cluster/f</c>, <c>resources/gr/namespaces/ns/f</c>;
        /// version directories: <c>resources/gr/v/...</c>, whose items sit at <c>v/cluster/f</c> or <c>v/namespaces/ns/f</c>.
        /// </summary>
        [MethodImpl(HotPath.Optimize)]
        public static bool TryParse(string path, out ItemLocation location)
        {
            location = default;
            if (!path.StartsWith(ResourcesPrefix, StringComparison.Ordinal))
            {
                return false;
            }

            // The segments that matter are found by position, not by splitting: this runs for every tar entry, and
            // splitting allocated an array and a string per segment that were thrown away at once.
            var s1 = path.IndexOf('/', ResourcesPrefix.Length);
            if (s1 < 0)
            {
                return false;
            }

            var s2 = path.IndexOf('/', s1 + 1);
            var s3 = s2 < 0 ? -1 : path.IndexOf('/', s2 + 1);
            var s4 = s3 < 0 ? -1 : path.IndexOf('/', s3 + 1);
            var s5 = s4 < 0 ? -1 : path.IndexOf('/', s4 + 1);
            var segments = s2 < 0 ? 2 : s3 < 0 ? 3 : s4 < 0 ? 4 : s5 < 0 ? 5 : 6;
            var gr = Segment(path, ResourcesPrefix.Length, s1);
            if (SegmentIs(path, s1 + 1, s2, "cluster") || SegmentIs(path, s1 + 1, s2, "namespaces"))
            {
                if (segments == 3 && SegmentIs(path, s1 + 1, s2, "cluster"))
                {
                    location = Item(gr, null, string.Empty, Segment(path, s2 + 1, -1));
                }
                else if (segments == 4 && SegmentIs(path, s1 + 1, s2, "namespaces") && s3 > s2 + 1)
                {
                    location = Item(gr, null, Segment(path, s2 + 1, s3), Segment(path, s3 + 1, -1));
                }
                else
                {
                    location = new ItemLocation(gr, null, string.Empty, string.Empty, false);
                }

                return true;
            }

            var version = Segment(path, s1 + 1, s2);
            if (segments == 4 && SegmentIs(path, s2 + 1, s3, "cluster"))
            {
                location = Item(gr, version, string.Empty, Segment(path, s3 + 1, -1));
            }
            else if (segments == 5 && SegmentIs(path, s2 + 1, s3, "namespaces") && s4 > s3 + 1)
            {
                location = Item(gr, version, Segment(path, s3 + 1, s4), Segment(path, s4 + 1, -1));
            }
            else
            {
                location = new ItemLocation(gr, version, string.Empty, string.Empty, false);
            }

            return true;
        }

        /// <summary>The text from <paramref name="from"/> to the slash at <paramref name="to"/> (-1: to the end).</summary>
        private static string Segment(string path, int from, int to) => path.Substring(from, (to < 0 ? path.Length : to) - from);

        private static bool SegmentIs(string path, int from, int to, string word) =>
            (to < 0 ? path.Length : to) - from == word.Length && string.CompareOrdinal(path, from, word, 0, word.Length) == 0;

        [MethodImpl(HotPath.Optimize)]
        private static ItemLocation Item(string gr, string? version, string ns, string fileName)
        {
            var json = fileName.EndsWith(JsonExtension, StringComparison.Ordinal) && fileName.Length > JsonExtension.Length;
            return new ItemLocation(gr, version, ns, json ? fileName.Substring(0, fileName.Length - JsonExtension.Length) : fileName, json);
        }
    }

    private sealed class GroupResourceIndex
    {
        private readonly SortedDictionary<string, Bucket> byNamespace = new(StringComparer.Ordinal);
        private readonly List<string> copyDirectories = new();
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
                    foreach (var bucket in byNamespace.Values)
                    {
                        bucket.List.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                        flattened.AddRange(bucket.List);
                    }
                }

                return flattened;
            }
        }

        /// <summary>The bit that marks identical copies in a version directory; null beyond 64 directories (then copies are kept as files).</summary>
        public ulong? CopyBit(string versionDirectory, bool register)
        {
            var i = copyDirectories.IndexOf(versionDirectory);
            if (i < 0)
            {
                if (!register || copyDirectories.Count == 64)
                {
                    return null;
                }

                copyDirectories.Add(versionDirectory);
                i = copyDirectories.Count - 1;
            }

            return 1UL << i;
        }

        [MethodImpl(HotPath.Optimize)]
        public BackupItemEntry? Find(string @namespace, string name, bool jsonSuffix)
        {
            if (!byNamespace.TryGetValue(@namespace, out var bucket) || !bucket.ByName.TryGetValue(name, out var item))
            {
                return null;
            }

            if (item.HasJsonSuffix == jsonSuffix)
            {
                return item;
            }

            return bucket.OtherSuffix?.Find(e => e.Name == name && e.HasJsonSuffix == jsonSuffix);
        }

        [MethodImpl(HotPath.Optimize)]
        public bool TryAddItem(BackupItemEntry entry)
        {
            if (!byNamespace.TryGetValue(entry.Namespace, out var bucket))
            {
                bucket = new Bucket();
                byNamespace.Add(entry.Namespace, bucket);
            }

            if (bucket.ByName.TryGetValue(entry.Name, out var existing))
            {
                // "x" and "x.json" are two files with one item name; keep both, as a directory listing would.
                if (existing.HasJsonSuffix == entry.HasJsonSuffix || Find(entry.Namespace, entry.Name, entry.HasJsonSuffix) is not null)
                {
                    return false;
                }

                (bucket.OtherSuffix ??= new List<BackupItemEntry>()).Add(entry);
            }
            else
            {
                bucket.ByName.Add(entry.Name, entry);
            }

            bucket.List.Add(entry);
            flattened = null;
            return true;
        }

        private sealed class Bucket
        {
            public Dictionary<string, BackupItemEntry> ByName { get; } = new(StringComparer.Ordinal);

            public List<BackupItemEntry> List { get; } = new();

            /// <summary>Items whose name another file of the other suffix already has (rare: <c>x</c> next to <c>x.json</c>).</summary>
            public List<BackupItemEntry>? OtherSuffix { get; set; }
        }
    }
}

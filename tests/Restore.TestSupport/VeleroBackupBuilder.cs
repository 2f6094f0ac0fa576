using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Storage;

namespace Restore.TestSupport;

/// <summary>
/// Writes Velero-format backups the way Velero does (docs/velero-compatibility.md#backup-files, #tarball-format, #tarball-paths): a gzip tar from Go's archive/tar (USTAR,
/// PAX for long names, mode 0755, no directory entries), <c>metadata/version</c> = <c>"1.1.0\n"</c>, each item at
/// its unversioned path and again, byte-identical, under <c>&lt;ver&gt;-preferredversion/</c>; <c>velero-backup.json</c>
/// as 2-space pretty JSON in Go field order; the <c>*.json.gz</c> and <c>-results.gz</c> files as compact JSON plus
/// <c>"\n"</c> in one gzip member. Fast enough for 100k items: items are kept as bytes and streamed out.
/// </summary>
public sealed class VeleroBackupBuilder
{
    /// <summary>The default start time of built backups, so output is reproducible.</summary>
    public static readonly DateTime DefaultTime = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly List<Entry> entries = new();
    private readonly SortedDictionary<string, string> labels = new(StringComparer.Ordinal) { ["velero.io/storage-location"] = "default" };
    private readonly SortedDictionary<string, string> annotations = new(StringComparer.Ordinal)
    {
        ["velero.io/resource-timeout"] = "10m0s",
        ["velero.io/source-cluster-k8s-gitversion"] = "v1.31.4",
        ["velero.io/source-cluster-k8s-major-version"] = "1",
        ["velero.io/source-cluster-k8s-minor-version"] = "31",
    };

    private readonly Dictionary<BackupFile, byte[]?> files = new();
    private string phase = "Completed";
    private DateTime start = DefaultTime;
    private DateTime? startOverride;
    private bool noStart;
    private DateTime? completion;
    private DateTime? creation;
    private DateTime? expiration;
    private DateTime? archiveTime;
    private string ttl = "720h0m0s";
    private string? formatVersion = "1.1.0";
    private int errors;
    private int warnings;
    private string? failureReason;
    private (int Total, int BackedUp)? progress;
    private string[]? includedNamespaces;
    private string[]? excludedNamespaces;
    private string[]? includedResources;
    private string[]? excludedResources;
    private bool? includeClusterResources;
    private string? metadataJson;
    private bool writeMetadata = true;
    private bool writeTarball = true;
    private byte[]? tarballOverride;
    private bool writeVersionFile = true;
    private string uid = "4f8ab2a4-3a2f-4c5e-9d1e-000000000001";
    private CompressionLevel compression = CompressionLevel.Optimal;

    /// <summary>Starts a backup called <paramref name="name"/>.</summary>
    public VeleroBackupBuilder(string name)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        files[BackupFile.Logs] = null;
        files[BackupFile.Results] = null;
        files[BackupFile.ResourceList] = null;
    }

    /// <summary>The backup name.</summary>
    public string Name { get; }

    /// <summary>Items added (unversioned paths).</summary>
    public int ItemCount => entries.Count(e => e.IsItem);

    /// <summary>Sets <c>status.phase</c>.</summary>
    public VeleroBackupBuilder WithPhase(string value) { phase = value; return this; }

    /// <summary>Adds the label <c>velero.io/schedule-name</c>.</summary>
    public VeleroBackupBuilder WithSchedule(string schedule) => WithLabel("velero.io/schedule-name", schedule);

    /// <summary>Sets <c>status.startTimestamp</c> (default <see cref="DefaultTime"/>); null leaves it out.</summary>
    public VeleroBackupBuilder WithStartTimestamp(DateTime? value)
    {
        noStart = value is null;
        startOverride = value;
        start = value ?? start;
        return this;
    }

    /// <summary>Sets <c>status.completionTimestamp</c> (default start + 1 minute).</summary>
    public VeleroBackupBuilder WithCompletionTimestamp(DateTime value) { completion = value; return this; }

    /// <summary>Sets <c>metadata.creationTimestamp</c> (default: the start time).</summary>
    public VeleroBackupBuilder WithCreationTimestamp(DateTime value) { creation = value; return this; }

    /// <summary>Sets <c>status.expiration</c> (default start + 30 days).</summary>
    public VeleroBackupBuilder WithExpiration(DateTime value) { expiration = value; return this; }

    /// <summary>Sets the modification time of every tar entry (default: the start time).</summary>
    public VeleroBackupBuilder WithArchiveTime(DateTime value) { archiveTime = value; return this; }

    /// <summary>Sets <c>spec.ttl</c>.</summary>
    public VeleroBackupBuilder WithTtl(string value) { ttl = value; return this; }

    /// <summary>Sets <c>status.formatVersion</c>; null leaves it out.</summary>
    public VeleroBackupBuilder WithFormatVersion(string? value) { formatVersion = value; return this; }

    /// <summary>Sets <c>status.errors</c>.</summary>
    public VeleroBackupBuilder WithErrors(int value) { errors = value; return this; }

    /// <summary>Sets <c>status.warnings</c>.</summary>
    public VeleroBackupBuilder WithWarnings(int value) { warnings = value; return this; }

    /// <summary>Sets <c>status.failureReason</c>.</summary>
    public VeleroBackupBuilder WithFailureReason(string value) { failureReason = value; return this; }

    /// <summary>Sets <c>status.progress</c> (default: the item count for both).</summary>
    public VeleroBackupBuilder WithProgress(int totalItems, int itemsBackedUp) { progress = (totalItems, itemsBackedUp); return this; }

    /// <summary>Sets <c>spec.includedNamespaces</c>.</summary>
    public VeleroBackupBuilder WithIncludedNamespaces(params string[] values) { includedNamespaces = values; return this; }

    /// <summary>Sets <c>spec.excludedNamespaces</c>.</summary>
    public VeleroBackupBuilder WithExcludedNamespaces(params string[] values) { excludedNamespaces = values; return this; }

    /// <summary>Sets <c>spec.includedResources</c>.</summary>
    public VeleroBackupBuilder WithIncludedResources(params string[] values) { includedResources = values; return this; }

    /// <summary>Sets <c>spec.excludedResources</c>.</summary>
    public VeleroBackupBuilder WithExcludedResources(params string[] values) { excludedResources = values; return this; }

    /// <summary>Sets <c>spec.includeClusterResources</c> (null: absent, Velero's "auto").</summary>
    public VeleroBackupBuilder WithIncludeClusterResources(bool? value) { includeClusterResources = value; return this; }

    /// <summary>Sets a label (sorted like a Go map).</summary>
    public VeleroBackupBuilder WithLabel(string key, string value) { labels[key] = value; return this; }

    /// <summary>Sets an annotation.</summary>
    public VeleroBackupBuilder WithAnnotation(string key, string value) { annotations[key] = value; return this; }

    /// <summary>Sets <c>metadata.uid</c>.</summary>
    public VeleroBackupBuilder WithUid(string value) { uid = value; return this; }

    /// <summary>Replaces <c>velero-backup.json</c> with exactly these bytes (for broken-metadata tests).</summary>
    public VeleroBackupBuilder WithMetadataJson(string json) { metadataJson = json; return this; }

    /// <summary>Writes no <c>velero-backup.json</c>.</summary>
    public VeleroBackupBuilder WithoutMetadata() { writeMetadata = false; return this; }

    /// <summary>Writes no tarball (failed backups may have none).</summary>
    public VeleroBackupBuilder WithoutTarball() { writeTarball = false; return this; }

    /// <summary>Uses these bytes as the tarball instead of building one (hostile-archive tests).</summary>
    public VeleroBackupBuilder WithTarballBytes(byte[] bytes) { tarballOverride = bytes; return this; }

    /// <summary>Leaves <c>metadata/version</c> out of the tarball.</summary>
    public VeleroBackupBuilder WithoutVersionFile() { writeVersionFile = false; return this; }

    /// <summary>Compression level of the tarball (default Optimal, like Go's default level).</summary>
    public VeleroBackupBuilder WithCompressionLevel(CompressionLevel level) { compression = level; return this; }

    /// <summary>Adds <c>&lt;b&gt;-volumeinfo.json.gz</c> with this JSON (written compact in the given key order, plus "\n").</summary>
    public VeleroBackupBuilder WithVolumeInfo(string json) => WithJsonFile(BackupFile.VolumeInfo, json);

    /// <summary>Adds <c>&lt;b&gt;-volumesnapshots.json.gz</c>.</summary>
    public VeleroBackupBuilder WithVolumeSnapshots(string json) => WithJsonFile(BackupFile.VolumeSnapshots, json);

    /// <summary>Adds <c>&lt;b&gt;-podvolumebackups.json.gz</c>.</summary>
    public VeleroBackupBuilder WithPodVolumeBackups(string json) => WithJsonFile(BackupFile.PodVolumeBackups, json);

    /// <summary>Adds <c>&lt;b&gt;-itemoperations.json.gz</c>.</summary>
    public VeleroBackupBuilder WithItemOperations(string json) => WithJsonFile(BackupFile.ItemOperations, json);

    /// <summary>Replaces the default <c>&lt;b&gt;-results.gz</c> (<c>{"errors":{},"warnings":{}}</c>).</summary>
    public VeleroBackupBuilder WithResults(string json) => WithJsonFile(BackupFile.Results, json);

    /// <summary>Replaces the default log text.</summary>
    public VeleroBackupBuilder WithLogs(string text) { files[BackupFile.Logs] = Encoding.UTF8.GetBytes(text); return this; }

    /// <summary>Stores a file's decompressed bytes verbatim (null content: leave the file out).</summary>
    internal VeleroBackupBuilder WithFile(BackupFile file, byte[]? decompressed)
    {
        if (decompressed is null)
        {
            files.Remove(file);
        }
        else
        {
            files[file] = decompressed;
        }

        return this;
    }

    /// <summary>
    /// Adds an item at <c>resources/&lt;gr&gt;/{cluster|namespaces/&lt;ns&gt;}/&lt;name&gt;.json</c> (compact JSON, keys sorted
    /// as Go marshals an unstructured object) and, unless <paramref name="preferredCopy"/> is false, the identical copy
    /// under <c>&lt;version&gt;-preferredversion/</c> (version from <c>apiVersion</c> when not given).
    /// </summary>
    public VeleroBackupBuilder AddItem(string groupResource, string @namespace, string name, JsonObject item, string? version = null, bool preferredCopy = true)
    {
        if (item is null)
        {
            throw new ArgumentNullException(nameof(item));
        }

        var apiVersion = item["apiVersion"]?.GetValueKind() == JsonValueKind.String ? item["apiVersion"]!.GetValue<string>() : null;
        var kind = item["kind"]?.GetValueKind() == JsonValueKind.String ? item["kind"]!.GetValue<string>() : null;
        return AddItemBytes(groupResource, @namespace, name, Encoding.UTF8.GetBytes(GoJson.Compact(item)), apiVersion, kind, version, preferredCopy);
    }

    /// <summary>Adds an item from JSON text written verbatim (it may be invalid, for decode-error tests).</summary>
    public VeleroBackupBuilder AddItem(string groupResource, string @namespace, string name, string json, string? version = null, bool preferredCopy = true)
    {
        var bytes = Encoding.UTF8.GetBytes(json ?? throw new ArgumentNullException(nameof(json)));
        var (apiVersion, kind) = PeekTypeMeta(bytes);
        return AddItemBytes(groupResource, @namespace, name, bytes, apiVersion, kind, version, preferredCopy);
    }

    /// <summary>Adds a copy at a non-preferred version directory, <c>resources/&lt;gr&gt;/&lt;version&gt;/…</c> (EnableAPIGroupVersions).</summary>
    public VeleroBackupBuilder AddVersionedItem(string groupResource, string @namespace, string name, string version, string json)
    {
        entries.Add(new Entry(ItemPath(groupResource, version, @namespace, name), Encoding.UTF8.GetBytes(json), false, null, null, null));
        return this;
    }

    /// <summary>Adds a tar entry at exactly <paramref name="path"/> (stray files, odd layouts).</summary>
    public VeleroBackupBuilder AddRawEntry(string path, byte[] content)
    {
        entries.Add(new Entry(path, content, false, null, null, null));
        return this;
    }

    /// <summary>The gzip tarball bytes.</summary>
    public byte[] BuildTarball()
    {
        using var output = new MemoryStream();
        WriteTarball(output);
        return output.ToArray();
    }

    /// <summary>Writes the gzip tarball to <paramref name="output"/> (left open).</summary>
    public void WriteTarball(Stream output)
    {
        if (tarballOverride is not null)
        {
            output.Write(tarballOverride, 0, tarballOverride.Length);
            return;
        }

        var time = archiveTime ?? start;
        using var gzip = new GoGzipStream(output, compression, leaveOpen: true);
        using var buffered = new BufferedStream(gzip, 1 << 16);
        var tar = new GoTarWriter(buffered);
        if (writeVersionFile)
        {
            tar.AddFile("metadata/version", Encoding.ASCII.GetBytes("1.1.0\n"), time);
        }

        foreach (var entry in entries)
        {
            tar.AddFile(entry.Path, entry.Content, time);
            if (entry.PreferredVersion is not null)
            {
                tar.AddFile(entry.PreferredPath!, entry.Content, time);
            }
        }

        tar.Finish();
    }

    /// <summary><c>velero-backup.json</c> as Velero writes it (or the override).</summary>
    public string BuildMetadataJson() => metadataJson ?? GoJson.Indent(BuildMetadata());

    /// <summary>
    /// Every object of the backup except the tarball, keyed relative to the location root
    /// (<c>backups/&lt;b&gt;/…</c>), gzip files compressed.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> BuildFiles(string prefix = "")
    {
        var layout = new ObjectStoreLayout(prefix);
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (writeMetadata)
        {
            result[layout.BackupMetadataKey(Name)] = Encoding.UTF8.GetBytes(BuildMetadataJson());
        }

        foreach (var pair in files)
        {
            var content = pair.Value ?? DefaultFile(pair.Key);
            result[layout.BackupFileKey(Name, pair.Key)] = GoTarWriter.GoGzip(content);
        }

        return result;
    }

    /// <summary>Writes the backup into a local-folder location rooted at <paramref name="folder"/>.</summary>
    public void WriteToFolder(string folder, string prefix = "")
    {
        foreach (var pair in BuildFiles(prefix))
        {
            var path = Path.Combine(folder, pair.Key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, pair.Value);
        }

        if (writeTarball)
        {
            var key = new ObjectStoreLayout(prefix).BackupTarballKey(Name);
            var path = Path.Combine(folder, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            WriteTarball(file);
        }
    }

    /// <summary>Writes the backup through any object store (use a raw store, not a location's write-guarded one).</summary>
    internal async Task WriteToAsync(IObjectStore store, string prefix = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (var pair in BuildFiles(prefix))
        {
            await store.PutAsync(pair.Key, pair.Value, cancellationToken);
        }

        if (writeTarball)
        {
            using var tarball = new MemoryStream();
            WriteTarball(tarball);
            tarball.Position = 0;
            await store.PutAsync(new ObjectStoreLayout(prefix).BackupTarballKey(Name), tarball, cancellationToken);
        }
    }

    /// <summary>The resource list Velero would write: <c>{"apiVersion/Kind": ["ns/name", …]}</c>, lists sorted.</summary>
    public string BuildResourceListJson()
    {
        var map = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.IsItem && e.ApiVersion is not null && e.Kind is not null))
        {
            var key = entry.ApiVersion + "/" + entry.Kind;
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = new List<string>();
            }

            list.Add(entry.Namespace!.Length == 0 ? entry.Name! : entry.Namespace + "/" + entry.Name);
        }

        var obj = new JsonObject();
        foreach (var pair in map)
        {
            pair.Value.Sort(StringComparer.Ordinal);
            obj[pair.Key] = new JsonArray(pair.Value.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        return GoJson.Encoder(obj);
    }

    private static string ItemPath(string groupResource, string? versionDirectory, string @namespace, string name)
    {
        var scope = @namespace.Length == 0 ? "cluster" : "namespaces/" + @namespace;
        return versionDirectory is null
            ? $"resources/{groupResource}/{scope}/{name}.json"
            : $"resources/{groupResource}/{versionDirectory}/{scope}/{name}.json";
    }

    private static string Time(DateTime value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static (string? ApiVersion, string? Kind) PeekTypeMeta(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            return (
                root.TryGetProperty("apiVersion", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null,
                root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonObject Map(SortedDictionary<string, string> values)
    {
        var obj = new JsonObject();
        foreach (var pair in values)
        {
            obj[pair.Key] = pair.Value;
        }

        return obj;
    }

    // Keys keep the given order: these files hold Go structs, whose fields are written in declaration order.
    private VeleroBackupBuilder WithJsonFile(BackupFile file, string json)
    {
        files[file] = Encoding.UTF8.GetBytes(GoJson.Encoder(JsonNode.Parse(json), sortKeys: false));
        return this;
    }

    private VeleroBackupBuilder AddItemBytes(string groupResource, string @namespace, string name, byte[] bytes, string? apiVersion, string? kind, string? version, bool preferredCopy)
    {
        var preferred = preferredCopy ? (version ?? VersionOf(apiVersion)) + "-preferredversion" : null;
        entries.Add(new Entry(ItemPath(groupResource, null, @namespace, name), bytes, true, preferred, apiVersion, kind)
        {
            Namespace = @namespace,
            Name = name,
            PreferredPath = preferred is null ? null : ItemPath(groupResource, preferred, @namespace, name),
        });
        return this;
    }

    private static string VersionOf(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
        {
            return "v1";
        }

        var slash = apiVersion.LastIndexOf('/');
        return apiVersion.Substring(slash + 1);
    }

    private byte[] DefaultFile(BackupFile file) => file switch
    {
        BackupFile.Results => Encoding.UTF8.GetBytes("{\"errors\":{},\"warnings\":{}}\n"),
        BackupFile.ResourceList => Encoding.UTF8.GetBytes(BuildResourceListJson()),
        BackupFile.Logs => Encoding.UTF8.GetBytes(DefaultLog()),
        _ => Encoding.UTF8.GetBytes("null\n"),
    };

    private string DefaultLog()
    {
        var backup = $"velero/{Name}";
        var end = completion ?? start.AddMinutes(1);
        return
            $"time=\"{Time(start)}\" level=info msg=\"Setting up backup temp file\" backup={backup} logSource=\"pkg/controller/backup_controller.go:665\"\n" +
            $"time=\"{Time(start)}\" level=info msg=\"Starting backup\" backup={backup} logSource=\"pkg/controller/backup_controller.go:702\"\n" +
            $"time=\"{Time(end)}\" level=info msg=\"Backed up a total of {ItemCount} items\" backup={backup} logSource=\"pkg/backup/backup.go:540\" progress=\n";
    }

    private JsonObject BuildMetadata()
    {
        var metadata = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = "velero",
            ["uid"] = uid,
            ["resourceVersion"] = "1001",
            ["generation"] = 1,
            ["creationTimestamp"] = Time(creation ?? start),
            ["labels"] = Map(labels),
            ["annotations"] = Map(annotations),
        };

        var spec = new JsonObject { ["metadata"] = new JsonObject() };
        if (includedNamespaces is not null)
        {
            spec["includedNamespaces"] = Strings(includedNamespaces);
        }

        if (excludedNamespaces is not null)
        {
            spec["excludedNamespaces"] = Strings(excludedNamespaces);
        }

        if (includedResources is not null)
        {
            spec["includedResources"] = Strings(includedResources);
        }

        if (excludedResources is not null)
        {
            spec["excludedResources"] = Strings(excludedResources);
        }

        spec["ttl"] = ttl;
        if (includeClusterResources is not null)
        {
            spec["includeClusterResources"] = includeClusterResources.Value;
        }

        spec["hooks"] = new JsonObject();
        spec["storageLocation"] = "default";
        spec["defaultVolumesToFsBackup"] = false;
        spec["csiSnapshotTimeout"] = "10m0s";
        spec["itemOperationTimeout"] = "4h0m0s";

        var items = ItemCount;
        var status = new JsonObject { ["version"] = 1 };
        if (formatVersion is not null)
        {
            status["formatVersion"] = formatVersion;
        }

        status["expiration"] = Time(expiration ?? start.AddDays(30));
        status["phase"] = phase;
        if (!noStart)
        {
            status["startTimestamp"] = Time(startOverride ?? start);
        }

        status["completionTimestamp"] = Time(completion ?? start.AddMinutes(1));
        if (failureReason is not null)
        {
            status["failureReason"] = failureReason;
        }

        if (warnings != 0)
        {
            status["warnings"] = warnings;
        }

        if (errors != 0)
        {
            status["errors"] = errors;
        }

        var (total, backedUp) = progress ?? (items, items);
        status["progress"] = new JsonObject { ["totalItems"] = total, ["itemsBackedUp"] = backedUp };

        return new JsonObject
        {
            ["kind"] = "Backup",
            ["apiVersion"] = "velero.io/v1",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = status,
        };
    }

    private sealed class Entry
    {
        public Entry(string path, byte[] content, bool isItem, string? preferredVersion, string? apiVersion, string? kind)
        {
            Path = path;
            Content = content;
            IsItem = isItem;
            PreferredVersion = preferredVersion;
            ApiVersion = apiVersion;
            Kind = kind;
        }

        public string Path { get; }

        public byte[] Content { get; }

        public bool IsItem { get; }

        public string? PreferredVersion { get; }

        public string? PreferredPath { get; init; }

        public string? ApiVersion { get; }

        public string? Kind { get; }

        public string? Namespace { get; init; }

        public string? Name { get; init; }
    }
}

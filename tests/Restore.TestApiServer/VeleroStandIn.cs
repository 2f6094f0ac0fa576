using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Storage;

namespace Restore.TestApiServer;

/// <summary>How the Velero stand-in behaves.</summary>
public sealed class VeleroStandInOptions
{
    /// <summary>The Velero namespace it watches (created when missing).</summary>
    public string Namespace { get; set; } = "velero";

    /// <summary>
    /// Where BackupStorageLocations without <c>config.s3Url</c> live: the BSL's bucket is a folder under this root and its
    /// prefix a folder under that (as a mounted or synced copy of the bucket). Null: such BSLs are Unavailable.
    /// </summary>
    public string? FolderRoot { get; set; }

    /// <summary>Access key id for BSLs on an S3 endpoint (<c>config.s3Url</c>; s3rver takes any).</summary>
    public string S3AccessKey { get; set; } = "S3RVER";

    /// <summary>Secret access key for BSLs on an S3 endpoint.</summary>
    public string S3SecretKey { get; set; } = "S3RVER";

    /// <summary>Time per restored item (a Restore's label <c>velero-standin.test/item-delay-ms</c> overrides it).</summary>
    public TimeSpan ItemDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How often the stand-in looks at the objects.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// A stand-in for Velero's restore controller (pkg/controller/restore_controller.go) on the test API server: it installs
/// Velero's real CRD manifests (tests/velero-crds), marks BackupStorageLocations Available or Unavailable as Velero's
/// BSL controller does, and takes each new Restore through validation (FailedValidation with Velero's messages) or
/// New → InProgress → Finalizing → Completed / PartiallyFailed / Failed with <c>status.progress</c>, writing Velero's files
/// under <c>restores/&lt;name&gt;/</c> of the backup's location. It adds Velero's finalizer and, when a Restore is deleted,
/// deletes its files first. It restores no objects into the cluster: it plays Velero's bookkeeping, not its engine.
/// Test knobs (labels on the Restore): <c>velero-standin.test/outcome</c> = PartiallyFailed or Failed,
/// <c>velero-standin.test/item-delay-ms</c>; on a BSL the annotation <c>velero-standin.test/phase</c> forces its phase.
/// </summary>
public sealed partial class VeleroStandIn : IAsyncDisposable
{
    /// <summary>Label that forces a restore's outcome.</summary>
    public const string OutcomeLabel = "velero-standin.test/outcome";

    /// <summary>Label that sets the time per item, in milliseconds.</summary>
    public const string ItemDelayLabel = "velero-standin.test/item-delay-ms";

    /// <summary>Annotation that forces a BSL's phase.</summary>
    public const string PhaseAnnotation = "velero-standin.test/phase";

    private const string Finalizer = "restores.velero.io/external-resources-finalizer";
    private const string Restores = "restores.velero.io";
    private const string Backups = "backups.velero.io";
    private const string Locations = "backupstoragelocations.velero.io";

    private static readonly string[] NonRestorable =
    {
        "nodes", "events", "events.events.k8s.io", "backups.velero.io", "restores.velero.io",
        "resticrepositories.velero.io", "csinodes.storage.k8s.io", "volumeattachments.storage.k8s.io", "backuprepositories.velero.io",
    };

    private readonly ObjectStore store;
    private readonly VeleroStandInOptions options;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, Task> running = new(StringComparer.Ordinal);
    private readonly Task loop;

    private VeleroStandIn(ObjectStore store, VeleroStandInOptions options)
    {
        this.store = store;
        this.options = options;
        loop = Task.Run(() => RunAsync(stopping.Token));
    }

    /// <summary>Messages of failures inside the stand-in itself (not of restores), for tests to show.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Installs Velero's CRDs and the Velero namespace on <paramref name="server"/>, then starts watching.</summary>
    public static VeleroStandIn Start(TestApiServer server, VeleroStandInOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        options ??= new VeleroStandInOptions();
        InstallCrds(server.Store);
        server.Store.EnsureNamespace(options.Namespace);
        return new VeleroStandIn(server.Store, options);
    }

    /// <summary>Velero's CRD manifests as vendored in tests/velero-crds (embedded in this assembly).</summary>
    public static IReadOnlyList<JsonObject> RealCrds()
    {
        var assembly = typeof(VeleroStandIn).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".yaml", StringComparison.Ordinal) && n.Contains("velero.io_", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (JsonObject)YamlJson.Parse(reader.ReadToEnd())!;
            })
            .ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
            await Task.WhenAll(running.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        stopping.Dispose();
    }

    private static void InstallCrds(ObjectStore store)
    {
        foreach (var crd in RealCrds())
        {
            var name = Json.Str((crd["metadata"] as JsonObject)?["name"]) ?? string.Empty;
            if (store.Get("customresourcedefinitions.apiextensions.k8s.io", null, name) is not null)
            {
                // The minimal stand-ins of --velero-crds give way to the real manifests.
                store.Delete("customresourcedefinitions.apiextensions.k8s.io", null, name);
            }

            store.Create(crd);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ValidateLocationsAsync(cancellationToken).ConfigureAwait(false);
                foreach (var restore in SafeList(Restores))
                {
                    Reconcile(restore, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Problems.Enqueue(ex.ToString());
            }

            await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private IReadOnlyList<JsonObject> SafeList(string resource)
    {
        try
        {
            return store.List(resource, options.Namespace);
        }
        catch (Exception ex) when (ex is ApiException or ArgumentException or KeyNotFoundException or InvalidOperationException)
        {
            // The CRD is not served yet (establishing) or was removed by a test.
            return Array.Empty<JsonObject>();
        }
    }

    private void Reconcile(JsonObject restore, CancellationToken cancellationToken)
    {
        var meta = (JsonObject)restore["metadata"]!;
        var name = Json.Str(meta["name"])!;
        var finalizers = Json.Finalizers(restore);
        if (meta["deletionTimestamp"] is not null)
        {
            if (finalizers.Contains(Finalizer) && running.TryAdd("delete/" + name, Task.CompletedTask))
            {
                running["delete/" + name] = Task.Run(() => DeleteFilesAsync(restore, cancellationToken), cancellationToken);
            }

            return;
        }

        if (!finalizers.Contains(Finalizer))
        {
            Patch(name, new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Append(Finalizer).Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()) } });
        }

        var phase = Json.Str((restore["status"] as JsonObject)?["phase"]) ?? string.Empty;
        if (phase is "" or "New" && running.TryAdd(name, Task.CompletedTask))
        {
            running[name] = Task.Run(() => ProcessAsync(name, cancellationToken), cancellationToken);
        }
    }

    private JsonObject Patch(string name, JsonObject patch) => store.Patch(Restores, options.Namespace, name, "merge", patch.ToJsonString());

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => Json.Str(n)).Where(s => s is not null).Select(s => s!).ToList() : new List<string>();

    /// <summary>The BSL's store, or null (with the reason) when it cannot be opened.</summary>
    private (StorageLocation? Location, string? Problem) OpenLocation(JsonObject bsl)
    {
        var spec = bsl["spec"] as JsonObject;
        var storage = spec?["objectStorage"] as JsonObject;
        var bucket = (Json.Str(storage?["bucket"]) ?? string.Empty).Trim('/');
        var prefix = (Json.Str(storage?["prefix"]) ?? string.Empty).Trim('/');
        var config = spec?["config"] as JsonObject;
        var s3Url = Json.Str(config?["s3Url"]);
        StorageLocationOptions settings;
        if (!string.IsNullOrEmpty(s3Url))
        {
            settings = new StorageLocationOptions
            {
                Location = "s3://" + bucket + (prefix.Length == 0 ? string.Empty : "/" + prefix),
                Endpoint = s3Url,
                Region = Json.Str(config?["region"]) ?? "us-east-1",
                AccessKeyId = options.S3AccessKey,
                MaxRetries = 1,
            }.WithSecretAccessKey(options.S3SecretKey);
        }
        else if (options.FolderRoot is not null)
        {
            settings = new StorageLocationOptions { Location = Path.Combine(options.FolderRoot, bucket, prefix) };
        }
        else
        {
            return (null, "no s3Url and the stand-in has no folder root");
        }

        try
        {
            return (StorageLocation.Open(settings, NullEngineLog.Instance), null);
        }
        catch (StorageException ex)
        {
            return (null, ex.Message);
        }
    }

    private async Task ValidateLocationsAsync(CancellationToken cancellationToken)
    {
        foreach (var bsl in SafeList(Locations))
        {
            var meta = (JsonObject)bsl["metadata"]!;
            var name = Json.Str(meta["name"])!;
            var forced = Json.Str((meta["annotations"] as JsonObject)?[PhaseAnnotation]);
            var phase = forced;
            if (phase is null)
            {
                var (location, _) = OpenLocation(bsl);
                phase = "Unavailable";
                if (location is not null)
                {
                    using (location)
                    {
                        try
                        {
                            await location.VerifyAsync(cancellationToken).ConfigureAwait(false);
                            phase = "Available";
                        }
                        catch (StorageException)
                        {
                            // Velero's BSL controller marks a location it cannot list Unavailable.
                        }
                    }
                }
            }

            if (Json.Str((bsl["status"] as JsonObject)?["phase"]) != phase)
            {
                store.Patch(Locations, options.Namespace, name, "merge", new JsonObject { ["status"] = new JsonObject { ["phase"] = phase, ["lastValidationTime"] = Now() } }.ToJsonString());
            }
        }
    }
}

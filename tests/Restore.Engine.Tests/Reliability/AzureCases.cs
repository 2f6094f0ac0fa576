using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Storage.Azure;
using Restore.Engine.Velero;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Reliability;

/// <summary>
/// The storage faults again, on the wire of a real Azure Blob Storage API (Azurite) behind <see cref="FaultProxy"/>:
/// throttling, connection resets, a download that breaks, a wrong key and a missing container. The restore goes into a
/// folder; the backup and the record live in the container.
/// </summary>
internal static class AzureCases
{
    private const string Category = "Azure storage";
    private const string Backup = "nightly";
    private const int ConfigMapCount = 40;

    public static IEnumerable<ReliabilityCase> All()
    {
        yield return Restored(
            "Z01",
            "Azure Blob Storage: every third request answered 503 Server Busy with Retry-After: 1",
            NeverTwiceInARow((n, _, _) => n % 3 == 0 ? ProxyFault.Throttle : ProxyFault.None));
        yield return Restored(
            "Z02",
            "Azure Blob Storage: every fourth connection reset before an answer",
            NeverTwiceInARow((n, _, _) => n % 4 == 0 ? ProxyFault.Reset : ProxyFault.None));
        var first = 0;
        yield return Restored(
            "Z03",
            "Azure Blob Storage: the tarball's download breaks once after 16 KiB",
            (_, method, path) => method == "GET" && path.Contains(".tar.gz", StringComparison.Ordinal) && Interlocked.Increment(ref first) == 1 ? ProxyFault.CutBody : ProxyFault.None);
        yield return TarballBroken();
        yield return NotStarted("Z05", "Azure Blob Storage: a wrong account key", wrongKey: true, missingContainer: false, StorageErrorKind.AccessDenied, "devstoreaccount1");
        yield return NotStarted("Z06", "Azure Blob Storage: the container does not exist", wrongKey: false, missingContainer: true, StorageErrorKind.LocationNotFound, "does not exist");
    }

    /// <summary>
    /// Counts requests across all connections, so under parallel requests one request's retries could each land on a
    /// faulted number and run out of retries by chance. The retry right after a fault is let through: every request
    /// still meets the fault as often as the count says, and the case does not depend on timing.
    /// </summary>
    private static Func<int, string, string, ProxyFault> NeverTwiceInARow(Func<int, string, string, ProxyFault> fault)
    {
        var faultedLast = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        return (n, method, path) =>
        {
            var request = method + " " + path;
            var decided = faultedLast.TryGetValue(request, out var last) && last ? ProxyFault.None : fault(n, method, path);
            faultedLast[request] = decided != ProxyFault.None;
            return decided;
        };
    }

    /// <summary>A fault the store retries or resumes: the restore completes and its record is in the container.</summary>
    private static ReliabilityCase Restored(string id, string description, Func<int, string, string, ProxyFault> fault) => new(
        id,
        Category,
        description,
        "Retried (downloads resume where they broke): the restore completes, every item restored; the record, log and results are written to the container",
        async probe =>
        {
            await using var world = await AzureWorld.CreateAsync(probe);
            if (world is null)
            {
                return;
            }

            world.Proxy.Decide = fault;
            using var location = world.Open(maxRetries: 5);

            var capture = await world.Sandbox.RunAsync(world.Sandbox.ToFolder(Backup, id.ToLowerInvariant()), location);
            await world.ReadStoredAsync(id.ToLowerInvariant(), capture);

            probe.Check(world.Proxy.Log.Any(l => !l.EndsWith(" None", StringComparison.Ordinal)), "no fault was injected");
            probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}");
            probe.Check(capture.StoredRecord?.Phase == RestorePhase.Completed, $"the record in the container is {capture.StoredRecord?.Phase ?? "missing"}");
            probe.ItemsLost = ArchiveCases.CountLostInFolder(probe, world.Sandbox, capture, Enumerable.Range(1, ConfigMapCount).Select(i => $"cm-{i}").ToList());
            probe.Observe($"Restore {capture.StoredRecord?.Phase ?? "without a record"}: {capture.OutcomeSummary()}; the record, log and results are in the container");
        });

    /// <summary>The tarball's download breaks on every attempt: the restore ends Failed, naming it, and says so in the container.</summary>
    private static ReliabilityCase TarballBroken() => new(
        "Z04",
        Category,
        "Azure Blob Storage: the tarball's download breaks after 4 KiB on every attempt (each resume gets 4 KiB further)",
        "The restore ends Failed with a reason naming the tarball; nothing restored; the record is written to the container",
        async probe =>
        {
            await using var world = await AzureWorld.CreateAsync(probe);
            if (world is null)
            {
                return;
            }

            world.Proxy.CutAfterBytes = 4096;
            // A reset can drop bytes already in flight, so how far the reads got varies from run to run.
            probe.MaskPattern(@"after \d+ of \d+ bytes", "after N of M bytes");
            // The socket's own words for the reset differ between platforms.
            probe.MaskPattern(@"and resuming failed: [^.']+", "and resuming failed: <the socket error>");
            world.Proxy.Decide = (_, method, path) => method == "GET" && path.Contains(".tar.gz", StringComparison.Ordinal) ? ProxyFault.CutBody : ProxyFault.None;
            using var location = world.Open(maxRetries: 2);

            var capture = await world.Sandbox.RunAsync(world.Sandbox.ToFolder(Backup, "z04"), location);
            await world.ReadStoredAsync("z04", capture);

            var reason = capture.StoredRecord?.FailureReason ?? string.Empty;
            probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}");
            probe.Check(capture.StoredRecord?.Phase == RestorePhase.Failed, $"the record in the container is {capture.StoredRecord?.Phase ?? "missing"}, expected Failed");
            probe.Check(reason.Contains("nightly.tar.gz", StringComparison.Ordinal), $"the failure reason does not name the tarball: {reason}");
            probe.Check(world.Sandbox.TargetFiles().Count == 0, "items were restored from an unreadable backup");
            probe.Check(world.Proxy.Log.Count(l => l.EndsWith(" CutBody", StringComparison.Ordinal)) >= 3, "the download was not retried: " + string.Join("; ", world.Proxy.Log));
            probe.Observe($"Restore {capture.StoredRecord?.Phase ?? "without a record"}: {probe.Short(reason, 200)}");
        });

    /// <summary>A location the restore cannot use: a storage error before anything is written anywhere.</summary>
    private static ReliabilityCase NotStarted(string id, string description, bool wrongKey, bool missingContainer, StorageErrorKind kind, string mustName) => new(
        id,
        Category,
        description,
        $"A storage error ({kind}) naming the container, never the key; nothing written to the container or the target",
        async probe =>
        {
            await using var world = await AzureWorld.CreateAsync(probe);
            if (world is null)
            {
                return;
            }

            var badKey = Convert.ToBase64String(Encoding.ASCII.GetBytes("a wrong key for the reliability suite"));
            using var location = world.Open(maxRetries: 1, key: wrongKey ? badKey : null, container: missingContainer ? "missing-container" : null);

            var capture = await world.Sandbox.RunAsync(world.Sandbox.ToFolder(Backup, id.ToLowerInvariant()), location);

            var error = capture.Error as StorageException ?? capture.Error?.InnerException as StorageException;
            probe.Check(error?.Kind == kind, $"expected a {kind} storage error, got {capture.Error?.GetType().Name}: {capture.Error?.Message}");
            probe.Check(capture.Error?.Message.Contains(mustName, StringComparison.Ordinal) == true, $"the error does not name '{mustName}'");
            probe.Check(capture.Error?.ToString().Contains(badKey, StringComparison.Ordinal) != true, "the error shows the key");
            var stored = await world.RawStore.ListKeysAsync("restores/", CancellationToken.None);
            probe.Check(stored.Count == 0, "written to the container: " + string.Join(", ", stored));
            probe.Check(world.Sandbox.TargetFiles().Count == 0, "files written to the target folder");
            probe.Observe($"{capture.Error?.GetType().Name ?? "no error"} ({error?.Kind.ToString() ?? "-"}): {probe.Short(capture.Error?.Message ?? string.Empty, 200)}");
            probe.Observe("Nothing written to the container or the target");
        });

    /// <summary>A sandbox for the target folder, a container in the shared Azurite holding the backup, and a fault proxy in front.</summary>
    private sealed class AzureWorld : IAsyncDisposable
    {
        private AzureWorld(RestoreSandbox sandbox, FaultProxy proxy, string container, AzureBlobObjectStore raw)
        {
            Sandbox = sandbox;
            Proxy = proxy;
            Container = container;
            RawStore = raw;
        }

        public RestoreSandbox Sandbox { get; }

        public FaultProxy Proxy { get; }

        public string Container { get; }

        public AzureBlobObjectStore RawStore { get; }

        /// <summary>Null (and a violation) when Azurite cannot run here: CI installs it, so its absence is a failure, not a skip.</summary>
        public static async Task<AzureWorld?> CreateAsync(CaseProbe probe)
        {
            if (AzuriteServer.UnavailableReason is { } reason)
            {
                probe.Violation(reason);
                return null;
            }

            var azurite = AzuriteServer.Shared;
            var sandbox = await RestoreSandbox.CreateAsync(probe);
            var container = await azurite.CreateContainerAsync();
            var raw = AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance);
            await Backups.ConfigMaps(Backup, ConfigMapCount, padding: 4000).WriteToAsync(raw);
            var proxy = new FaultProxy($"http://127.0.0.1:{azurite.Port}") { CutAfterBytes = 16384 };
            probe.Mask(proxy.Url, "<proxy>");
            probe.Mask(container, "<container>");
            probe.MaskPattern(@"http://127\.0\.0\.1:\d+", "<azurite>");
            sandbox.SnapshotFiles();
            return new AzureWorld(sandbox, proxy, container, raw);
        }

        public StorageLocation Open(int maxRetries, string? key = null, string? container = null)
        {
            var options = AzuriteServer.Shared.Options(container ?? Container, serviceUrl: $"{Proxy.Url}/{AzuriteServer.Account}", maxRetries: maxRetries);
            if (key is not null)
            {
                options.WithSecretAccessKey(key);
            }

            return StorageLocation.Open(options, Sandbox.EngineLog);
        }

        public async Task ReadStoredAsync(string name, RunCapture capture)
        {
            var store = new RestoreRecordStore(RawStore, new ObjectStoreLayout(string.Empty));
            capture.StoredRecord = await store.GetAsync(name, CancellationToken.None);
            capture.StoredLog = await store.ReadLogTextAsync(name, CancellationToken.None);
            capture.StoredResults = await store.ReadResultsAsync(name, CancellationToken.None);
            capture.StoredOutcomes = await store.ReadItemOutcomesAsync(name, CancellationToken.None);
            foreach (var key in await RawStore.ListKeysAsync("restores/" + name + "/", CancellationToken.None))
            {
                var bytes = await RawStore.ReadAllBytesAsync(key, CancellationToken.None);
                capture.StoredFiles[key] = key.EndsWith(".gz", StringComparison.Ordinal) ? Gunzip(bytes) : Encoding.UTF8.GetString(bytes);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Proxy.Dispose();
            RawStore.Dispose();
            await Sandbox.DisposeAsync();
        }

        private static string Gunzip(byte[] bytes)
        {
            using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var reader = new StreamReader(input);
            return reader.ReadToEnd();
        }
    }
}

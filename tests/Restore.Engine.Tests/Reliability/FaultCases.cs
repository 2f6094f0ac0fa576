using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestApiServer;

namespace Restore.Engine.Tests.Reliability;

/// <summary>Faults while restoring into the test API server: every fault at a fixed seed, every wait bounded.</summary>
internal static class FaultCases
{
    private const string Category = "Faults";
    private const string Backup = "nightly";
    private const int ConfigMapCount = 120;
    private const int Seed = 20250101;

    public static IEnumerable<ReliabilityCase> All()
    {
        yield return Faulted("F01", "429 Too Many Requests with Retry-After: 1 on 10 % of requests", k => k.FailRequests(429, rate: 0.1, retryAfterSeconds: 1));
        yield return Faulted("F02", "500 Internal Server Error on 10 % of requests", k => k.FailRequests(500, rate: 0.1));
        yield return Faulted("F03", "503 Service Unavailable on 10 % of requests", k => k.FailRequests(503, rate: 0.1));
        yield return Faulted("F04", "connection resets on 10 % of requests", k => k.ResetConnections(rate: 0.1));
        yield return Faulted("F05", "timeouts: 10 % of requests never answered (client timeout 1 s)", k => k.HangRequests(Timeout.InfiniteTimeSpan, rate: 0.1), requestTimeout: TimeSpan.FromSeconds(1));
        yield return Faulted("F06", "all of the above at 2.5 % each, with 0-20 ms latency jitter", k =>
        {
            k.LatencyJitter = TimeSpan.FromMilliseconds(20);
            k.FailRequests(429, rate: 0.025, retryAfterSeconds: 1);
            k.FailRequests(500, rate: 0.025);
            k.FailRequests(503, rate: 0.025);
            k.ResetConnections(rate: 0.025);
            k.HangRequests(Timeout.InfiniteTimeSpan, rate: 0.025);
        }, requestTimeout: TimeSpan.FromSeconds(1));
        yield return StorageFailsAtStart();
        yield return StorageFlaky();
        yield return StorageDown();
        yield return CancelBeforeStart();
        foreach (var (id, after) in new[] { ("F10", 1), ("F11", 61), ("F12", 120) })
        {
            yield return CancelAndRerun(id, after);
        }

        yield return SameNameTwice();
        yield return Forbidden();
        yield return Unreachable();
    }

    /// <summary>Restores ConfigMaps under a fault; every item must end with an outcome, nothing lost or created twice.</summary>
    private static ReliabilityCase Faulted(string id, string description, Action<ServerKnobs> faults, TimeSpan? requestTimeout = null) => new(
        id,
        Category,
        description,
        "Retried: every item ends Created (or Failed with a reason); the record's counts add up; 0 items lost; no object created twice",
        async probe =>
        {
            if (requestTimeout is { } timeout)
            {
                // Only clients the engine builds in this case's flow get the short timeout.
                KubernetesClientOptions.TestOverrides.Value = o => o.RequestTimeout = timeout;
            }

            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, ConfigMapCount));
            sandbox.SnapshotFiles();
            var knobs = sandbox.Server!.Knobs;
            knobs.SetRandomSeed(Seed);
            faults(knobs);

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, id.ToLowerInvariant()));

            knobs.Reset();
            probe.Check(knobs.Faults.Count == 0, "knobs not reset");
            CheckAccounted(probe, sandbox, capture, expectCreated: ConfigMapCount + 1, expectFaults: true);
            sandbox.CheckNothingOutside(id.ToLowerInvariant());
        });

    /// <summary>The first record write fails right after the claim: the restore does not start and the name stays free.</summary>
    private static ReliabilityCase StorageFailsAtStart() => new(
        "F16",
        Category,
        "the storage location fails the first record write, right after the restore claimed its name",
        "A terminating `NewRestoreStorageUnreachable` (ConnectionError) before any cluster change; the claim is given back, so the same name works once storage is back",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 10));
            sandbox.SnapshotFiles();
            using var location = sandbox.OpenLocation();
            var down = 1;
            var records = new FaultyObjectStore(location.Store)
            {
                OnWrite = key => Volatile.Read(ref down) == 1 && key.EndsWith("-record.json", StringComparison.Ordinal)
                    ? new StorageException(StorageErrorKind.Unreachable, "s3://velero-backups", $"The connection to https://s3.example.test failed while writing '{key}': Connection refused", key)
                    : null,
            };

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, "f16"), location, records);

            var (errorId, category) = capture.Error is null ? ("none", "none") : CmdletErrors.For("NewRestore", capture.Error);
            probe.Observe($"`{errorId}` ({category}): {capture.Error?.Message}");
            probe.Check(errorId == "NewRestoreStorageUnreachable" && category == "ConnectionError", $"got {errorId} ({category})");
            var writes = sandbox.ClusterWrites();
            probe.Check(writes.Count == 0, "the cluster changed: " + string.Join(", ", writes.Select(w => w.Method + " " + w.Path)));
            Volatile.Write(ref down, 0);

            var again = await sandbox.RunAsync(sandbox.ToCluster(Backup, "f16"), location, records);

            if (probe.Check(again.Error is null && again.Phase == RestorePhase.Completed, $"the same name after storage came back: {again.Error?.Message ?? again.Phase}"))
            {
                probe.Observe("Once storage was back, a restore with the same name ran and Completed");
            }

            sandbox.CheckNothingOutside("f16");
        });

    /// <summary>Record and log writes fail for the first 60 % of the items, then storage comes back.</summary>
    private static ReliabilityCase StorageFlaky() => new(
        "F07",
        Category,
        "the storage location fails every record and log write for the first 60 % of the items, then comes back",
        "The restore goes on; the failure is reported (result and log); once storage is back the record, log and results are written there",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, ConfigMapCount));
            sandbox.SnapshotFiles();
            sandbox.Server!.Knobs.Latency = TimeSpan.FromMilliseconds(10);
            using var location = sandbox.OpenLocation();
            var failing = 1;
            var started = 0;
            var records = new FaultyObjectStore(location.Store)
            {
                // The claim and the first record go through (the restore starts), then writes fail.
                OnWrite = key => Interlocked.Increment(ref started) > 2 && Volatile.Read(ref failing) == 1
                    ? new StorageException(StorageErrorKind.Unreachable, "s3://velero-backups", $"The connection to https://s3.example.test failed while writing '{key}': Connection refused", key)
                    : null,
            };
            var request = sandbox.ToCluster(Backup, "f07");
            request.Parallel = 4;
            var done = 0;

            var capture = await sandbox.RunAsync(request, location, records, onItem: (_, _) =>
            {
                if (Interlocked.Increment(ref done) == (ConfigMapCount * 6) / 10)
                {
                    Volatile.Write(ref failing, 0);
                }
            });

            CheckAccounted(probe, sandbox, capture, expectCreated: ConfigMapCount + 1);
            var problems = capture.Result?.StorageProblems ?? Array.Empty<string>();
            probe.Check(records.WritesRefused > 0, "no record write was refused: the fault did not happen");
            if (probe.Check(problems.Any(p => p.Contains("the restore goes on", StringComparison.Ordinal)), "the storage failure is not reported in the result"))
            {
                probe.Observe("Reported: " + problems.First(p => p.Contains("the restore goes on", StringComparison.Ordinal)));
            }

            probe.Check(capture.StoredLog?.Contains("can be written again", StringComparison.Ordinal) == true, "the log does not say storage came back");
            probe.Check(capture.StoredLog?.Contains("the restore goes on", StringComparison.Ordinal) == true, "the stored log does not mention the storage failure");
            probe.Check(capture.Result?.FallbackDirectory is null, "the files went to a local fallback although storage came back");
            if (probe.Check(capture.StoredRecord?.Phase == RestorePhase.Completed && capture.StoredRecord.ItemsRestored == ConfigMapCount + 1, $"the stored record is {capture.StoredRecord?.Phase} with {capture.StoredRecord?.ItemsRestored} items"))
            {
                probe.Observe("The stored record is Completed with every item; the log says storage can be written again");
            }

            sandbox.CheckNothingOutside("f07");
        });

    /// <summary>Storage stays down after the claim: the files go to a local folder and the user is told where.</summary>
    private static ReliabilityCase StorageDown() => new(
        "F08",
        Category,
        "the storage location fails every write after the restore claimed its name, to the end",
        "The restore goes on and completes; the record, log and results are kept in a local folder and the user is told where",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 30));
            sandbox.SnapshotFiles();
            using var location = sandbox.OpenLocation();
            var started = 0;
            var records = new FaultyObjectStore(location.Store)
            {
                // The claim and the first record go through (the restore starts), then every write fails.
                OnWrite = key => Interlocked.Increment(ref started) <= 2 ? null : new StorageException(StorageErrorKind.AccessDenied, "s3://velero-backups", $"Access to '{key}' in bucket 'velero-backups' was denied", key),
            };

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, "f08"), location, records);

            CheckAccounted(probe, sandbox, capture, expectCreated: 31, storedOutcomes: false);
            var fallback = capture.Result?.FallbackDirectory;
            if (!probe.Check(fallback is not null && fallback.StartsWith(sandbox.FallbackFolder, StringComparison.Ordinal), $"no local fallback folder: {fallback}"))
            {
                return;
            }

            probe.Mask(fallback, "<fallback folder>");
            var told = sandbox.EngineLog.Warnings.FirstOrDefault(w => w.Contains(fallback!, StringComparison.Ordinal));
            if (probe.Check(told is not null, "the user is not told where the files are"))
            {
                probe.Observe("Told: " + told);
            }

            using var local = new LocalFolderObjectStore(fallback!);
            var record = await new RestoreRecordStore(local, new ObjectStoreLayout(string.Empty)).GetAsync("f08", CancellationToken.None);
            if (probe.Check(record?.Phase == RestorePhase.Completed && record.ItemsRestored == 31, $"the fallback record is {record?.Phase} with {record?.ItemsRestored} items"))
            {
                probe.Observe("The fallback folder holds the Completed record, the log, the results and the item outcomes");
            }

            sandbox.CheckNothingOutside(new[] { "f08" }, allowFallback: true);
        });

    /// <summary>Canceled before the restore starts: nothing is claimed or written.</summary>
    private static ReliabilityCase CancelBeforeStart() => new(
        "F09",
        Category,
        "cancellation before the restore starts (the token is already canceled)",
        "OperationCanceledException; nothing claimed, written or changed",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 10));
            sandbox.SnapshotFiles();
            using var canceled = new CancellationTokenSource();
            canceled.Cancel();

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, "f09"), cancellationToken: canceled.Token, verify: false);

            probe.Observe($"{capture.Error?.GetType().Name ?? "no exception"}");
            probe.Check(capture.Error is OperationCanceledException, $"expected OperationCanceledException, got {capture.Error?.GetType().Name}");
            StorageCases.NothingStored(probe, sandbox);
        });

    /// <summary>Cancel after <paramref name="after"/> finished items, check the record, then rerun under a new name.</summary>
    private static ReliabilityCase CancelAndRerun(string id, int after) => new(
        id,
        Category,
        $"cancellation after {after} of {ConfigMapCount + 1} items, then a rerun",
        "The record is consistent (Failed, canceled, counts equal the item outcomes); the rerun creates the rest and skips what exists; no object created twice; 0 items lost",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, ConfigMapCount));
            sandbox.SnapshotFiles();
            var server = sandbox.Server!;
            server.Knobs.Latency = TimeSpan.FromMilliseconds(3);
            using var cts = new CancellationTokenSource();
            var first = sandbox.ToCluster(Backup, id.ToLowerInvariant());
            first.Parallel = 8;
            var done = 0;

            var capture = await sandbox.RunAsync(first, cancellationToken: cts.Token, onItem: (_, _) =>
            {
                if (Interlocked.Increment(ref done) == after)
                {
                    cts.Cancel();
                }
            });

            var record = capture.StoredRecord;
            var outcomes = capture.StoredOutcomes;
            probe.Check(capture.Error is null, $"the canceled run threw {capture.Error?.GetType().Name}: {capture.Error?.Message}");
            probe.Check(record is { Phase: RestorePhase.Failed, Canceled: true }, $"the stored record is {record?.Phase}, canceled {record?.Canceled}");
            probe.Check(record is not null && record.ItemsRestored == outcomes.Count && record.ItemsRestored == capture.Callbacks.Count, $"record says {record?.ItemsRestored} items, outcomes {outcomes.Count}, callbacks {capture.Callbacks.Count}");
            probe.Check(record?.FailureReason == $"canceled by the user after {record?.ItemsRestored} of {record?.TotalItems} items", $"failure reason: {record?.FailureReason}");
            probe.Check(outcomes.Where(o => o.Action == ItemRestoreAction.Created && o.Kind == "ConfigMap").All(o => server.Store.Get("configmaps", o.Namespace, o.Name) is not null), "an item recorded Created is not in the cluster");
            probe.Check(outcomes.Count >= after, $"only {outcomes.Count} outcomes after {after} callbacks");
            probe.Observe($"Canceled run: Failed, canceled, its counts equal its item outcomes (\"canceled by the user after N of {ConfigMapCount + 1} items\")");
            // A create in flight at the cancel may still commit on the server (as on a real cluster): count once it is idle.
            await server.WaitUntilIdleAsync(TimeSpan.FromSeconds(10));
            var createdFirst = server.Store.Count("configmaps", "shop");

            var rerun = await sandbox.RunAsync(sandbox.ToCluster(Backup, id.ToLowerInvariant() + "-rerun"));

            var configMaps = rerun.StoredOutcomes.Where(o => o.Kind == "ConfigMap").ToList();
            probe.Check(rerun.Phase == RestorePhase.Completed, $"the rerun ended {rerun.Phase}: {rerun.Record?.FailureReason}");
            probe.Check(configMaps.Count == ConfigMapCount, $"the rerun has {configMaps.Count} ConfigMap outcomes");
            probe.Check(configMaps.Count(o => o.Action == ItemRestoreAction.Skipped) == createdFirst, $"the rerun skipped {configMaps.Count(o => o.Action == ItemRestoreAction.Skipped)}, expected the {createdFirst} created before the cancel");
            probe.Check(configMaps.Count(o => o.Action == ItemRestoreAction.Created) == ConfigMapCount - createdFirst, "the rerun did not create exactly the rest");
            probe.Observe("Rerun: Completed; skipped exactly the objects created before the cancel (\"already exists and is the same\"), created the rest");
            probe.ItemsLost = CountLostInCluster(probe, server, ConfigMapCount);
            CheckCreatedOnce(probe, server);
            sandbox.CheckNothingOutside(id.ToLowerInvariant(), id.ToLowerInvariant() + "-rerun");
        });

    /// <summary>Two New-Restore calls with the same name at the same moment.</summary>
    private static ReliabilityCase SameNameTwice() => new(
        "F13",
        Category,
        "two restores with the same name start at the same moment",
        "Exactly one runs; the other gets `NewRestoreNameInUse` (ResourceExists) before touching the cluster; no object created twice",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 40));
            sandbox.SnapshotFiles();
            var server = sandbox.Server!;
            server.Knobs.Latency = TimeSpan.FromMilliseconds(2);
            using var start = new ManualResetEventSlim();
            var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await sandbox.RunAsync(sandbox.ToCluster(Backup, "f13"));
            })).ToList();
            start.Set();
            var captures = await Task.WhenAll(runs);

            var winners = captures.Where(c => c.Result is not null).ToList();
            var losers = captures.Where(c => c.Error is not null).ToList();
            probe.Check(winners.Count == 1 && losers.Count == 1, $"{winners.Count} ran, {losers.Count} refused");
            var (errorId, category) = losers.Count == 1 ? CmdletErrors.For("NewRestore", losers[0].Error!) : ("none", "none");
            probe.Check(errorId == "NewRestoreNameInUse" && category == "ResourceExists", $"the loser got {errorId} ({category}): {losers.FirstOrDefault()?.Error?.Message}");
            probe.Observe($"One ran ({winners.FirstOrDefault()?.Phase}); the other got `{errorId}` ({category}): {losers.FirstOrDefault()?.Error?.Message}");
            probe.Check(winners.Count == 1 && winners[0].Phase == RestorePhase.Completed && winners[0].Record!.ItemsRestored == 41, "the winner did not restore everything");
            probe.ItemsLost = CountLostInCluster(probe, server, 40);
            CheckCreatedOnce(probe, server);
            sandbox.CheckNothingOutside("f13");
        });

    /// <summary>RBAC forbids creating Secrets: those fail with the reason, the rest completes.</summary>
    private static ReliabilityCase Forbidden() => new(
        "F14",
        Category,
        "the cluster denies creating Secrets (403) while the backup holds 10 Secrets and 60 ConfigMaps",
        "The Secrets fail with the server's reason; the ConfigMaps are created; phase PartiallyFailed with the reason",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            var backup = Backups.ConfigMaps(Backup, 60);
            for (var i = 1; i <= 10; i++)
            {
                backup.AddItem("secrets", "shop", $"secret-{i}", $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"secret-{{{i}}}","namespace":"shop"},"type":"Opaque","data":{"k":"dmFsdWU="}}""");
            }

            await sandbox.WriteBackupAsync(backup);
            sandbox.SnapshotFiles();
            var server = sandbox.Server!;
            server.Knobs.Forbid("secrets", verb: "create");

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, "f14"));

            // Which Secret failed first depends on the order parallel items finished in.
            probe.MaskPattern(@"secret-\d+", "secret-N");
            var secrets = capture.StoredOutcomes.Where(o => o.Kind == "Secret").ToList();
            var configMaps = capture.StoredOutcomes.Where(o => o.Kind == "ConfigMap").ToList();
            probe.Observe($"Restore {capture.Phase}: {capture.OutcomeSummary()}");
            probe.Check(capture.Phase == RestorePhase.PartiallyFailed, $"phase {capture.Phase}");
            probe.Check(secrets.Count == 10 && secrets.All(o => o.Action == ItemRestoreAction.Failed && o.Message?.Contains("forbidden", StringComparison.Ordinal) == true), "not every Secret failed with the forbidden reason");
            probe.Check(configMaps.Count == 60 && configMaps.All(o => o.Action == ItemRestoreAction.Created), "not every ConfigMap was created");
            var reason = capture.StoredRecord?.FailureReason ?? string.Empty;
            probe.Check(reason.Contains("forbidden", StringComparison.Ordinal) && reason.StartsWith("10 errors", StringComparison.Ordinal), $"the failure reason does not say why: {reason}");
            probe.Observe("Reason: " + probe.Short(reason));
            probe.Check(server.Store.Count("secrets", "shop") == 0, "a Secret was created");
            probe.ItemsLost = CountLostInCluster(probe, server, 60);
            CheckCounts(probe, capture);
            sandbox.CheckNothingOutside("f14");
        });

    /// <summary>The API server does not answer at all.</summary>
    private static ReliabilityCase Unreachable() => new(
        "F15",
        Category,
        "the cluster is unreachable (connection refused)",
        "The target ends Failed with a reason naming the server; the record is written; nothing else changes",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5));
            var port = FreePort();
            var kubeconfig = File.ReadAllText(sandbox.KubeconfigPath!).Replace(sandbox.Server!.Server, $"https://127.0.0.1:{port}", StringComparison.Ordinal);
            File.WriteAllText(sandbox.KubeconfigPath!, kubeconfig);
            probe.Mask($"127.0.0.1:{port}", "<closed port>");
            sandbox.SnapshotFiles();
            KubernetesClientOptions.TestOverrides.Value = o => o.MaxRetries = 1;

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, "f15"));

            var reason = capture.StoredRecord?.FailureReason ?? string.Empty;
            probe.Observe($"Restore {capture.StoredRecord?.Phase}: {probe.Short(reason)}");
            probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}");
            probe.Check(capture.StoredRecord?.Phase == RestorePhase.Failed, $"the stored record's phase is {capture.StoredRecord?.Phase}");
            probe.Check(reason.Contains("could not connect", StringComparison.Ordinal) && reason.Contains($"127.0.0.1:{port}", StringComparison.Ordinal), "the reason does not name the server");
            probe.Check(sandbox.Server!.Journal.Count == 0, "the real server was contacted");
            sandbox.CheckNothingOutside("f15");
        });

    /// <summary>Every item has an outcome, counts add up, everything Created is in the cluster once.</summary>
    private static void CheckAccounted(CaseProbe probe, RestoreSandbox sandbox, RunCapture capture, int expectCreated, bool storedOutcomes = true, bool expectFaults = false)
    {
        var server = sandbox.Server!;
        if (!probe.Check(capture.Error is null && capture.Result is not null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}"))
        {
            return;
        }

        var outcomes = storedOutcomes ? capture.StoredOutcomes : capture.Callbacks;
        var record = capture.Result!.Record;
        var created = outcomes.Count(o => o.Action == ItemRestoreAction.Created);
        probe.Observe($"Restore {record.Phase}: {created} created, {outcomes.Count(o => o.Action == ItemRestoreAction.Failed)} failed; record {record.ItemsRestored} of {record.TotalItems} items, {record.Errors} errors");
        probe.Check(record.Phase == RestorePhase.Completed, $"phase {record.Phase}: {record.FailureReason}");
        probe.Check(created == expectCreated, $"{created} created, expected {expectCreated}: " + string.Join("; ", outcomes.Where(o => o.Action != ItemRestoreAction.Created).Take(3).Select(o => $"{o.Name} {o.Action} {o.Message}")));
        CheckCounts(probe, capture, outcomes);
        probe.ItemsLost = CountLostInCluster(probe, server, expectCreated - 1);
        CheckCreatedOnce(probe, server);
        if (expectFaults && probe.Check(server.Journal.Entries.Any(e => e.Fault is not null), "no fault was injected: the case proves nothing"))
        {
            probe.Observe("Faults were injected and retried");
        }
    }

    /// <summary>The record's counters agree with the item outcomes; every failure has a reason.</summary>
    private static void CheckCounts(CaseProbe probe, RunCapture capture, IReadOnlyCollection<RestoreItemOutcome>? outcomes = null)
    {
        outcomes ??= capture.StoredOutcomes;
        var record = capture.Result?.Record ?? capture.StoredRecord;
        if (record is null)
        {
            probe.Violation("no record");
            return;
        }

        var sum = outcomes.Count(o => o.Action is ItemRestoreAction.Created or ItemRestoreAction.Updated or ItemRestoreAction.Skipped or ItemRestoreAction.Failed);
        var ok = probe.Check(record.ItemsRestored == record.TotalItems && record.TotalItems == outcomes.Count && sum == outcomes.Count, $"counts do not add up: record {record.ItemsRestored} of {record.TotalItems}, {outcomes.Count} outcomes")
            & probe.Check(record.Targets.Sum(t => t.ItemsRestored) == record.ItemsRestored, "target counts do not add up")
            & probe.Check(outcomes.Where(o => o.Action == ItemRestoreAction.Failed).All(o => !string.IsNullOrEmpty(o.Message)), "a failed item has no reason")
            & probe.Check(record.Errors == outcomes.Count(o => o.Action == ItemRestoreAction.Failed), $"{record.Errors} errors for {outcomes.Count(o => o.Action == ItemRestoreAction.Failed)} failed items");
        if (ok)
        {
            probe.Observe("Counts add up (created + updated + skipped + failed = items restored = total; errors = failed items, each with a reason)");
        }
    }

    /// <summary>Backup ConfigMaps <c>cm-1..cm-N</c> of namespace shop that are not in the cluster with their backed-up data.</summary>
    private static int CountLostInCluster(CaseProbe probe, TestApiServer.TestApiServer server, int count)
    {
        var lost = 0;
        for (var i = 1; i <= count; i++)
        {
            var live = server.Store.Get("configmaps", "shop", $"cm-{i}");
            var value = live?["data"]?["k"]?.ToString();
            if (value != "value-" + i)
            {
                lost++;
                probe.Violation($"cm-{i} is {(live is null ? "missing from" : "different in")} the cluster");
            }
        }

        return lost;
    }

    /// <summary>Each ConfigMap in the cluster was created by exactly one successful POST; nothing was deleted.</summary>
    private static void CheckCreatedOnce(CaseProbe probe, TestApiServer.TestApiServer server)
    {
        var posts = server.Journal.Where(e => e.Method == "POST" && e.Resource == "configmaps" && e.StatusCode == 201).Count;
        var deletes = server.Journal.Where(e => e.Method == "DELETE").Count;
        if (probe.Check(posts == server.Store.Count("configmaps", "shop") && deletes == 0, $"{posts} successful creates for {server.Store.Count("configmaps", "shop")} ConfigMaps, {deletes} deletes"))
        {
            probe.Observe("Every ConfigMap is in the cluster with its backed-up data, created exactly once; nothing deleted");
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

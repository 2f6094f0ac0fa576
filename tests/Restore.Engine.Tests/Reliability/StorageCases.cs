using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Restore.Engine.Execution;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Reliability;

/// <summary>A broken or hostile storage location, met by <c>RestoreEngine.RunAsync</c>.</summary>
internal static class StorageCases
{
    private const string Category = "Storage";
    private const string Backup = "nightly";
    private const string Restore = "r-storage";

    public static IEnumerable<ReliabilityCase> All()
    {
        yield return new ReliabilityCase(
            "S01",
            Category,
            "the storage location's folder does not exist",
            "A storage error naming the folder; the folder is not created; nothing written",
            async probe =>
            {
                await using var sandbox = await RestoreSandbox.CreateAsync(probe);
                var missing = Path.Combine(sandbox.Root, "missing");
                sandbox.SnapshotFiles();
                using var location = StorageLocation.Open(new StorageLocationOptions { Location = missing }, sandbox.EngineLog);

                var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore), location);

                NotStarted(probe, sandbox, capture, StorageErrorKind.LocationNotFound, "missing");
                probe.Check(!Directory.Exists(missing), "the missing storage folder was created");
            });

        yield return Injected(
            "S02",
            "the bucket does not exist (every request answers NoSuchBucket)",
            "A storage error naming the bucket; nothing written",
            store => store.OnRead = _ => new StorageException(StorageErrorKind.LocationNotFound, "s3://velero-backups", "The bucket 'velero-backups' does not exist at https://s3.example.test."),
            StorageErrorKind.LocationNotFound,
            "velero-backups");

        yield return Injected(
            "S03",
            "access denied when reading the backup's metadata",
            "A storage error saying access was denied and to what; nothing written",
            store => store.OnRead = key => key.StartsWith("backups/", StringComparison.Ordinal) && key.EndsWith("velero-backup.json", StringComparison.Ordinal)
                ? new StorageException(StorageErrorKind.AccessDenied, "s3://velero-backups", $"Access to '{key}' in bucket 'velero-backups' was denied for access key AKIAREADONLY: AccessDenied", key)
                : null,
            StorageErrorKind.AccessDenied,
            "velero-backup.json");

        yield return new ReliabilityCase(
            "S04",
            Category,
            "access denied when writing: the restore cannot claim its name under `restores/`",
            "A storage error before any cluster change; no record; the cluster untouched",
            async probe =>
            {
                await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
                await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5));
                sandbox.SnapshotFiles();
                FaultyObjectStore? faulty = null;
                using var location = sandbox.OpenLocation(inner => faulty = new FaultyObjectStore(inner)
                {
                    OnWrite = key => new StorageException(StorageErrorKind.AccessDenied, "s3://velero-backups", $"Access to '{key}' in bucket 'velero-backups' was denied for access key AKIAREADONLY: AccessDenied", key),
                });

                var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, Restore), location);

                NotStarted(probe, sandbox, capture, StorageErrorKind.AccessDenied, "restores/" + Restore);
                probe.Check(faulty!.WritesDone == 0, $"{faulty.WritesDone} writes went through");
            });

        yield return new ReliabilityCase(
            "S05",
            Category,
            "the tarball's download breaks in the middle (connection reset after 4 KiB)",
            "The restore ends Failed with a reason naming the tarball; nothing restored; the record is written",
            async probe =>
            {
                await using var sandbox = await RestoreSandbox.CreateAsync(probe);
                await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 50, padding: 200));
                sandbox.SnapshotFiles();
                using var location = sandbox.OpenLocation(inner => new FaultyObjectStore(inner)
                {
                    BreakStream = (key => key.EndsWith(".tar.gz", StringComparison.Ordinal), 4096, key => new StorageException(StorageErrorKind.Unreachable, "s3://velero-backups", $"The connection to https://s3.example.test broke while reading '{key}': Connection reset by peer", key)),
                });

                var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore), location);

                StartedButFailed(probe, sandbox, capture, "backups/nightly/nightly.tar.gz");
            });

        yield return new ReliabilityCase(
            "S06",
            Category,
            "the tarball disappears between reading the metadata and opening it",
            "The restore ends Failed with a reason naming the missing tarball; the record is written",
            async probe =>
            {
                await using var sandbox = await RestoreSandbox.CreateAsync(probe);
                await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5));
                sandbox.SnapshotFiles();
                using var location = sandbox.OpenLocation(inner => new FaultyObjectStore(inner)
                {
                    OnRead = key => key.EndsWith(".tar.gz", StringComparison.Ordinal) ? new ObjectNotFoundException("s3://velero-backups", key) : null,
                });

                var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore), location);

                StartedButFailed(probe, sandbox, capture, "nightly.tar.gz");
            });

        yield return new ReliabilityCase(
            "S07",
            Category,
            "a corrupt `velero-backup.json` (not JSON)",
            "A validation error naming the file and the problem; nothing written to storage",
            async probe =>
            {
                await using var sandbox = await RestoreSandbox.CreateAsync(probe);
                await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5).WithMetadataJson("{\"apiVersion\":\"velero.io/v1\",\"kind\":\"Backup\",\"metadata\":{\"name\":"));
                sandbox.SnapshotFiles();

                var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore));

                var error = capture.Error as RestoreValidationException;
                probe.Check(error?.Problem == RestoreValidationProblem.BackupNotFound, $"expected a BackupNotFound validation error, got {capture.Error?.GetType().Name} {(capture.Error as RestoreValidationException)?.Problem}");
                probe.Check(error?.Message.Contains("velero-backup.json", StringComparison.Ordinal) == true && error.Message.Contains("JSON", StringComparison.Ordinal), $"the error does not name the file and problem: {capture.Error?.Message}");
                probe.Observe($"{capture.Error?.GetType().Name} ({error?.Problem}): {capture.Error?.Message}");
                NothingStored(probe, sandbox);
            });

        foreach (var (id, phase) in new[] { ("S08", "Failed"), ("S09", "InProgress"), ("S10", "PartiallyFailed") })
        {
            yield return new ReliabilityCase(
                id,
                Category,
                $"a backup whose phase is {phase}",
                "Restored as Velero does (a named backup's phase is not checked), with a warning that names the phase in the log and results",
                async probe =>
                {
                    await using var sandbox = await RestoreSandbox.CreateAsync(probe);
                    await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5).WithPhase(phase).WithErrors(phase == "Completed" ? 0 : 2));
                    sandbox.SnapshotFiles();

                    var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore));

                    if (!probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}"))
                    {
                        return;
                    }

                    probe.Observe($"Restore {capture.Phase}: {capture.OutcomeSummary()}");
                    var warning = capture.StoredResults?.Warnings.All().Select(m => m.Text).FirstOrDefault(t => t.Contains(phase, StringComparison.Ordinal));
                    if (probe.Check(warning is not null, "no warning names the backup's phase " + phase))
                    {
                        probe.Observe("Warning: " + warning);
                    }

                    probe.ItemsLost = ArchiveCases.CountLostInFolder(probe, sandbox, capture, Enumerable.Range(1, 5).Select(i => $"cm-{i}").ToList());
                    sandbox.CheckNothingOutside(Restore);
                });
        }

        yield return new ReliabilityCase(
            "S11",
            Category,
            "the backup has no tarball (a failed backup)",
            "The restore ends Failed with a reason naming the missing tarball and the backup's phase",
            async probe =>
            {
                await using var sandbox = await RestoreSandbox.CreateAsync(probe);
                await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5).WithPhase("Failed").WithoutTarball());
                sandbox.SnapshotFiles();

                var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore));

                StartedButFailed(probe, sandbox, capture, "nightly.tar.gz");
            });

        yield return new ReliabilityCase(
            "S12",
            Category,
            "a corrupt optional file: the volume info is not gzip",
            "The restore ends Failed with a reason naming the file; nothing restored",
            async probe =>
            {
                await using var sandbox = await RestoreSandbox.CreateAsync(probe);
                await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5));
                File.WriteAllText(Path.Combine(sandbox.StorageFolder, "backups", Backup, Backup + "-volumeinfo.json.gz"), "this is not gzip");
                sandbox.SnapshotFiles();

                var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore));

                StartedButFailed(probe, sandbox, capture, "nightly-volumeinfo.json.gz");
            });
    }

    /// <summary>A case whose location's store is decorated by <paramref name="configure"/>; the restore must not start.</summary>
    private static ReliabilityCase Injected(string id, string description, string expected, Action<FaultyObjectStore> configure, StorageErrorKind kind, string mustName) => new(
        id,
        Category,
        description,
        expected,
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 5));
            sandbox.SnapshotFiles();
            using var location = sandbox.OpenLocation(inner =>
            {
                var faulty = new FaultyObjectStore(inner);
                configure(faulty);
                return faulty;
            });

            var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore), location);

            NotStarted(probe, sandbox, capture, kind, mustName);
        });

    /// <summary>The restore refused to start with a storage error: nothing stored, no cluster change.</summary>
    private static void NotStarted(CaseProbe probe, RestoreSandbox sandbox, RunCapture capture, StorageErrorKind kind, string mustName)
    {
        var error = capture.Error as StorageException ?? capture.Error?.InnerException as StorageException;
        probe.Observe($"{capture.Error?.GetType().Name ?? "no error"} ({error?.Kind.ToString() ?? "-"}): {capture.Error?.Message}");
        probe.Check(error?.Kind == kind, $"expected a {kind} storage error, got {capture.Error?.GetType().Name}: {capture.Error?.Message}");
        probe.Check(capture.Error?.Message.Contains(mustName, StringComparison.Ordinal) == true, $"the error does not name '{mustName}'");
        NothingStored(probe, sandbox);
    }

    internal static void NothingStored(CaseProbe probe, RestoreSandbox sandbox)
    {
        var restores = Path.Combine(sandbox.StorageFolder, "restores");
        var stored = Directory.Exists(restores) ? Directory.GetFileSystemEntries(restores, "*", SearchOption.AllDirectories) : Array.Empty<string>();
        var writes = sandbox.ClusterWrites();
        if (probe.Check(stored.Length == 0, "written to storage: " + string.Join(", ", stored.Select(s => s.Substring(sandbox.Root.Length))))
            & probe.Check(writes.Count == 0, "cluster changed: " + string.Join(", ", writes.Select(w => $"{w.Method} {w.Path}")))
            & probe.Check(sandbox.TargetFiles().Count == 0, "files written to the target folder"))
        {
            probe.Observe("Nothing written to storage, the cluster or the target");
        }

        sandbox.CheckNothingOutside(Array.Empty<string>(), allowFallback: false);
    }

    /// <summary>The restore started, could not read the backup, ended Failed with a reason naming <paramref name="mustName"/>.</summary>
    private static void StartedButFailed(CaseProbe probe, RestoreSandbox sandbox, RunCapture capture, string mustName)
    {
        if (!probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}"))
        {
            probe.Observe($"{capture.Error?.GetType().Name}: {capture.Error?.Message}");
            return;
        }

        var reason = capture.StoredRecord?.FailureReason ?? string.Empty;
        probe.Observe($"Restore {capture.StoredRecord?.Phase ?? "without a stored record"}: {reason}");
        probe.Check(capture.StoredRecord?.Phase == RestorePhase.Failed, $"the stored record's phase is {capture.StoredRecord?.Phase ?? "missing"}, expected Failed");
        probe.Check(reason.Contains(mustName, StringComparison.Ordinal), $"the failure reason does not name '{mustName}'");
        probe.Check(!reason.Contains("unexpected error", StringComparison.Ordinal), "a storage failure is reported as an unexpected error (a defect), not as what it is");
        probe.Check(sandbox.TargetFiles().Count == 0, "items were restored from an unreadable backup");
        sandbox.CheckNothingOutside(Restore);
    }
}

/// <summary>Ordinary backups for the cases.</summary>
internal static class Backups
{
    /// <summary>A Completed backup of namespace <c>shop</c> with ConfigMaps <c>cm-1..cm-N</c> (each padded with <paramref name="padding"/> bytes of data).</summary>
    public static VeleroBackupBuilder ConfigMaps(string name, int count, int padding = 0, string ns = "shop")
    {
        var builder = new VeleroBackupBuilder(name)
            .WithProgress(count + 1, count + 1)
            .AddItem("namespaces", string.Empty, ns, $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        for (var i = 1; i <= count; i++)
        {
            builder.AddItem("configmaps", ns, $"cm-{i}", ArchiveForge.ConfigMapJson($"cm-{i}", ns, "value-" + i + Noise(i, padding)));
        }

        return builder;
    }

    /// <summary>Hex that does not compress, the same every run.</summary>
    private static string Noise(int seed, int length)
    {
        var random = new Random(seed);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = "0123456789abcdef"[random.Next(16)];
        }

        return new string(chars);
    }
}

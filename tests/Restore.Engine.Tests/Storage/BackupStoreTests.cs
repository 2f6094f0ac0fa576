using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

[Collection(S3rverFixture.Collection)]
public class BackupStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTime T0 = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);
    private readonly S3rverFixture s3;

    public BackupStoreTests(S3rverFixture s3) => this.s3 = s3;

    private async Task<(TestStorage Storage, StorageLocation Location, BackupStore Store)> Create(string kind, string prefix = "", IEngineLog? log = null)
    {
        var storage = await TestStorage.CreateAsync(kind, s3, kind == TestStorage.S3 ? prefix : string.Empty);
        var location = storage.Open(log);
        return (storage, location, new BackupStore(location, log));
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task ReadsEveryFieldOfTheBackupObject(string kind)
    {
        var (storage, location, store) = await Create(kind, "/team-a/");
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("nightly-20250301100000")
                .WithSchedule("nightly")
                .WithPhase("PartiallyFailed")
                .WithStartTimestamp(T0)
                .WithCompletionTimestamp(T0.AddMinutes(3))
                .WithCreationTimestamp(T0.AddSeconds(-5))
                .WithExpiration(T0.AddDays(30))
                .WithErrors(2)
                .WithWarnings(7)
                .WithProgress(12, 11)
                .WithIncludedNamespaces("shop", "web")
                .WithExcludedNamespaces("kube-system")
                .WithIncludedResources("*")
                .WithExcludedResources("events")
                .WithFailureReason("two items failed")
                .AddItem("pods", "shop", "p", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"));

            var backup = await store.GetBackupAsync("nightly-20250301100000", None);

            Assert.Equal("nightly-20250301100000", backup.Name);
            Assert.Equal("velero", backup.Namespace);
            Assert.Equal("PartiallyFailed", backup.Phase);
            Assert.Equal("nightly", backup.Schedule);
            Assert.Equal(T0, backup.StartTimestamp);
            Assert.Equal(DateTimeKind.Utc, backup.StartTimestamp!.Value.Kind);
            Assert.Equal(T0.AddMinutes(3), backup.CompletionTimestamp);
            Assert.Equal(T0.AddSeconds(-5), backup.CreationTimestamp);
            Assert.Equal(T0.AddDays(30), backup.Expiration);
            Assert.Equal((2, 7), (backup.Errors, backup.Warnings));
            Assert.Equal((12, 11), (backup.TotalItems, backup.ItemsBackedUp));
            Assert.Equal(new[] { "shop", "web" }, backup.IncludedNamespaces);
            Assert.Equal(new[] { "kube-system" }, backup.ExcludedNamespaces);
            Assert.Equal(new[] { "*" }, backup.IncludedResources);
            Assert.Equal(new[] { "events" }, backup.ExcludedResources);
            Assert.Equal("default", backup.BackupStorageLocation);
            Assert.Equal("1.1.0", backup.FormatVersion);
            Assert.Equal(1, backup.Version);
            Assert.Equal("v1.31.4", backup.SourceClusterVersion);
            Assert.Equal("720h0m0s", backup.Ttl);
            Assert.Equal("two items failed", backup.FailureReason);
            Assert.Equal("nightly", backup.Labels["velero.io/schedule-name"]);
            var view = BackupInfo.From(backup, storage.Options);
            Assert.Equal(storage.Options.Location, view.StorageLocation);
            Assert.Equal(kind == TestStorage.S3 ? storage.Options.Endpoint : null, view.Endpoint);
            Assert.True(backup.IsTerminal);
        }
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task ListsUsableBackupsNewestFirstAndSkipsFoldersWithoutMetadata(string kind)
    {
        var log = new ListLog();
        var (storage, location, store) = await Create(kind, log: log);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("old").WithStartTimestamp(T0));
            await storage.WriteAsync(new VeleroBackupBuilder("new").WithStartTimestamp(T0.AddHours(1)));
            await storage.WriteAsync(new VeleroBackupBuilder("middle").WithStartTimestamp(T0.AddMinutes(30)));
            await storage.WriteAsync(new VeleroBackupBuilder("half-uploaded").WithoutMetadata());

            var backups = await store.ListBackupsAsync(None);

            Assert.Equal(new[] { "new", "middle", "old" }, backups.Select(b => b.Name));
            Assert.Equal(new[] { "half-uploaded", "middle", "new", "old" }, await store.ListBackupNamesAsync(None));
            var warning = Assert.Single(log.Entries, e => e.Level == EngineLogLevel.Warning);
            Assert.Contains("half-uploaded", warning.Message, StringComparison.Ordinal);
            Assert.Contains("no velero-backup.json", warning.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task AMissingBackupAndAFolderWithoutMetadataGetDifferentMessages(string kind)
    {
        var (storage, location, store) = await Create(kind);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("partial").WithoutMetadata());

            var missing = await Assert.ThrowsAsync<BackupNotFoundException>(() => store.GetBackupAsync("nope", None));
            var partial = await Assert.ThrowsAsync<BackupNotFoundException>(() => store.GetBackupAsync("partial", None));
            var invalid = await Assert.ThrowsAsync<BackupNotFoundException>(() => store.GetBackupAsync("../etc", None));
            await Assert.ThrowsAsync<BackupNotFoundException>(() => store.GetBackupAsync("c:backup", None));
            await Assert.ThrowsAsync<BackupNotFoundException>(() => store.OpenTarballAsync("a\\b", None));

            Assert.Contains("There is no backup named 'nope'", missing.Message, StringComparison.Ordinal);
            Assert.Contains("backups/partial/", partial.Message, StringComparison.Ordinal);
            Assert.Contains("has no velero-backup.json", partial.Message, StringComparison.Ordinal);
            Assert.Equal(("nope", "partial"), (missing.BackupName, partial.BackupName));
            Assert.Contains("not a valid backup name", invalid.Message, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string> BadMetadata() => new()
    {
        { "{not json", "not valid JSON" },
        { "[]", "not a JSON object" },
        { "{\"apiVersion\":\"velero.io/v1\"}", "'kind' or 'apiVersion' is missing" },
        { "{\"kind\":\"Backup\"}", "'kind' or 'apiVersion' is missing" },
        { "{\"kind\":\"Restore\",\"apiVersion\":\"velero.io/v1\"}", "not a velero.io/v1 Backup" },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public async Task MetadataThatIsNotAVeleroBackupIsInvalid(string json, string expected)
    {
        var (storage, location, store) = await Create(TestStorage.Local);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("bad").WithMetadataJson(json));

            var error = await Assert.ThrowsAsync<InvalidBackupException>(() => store.GetBackupAsync("bad", None));

            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.Equal("backups/bad/velero-backup.json", error.Key);
            var problems = new List<StorageException>();
            Assert.Empty(await store.ListBackupsAsync(None, problems.Add));
            Assert.IsType<InvalidBackupException>(Assert.Single(problems));
        }
    }

    [Fact]
    public async Task NullsAndUnknownFieldsAreAccepted()
    {
        var (storage, location, store) = await Create(TestStorage.Local);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("minimal").WithMetadataJson(
                "{\"kind\":\"Backup\",\"apiVersion\":\"velero.io/v1\",\"metadata\":{\"name\":\"other-name\",\"labels\":null,\"futureField\":{}}," +
                "\"spec\":{\"includedNamespaces\":null,\"excludedNamespaces\":[null,\"x\"],\"includeClusterResources\":false}," +
                "\"status\":{\"phase\":\"Finalizing\",\"startTimestamp\":null,\"progress\":null,\"errors\":\"many\"}}"));

            var backup = await store.GetBackupAsync("minimal", None);

            Assert.Equal("minimal", backup.Name);
            Assert.Equal("Finalizing", backup.Phase);
            Assert.False(backup.IsTerminal);
            Assert.Empty(backup.IncludedNamespaces);
            Assert.Equal(new[] { "x" }, backup.ExcludedNamespaces);
            Assert.False(backup.IncludeClusterResources);
            Assert.Null(backup.StartTimestamp);
            Assert.Null(backup.TotalItems);
            Assert.Equal(0, backup.Errors);
            Assert.Null(backup.Schedule);
        }
    }

    private static Backup B(string name, string phase, DateTime? start, string? schedule = "daily") =>
        new() { Name = name, Phase = phase, StartTimestamp = start, Schedule = schedule };

    public static TheoryData<string, object, bool, string?> ScheduleCases() => new()
    {
        // docs/velero-compatibility.md#schedule-selection: an older Completed backup wins over a newer PartiallyFailed one, unless partially failed ones are allowed.
        { "older completed beats newer partially failed", new[] { B("daily-1", "Completed", T0), B("daily-2", "PartiallyFailed", T0.AddDays(1)) }, false, "daily-1" },
        { "allow partially failed picks the newer one", new[] { B("daily-1", "Completed", T0), B("daily-2", "PartiallyFailed", T0.AddDays(1)) }, true, "daily-2" },
        // Item 85: a backup without startTimestamp sorts last.
        { "missing start time sorts last", new[] { B("daily-nostart", "Completed", null), B("daily-1", "Completed", T0) }, false, "daily-1" },
        { "only a backup without start time", new[] { B("daily-nostart", "Completed", null) }, false, "daily-nostart" },
        // Item 95: a stored non-terminal phase (server died while finalizing) is not eligible.
        { "finalizing is not eligible", new[] { B("daily-1", "Completed", T0), B("daily-2", "Finalizing", T0.AddDays(1)), B("daily-3", "WaitingForPluginOperations", T0.AddDays(2)) }, true, "daily-1" },
        { "failed is not eligible", new[] { B("daily-1", "Failed", T0.AddDays(1)), B("daily-0", "Completed", T0) }, true, "daily-0" },
        { "other schedules and manual backups are ignored", new[] { B("weekly-1", "Completed", T0.AddDays(5), "weekly"), B("manual", "Completed", T0.AddDays(6), null), B("daily-1", "Completed", T0) }, false, "daily-1" },
        { "schedule names match exactly", new[] { B("daily-1", "Completed", T0, "Daily") }, false, null },
        { "no completed backup", new[] { B("daily-1", "PartiallyFailed", T0) }, false, null },
        { "none at all", Array.Empty<Backup>(), true, null },
    };

    [Theory]
    [MemberData(nameof(ScheduleCases))]
    public void PicksTheLatestBackupOfAScheduleAsVeleroDoes(string because, object backups, bool allowPartiallyFailed, string? expected)
    {
        Assert.True(expected == BackupStore.SelectLatestForSchedule((Backup[])backups, "daily", allowPartiallyFailed)?.Name, because);
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task FindsTheLatestScheduleBackupInTheStore(string kind)
    {
        var (storage, location, store) = await Create(kind);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("daily-20250301000000").WithSchedule("daily").WithStartTimestamp(T0));
            await storage.WriteAsync(new VeleroBackupBuilder("daily-20250302000000").WithSchedule("daily").WithStartTimestamp(T0.AddDays(1)).WithPhase("PartiallyFailed"));
            await storage.WriteAsync(new VeleroBackupBuilder("weekly-20250303000000").WithSchedule("weekly").WithStartTimestamp(T0.AddDays(2)));

            Assert.Equal("daily-20250301000000", (await store.FindLatestForScheduleAsync("daily", false, None))?.Name);
            Assert.Equal("daily-20250302000000", (await store.FindLatestForScheduleAsync("daily", true, None))?.Name);
            Assert.Null(await store.FindLatestForScheduleAsync("hourly", true, None));
            Assert.Equal(new[] { "daily", "weekly" }, await store.ListScheduleNamesAsync(None));
            // Item 86: a named PartiallyFailed backup is readable like any other; the phase is not checked.
            Assert.Equal("PartiallyFailed", (await store.GetBackupAsync("daily-20250302000000", None)).Phase);
        }
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task OpensTheTarballForStreaming(string kind)
    {
        var (storage, location, store) = await Create(kind);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("b1").AddItem("pods", "a", "p", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"));

            using var tarball = await store.OpenTarballAsync("b1", None);
            var items = new List<BackupItem>();
            await BackupItemScanner.ScanAsync(tarball, null, null, i => items.Add(BackupItem.From("b1", i)), null, null, None);

            Assert.Equal("p", Assert.Single(items).Name);
        }
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task AMissingTarballIsReportedWithThePhase(string kind)
    {
        var (storage, location, store) = await Create(kind);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("failed").WithPhase("Failed").WithoutTarball());

            var error = await Assert.ThrowsAsync<StorageException>(() => store.OpenTarballAsync("failed", None));
            var missing = await Assert.ThrowsAsync<BackupNotFoundException>(() => store.OpenTarballAsync("never-existed", None));

            Assert.Equal(StorageErrorKind.TarballMissing, error.Kind);
            Assert.Contains("Failed", error.Message, StringComparison.Ordinal);
            Assert.Contains("failed.tar.gz", error.Message, StringComparison.Ordinal);
            Assert.Equal("never-existed", missing.BackupName);
        }
    }

    [Theory]
    [LocalStore]
    [S3Store]
    public async Task ReadsOptionalFilesAndTreatsMissingOnesAsNull(string kind)
    {
        var (storage, location, store) = await Create(kind);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("b1")
                .WithVolumeInfo("[{\"pvcName\":\"data\",\"pvName\":\"pv-1\",\"backupMethod\":\"PodVolumeBackup\"}]")
                .WithVolumeSnapshots("null")
                .WithPodVolumeBackups("[]")
                .AddItem("pods", "a", "p", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"));

            Assert.Equal("[{\"pvcName\":\"data\",\"pvName\":\"pv-1\",\"backupMethod\":\"PodVolumeBackup\"}]\n", Text(await store.ReadOptionalBackupFileAsync("b1", BackupFile.VolumeInfo, None)));
            Assert.Equal("null\n", Text(await store.ReadOptionalBackupFileAsync("b1", BackupFile.VolumeSnapshots, None)));
            Assert.Equal("[]\n", Text(await store.ReadOptionalBackupFileAsync("b1", BackupFile.PodVolumeBackups, None)));
            Assert.Equal("{\"errors\":{},\"warnings\":{}}\n", Text(await store.ReadOptionalBackupFileAsync("b1", BackupFile.Results, None)));
            Assert.Equal("{\"v1/Pod\":[\"a/p\"]}\n", Text(await store.ReadOptionalBackupFileAsync("b1", BackupFile.ResourceList, None)));
            Assert.Contains("level=info", Text(await store.ReadOptionalBackupFileAsync("b1", BackupFile.Logs, None)), StringComparison.Ordinal);
            Assert.Null(await store.ReadOptionalBackupFileAsync("b1", BackupFile.CsiVolumeSnapshotClasses, None));
            Assert.Null(await store.ReadOptionalBackupFileAsync("b1", BackupFile.ItemOperations, None));
        }
    }

    [Fact]
    public async Task ABrokenOptionalFileIsAnInvalidBackupNamingTheKey()
    {
        var (storage, location, store) = await Create(TestStorage.Local);
        using (storage)
        using (location)
        {
            await storage.WriteAsync(new VeleroBackupBuilder("b1"));
            await storage.RawStore.PutAsync("backups/b1/b1-volumeinfo.json.gz", Encoding.UTF8.GetBytes("plain text, not gzip"), None);

            var error = await Assert.ThrowsAsync<InvalidBackupException>(() => store.ReadOptionalBackupFileAsync("b1", BackupFile.VolumeInfo, None));

            Assert.Contains("backups/b1/b1-volumeinfo.json.gz", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnOptionalFileThatDecompressesTooFarIsRefused()
    {
        using var zeros = new MemoryStream(GoTarWriter.GoGzip(new byte[2 * 1024 * 1024]));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => BackupStore.GunzipAsync(zeros, 1024 * 1024, None));

        Assert.Contains("more than 1048576 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListsManyBackupsInParallelWithoutLosingAny()
    {
        var (storage, location, store) = await Create(TestStorage.Local);
        using (storage)
        using (location)
        {
            for (var i = 0; i < 60; i++)
            {
                new VeleroBackupBuilder($"b{i:D2}").WithStartTimestamp(T0.AddMinutes(i)).WithoutTarball().WriteToFolder(storage.Folder!);
            }

            var backups = await store.ListBackupsAsync(None);

            Assert.Equal(Enumerable.Range(0, 60).Reverse().Select(i => $"b{i:D2}"), backups.Select(b => b.Name));
        }
    }

    private static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    private sealed class ListLog : IEngineLog
    {
        public List<EngineLogEntry> Entries { get; } = new();

        public void Write(EngineLogEntry entry)
        {
            lock (Entries)
            {
                Entries.Add(entry);
            }
        }
    }
}

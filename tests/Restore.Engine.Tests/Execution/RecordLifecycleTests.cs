using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>An object store whose writes fail while <see cref="Failing"/> is set (storage going away mid-restore).</summary>
public sealed class FlakyStore : IObjectStore
{
    private readonly IObjectStore inner;
    private int failedWrites;

    internal FlakyStore(IObjectStore inner) => this.inner = inner;

    public volatile bool Failing;

    public int FailedWrites => Volatile.Read(ref failedWrites);

    public string Description => inner.Description;

    public Task VerifyAccessAsync(CancellationToken cancellationToken) => inner.VerifyAccessAsync(cancellationToken);

    public Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken) => inner.ListCommonPrefixesAsync(prefix, cancellationToken);

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken) => inner.ListKeysAsync(prefix, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) =>
        Failing ? Fail(key) : inner.PutAsync(key, content, cancellationToken);

    public Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken) => inner.TryCreateAsync(key, content, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public void Dispose()
    {
    }

    private Task Fail(string key)
    {
        Interlocked.Increment(ref failedWrites);
        throw new StorageException(StorageErrorKind.Unreachable, "flaky", $"the endpoint could not be reached while writing {key}", key);
    }
}

public class RecordLifecycleTests
{
    [Fact]
    public async Task TheRecordAndLogCanBeReadFromAnotherSessionWhileTheRestoreRuns()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 60));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(25);
        var request = h.Request("b1", "r-live");
        request.Parallel = 2;
        var engine = h.Engine();
        var run = engine.RunAsync(request, null, null, CancellationToken.None);

        // Another reader, as Get-Restore in another session would be.
        using var reader = h.Storage.Open();
        var records = new RestoreRecordStore(reader);
        RestoreRecord? seen = null;
        string? logSoFar = null;
        while (!run.IsCompleted)
        {
            var record = await records.GetAsync("r-live", CancellationToken.None);
            if (record is { Phase: RestorePhase.InProgress, ItemsRestored: > 0 } && record.ItemsRestored < 61)
            {
                seen = record;
                logSoFar = await records.ReadLogTextAsync("r-live", CancellationToken.None);
                if (logSoFar is not null && logSoFar.Contains("Restored ", StringComparison.Ordinal))
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        var result = await run;
        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.NotNull(seen);
        Assert.Equal(61, seen!.TotalItems);
        Assert.NotNull(seen.LastUpdateTimestamp);
        Assert.NotNull(seen.StartTimestamp);
        Assert.Equal(RestorePhase.InProgress, seen.Targets.Single().Phase);
        Assert.NotNull(logSoFar);
        Assert.Contains("msg=\"starting restore\"", logSoFar, StringComparison.Ordinal);
        Assert.DoesNotContain("restore completed", logSoFar, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageFailingForAWhileDoesNotStopTheRestoreAndTheFinalFilesAreWritten()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 40));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(20);
        using var location = h.Storage.Open();
        var flaky = new FlakyStore(location.Store);
        var request = h.Request("b1", "r-flaky");
        request.Parallel = 2;
        var done = 0;

        var result = await h.Engine(flaky).RunAsync(request, null, _ =>
        {
            var n = Interlocked.Increment(ref done);
            if (n == 3)
            {
                flaky.Failing = true;
            }
            else if (n == 30)
            {
                flaky.Failing = false;
            }
        }, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.True(flaky.FailedWrites > 0, "the store should have refused some writes");
        Assert.Equal(40, h.Server.Store.Count("configmaps", "shop"));
        Assert.NotEmpty(result.StorageProblems);
        Assert.Null(result.FallbackDirectory);
        var records = h.Records();
        var stored = await records.GetAsync("r-flaky", CancellationToken.None);
        Assert.Equal(RestorePhase.Completed, stored!.Phase);
        Assert.Equal(41, stored.ItemsRestored);
        var log = await records.ReadLogTextAsync("r-flaky", CancellationToken.None);
        Assert.Contains("Could not write the restore record or log", log, StringComparison.Ordinal);
        Assert.Contains("can be written again", log, StringComparison.Ordinal);
        Assert.EndsWith("msg=\"restore completed\" restore=velero/r-flaky\n", log, StringComparison.Ordinal);
        Assert.Equal(41, (await records.ReadItemOutcomesAsync("r-flaky", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task StorageStillDownAtTheEndLeavesTheFilesInALocalFolder()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 10));
        using var location = h.Storage.Open();
        var flaky = new FlakyStore(location.Store);
        var fallbackRoot = Path.Combine(h.Scratch, "fallback");
        var request = h.Request("b1", "r-down");

        var result = await h.Engine(flaky, t =>
        {
            t.FinalRetries(2, TimeSpan.FromMilliseconds(20));
            t.Fallback(fallbackRoot);
        }).RunAsync(request, null, _ => flaky.Failing = true, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.NotNull(result.FallbackDirectory);
        Assert.StartsWith(fallbackRoot, result.FallbackDirectory, StringComparison.Ordinal);
        Assert.Contains(result.StorageProblems, p => p.Contains(result.FallbackDirectory!, StringComparison.Ordinal));
        Assert.Contains(h.Log.Entries, e => e.Level == Common.EngineLogLevel.Warning && e.Message.Contains(result.FallbackDirectory!, StringComparison.Ordinal));

        using var local = new LocalFolderObjectStore(result.FallbackDirectory!);
        var copy = new RestoreRecordStore(local, new ObjectStoreLayout(string.Empty));
        var record = await copy.GetAsync("r-down", CancellationToken.None);
        Assert.Equal(RestorePhase.Completed, record!.Phase);
        Assert.Contains("restore completed", await copy.ReadLogTextAsync("r-down", CancellationToken.None), StringComparison.Ordinal);
        Assert.NotNull(await copy.ReadResultsAsync("r-down", CancellationToken.None));

        // The location itself still shows the last record it accepted.
        var stale = await h.Records().GetAsync("r-down", CancellationToken.None);
        Assert.Equal(RestorePhase.InProgress, stale!.Phase);
    }

    [Fact]
    public async Task InvalidRequestsWriteNothing()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 1));
        var engine = h.Engine();

        var badSpec = h.Request("b1", "r-bad");
        badSpec.Spec.ExistingResourcePolicy = "Update";
        badSpec.Spec.IncludedResources = new() { "nodes" };
        var invalid = await Assert.ThrowsAsync<RestoreValidationException>(() => engine.RunAsync(badSpec, null, null, CancellationToken.None));
        Assert.Equal(RestoreValidationProblem.InvalidArguments, invalid.Problem);
        Assert.Contains("nodes are non-restorable resources", invalid.Errors);
        Assert.Contains("Invalid ExistingResourcePolicy: Update", invalid.Errors);

        var badName = h.Request("b1", "Bad_Name");
        Assert.Equal(RestoreValidationProblem.InvalidArguments, (await Assert.ThrowsAsync<RestoreValidationException>(() => engine.RunAsync(badName, null, null, CancellationToken.None))).Problem);

        var missing = h.Request("nope", "r-missing");
        var notFound = await Assert.ThrowsAsync<RestoreValidationException>(() => engine.RunAsync(missing, null, null, CancellationToken.None));
        Assert.Equal(RestoreValidationProblem.BackupNotFound, notFound.Problem);
        Assert.StartsWith("Error retrieving backup: ", notFound.Errors[0], StringComparison.Ordinal);

        var context = h.Request("b1", "r-ctx");
        context.Contexts = new[] { "no-such-context" };
        var noContext = await Assert.ThrowsAsync<RestoreValidationException>(() => engine.RunAsync(context, null, null, CancellationToken.None));
        Assert.Equal(RestoreValidationProblem.ContextNotFound, noContext.Problem);
        Assert.Contains("no-such-context", noContext.Message, StringComparison.Ordinal);
        Assert.Equal("no-such-context", noContext.Subject);

        // A kubeconfig file that does not exist is not a missing context: its own kind, naming the file.
        var config = h.Request("b1", "r-kubeconfig");
        config.KubeConfig = Path.Combine(h.NewFolder(), "missing.yaml");
        var noConfig = await Assert.ThrowsAsync<RestoreValidationException>(() => engine.RunAsync(config, null, null, CancellationToken.None));
        Assert.Equal(RestoreValidationProblem.KubeConfigNotFound, noConfig.Problem);
        Assert.Equal(config.KubeConfig, noConfig.Subject);

        var both = h.Request("b1", "r-both");
        both.ToDirectory = h.NewFolder();
        Assert.Equal(RestoreValidationProblem.InvalidArguments, (await Assert.ThrowsAsync<RestoreValidationException>(() => engine.RunAsync(both, null, null, CancellationToken.None))).Problem);

        var modifierMissing = h.Request("b1", "r-mod");
        modifierMissing.Spec.ResourceModifier = new Restore.Engine.Velero.ResourceModifierReference { Kind = "ConfigMap", Name = "rules" };
        var mod = await Assert.ThrowsAsync<RestoreValidationException>(() => engine.RunAsync(modifierMissing, null, null, CancellationToken.None));
        Assert.Equal(RestoreValidationProblem.ResourceModifier, mod.Problem);
        Assert.StartsWith("failed to get resource modifiers configmap velero/rules", mod.Errors[0], StringComparison.Ordinal);

        Assert.Empty(await h.Records().ListNamesAsync(CancellationToken.None));
        Assert.Equal(0, h.Server.Store.Count("configmaps", "shop"));
    }

    [Fact]
    public async Task AScheduleResolvesToItsLatestCompletedBackupAndTheDefaultNameUsesIt()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("nightly-20250101000000", "shop", 1).WithSchedule("nightly").WithStartTimestamp(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        await h.WriteBackupAsync(K8s.ConfigMaps("nightly-20250102000000", "shop", 2).WithSchedule("nightly").WithStartTimestamp(new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc)).WithPhase("PartiallyFailed"));
        var request = h.Request("unused");
        request.Spec = new Restore.Engine.Velero.RestoreSpec { ScheduleName = "nightly" };

        var (result, _) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Matches("^nightly-[0-9]{14}$", result.Name);
        Assert.Equal("nightly-20250101000000", result.Record.BackupName);
        Assert.Equal("nightly", result.Record.ScheduleName);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), result.Record.BackupTimestamp);
        Assert.Equal(1, h.Server.Store.Count("configmaps", "shop"));

        request.AllowPartiallyFailed = true;
        request.Name = "r-pf";
        var (second, _) = await ExistingObjectTests.RunAsync(h, request);
        Assert.Equal("nightly-20250102000000", second.Record.BackupName);
    }

    [Fact]
    public async Task AMissingTarballFailsTheRestoreWithAReason()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 1).WithoutTarball());

        var (result, _) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-notar"));

        Assert.Equal(RestorePhase.Failed, result.Phase);
        Assert.Contains("has no tarball", result.Record.FailureReason, StringComparison.Ordinal);
        Assert.False(result.Canceled);
        var stored = await h.Records().GetAsync("r-notar", CancellationToken.None);
        Assert.Equal(RestorePhase.Failed, stored!.Phase);
        Assert.Equal(result.Record.FailureReason, stored.FailureReason);
    }

    [Fact]
    public async Task ACorruptTarballIsAVeleroErrorAndEndsPartiallyFailed()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var bytes = K8s.ConfigMaps("b1", "shop", 3).BuildTarball();
        bytes[bytes.Length / 2] ^= 0xff;
        bytes[(bytes.Length / 2) + 1] ^= 0xff;
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 3).WithTarballBytes(bytes));

        var (result, _) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-corrupt"));

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var error = Assert.Single(result.Results.Errors.Velero);
        Assert.StartsWith("error extracting the backup tarball", error, StringComparison.Ordinal);
        Assert.Equal(1, result.Record.Errors);
        Assert.Contains("1 error", result.Record.FailureReason, StringComparison.Ordinal);
    }
}

[Collection(S3rverFixture.Collection)]
public class S3RecordTests
{
    private readonly S3rverFixture s3;

    public S3RecordTests(S3rverFixture s3) => this.s3 = s3;

    [S3rverFact]
    public async Task ARestoreClaimsRecordsAndLogsInAnS3Location()
    {
        var storage = await TestStorage.CreateAsync(TestStorage.S3, s3, "team-a");
        await using var h = await ExecutionHarness.CreateAsync(storage: storage);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 5));

        var (result, _) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-s3"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var records = h.Records();
        var stored = await records.GetAsync("r-s3", CancellationToken.None);
        Assert.Equal(RestorePhase.Completed, stored!.Phase);
        Assert.Equal(6, stored.ItemsRestored);
        Assert.Contains("restore completed", await records.ReadLogTextAsync("r-s3", CancellationToken.None), StringComparison.Ordinal);
        var keys = await h.Location!.Store.ListKeysAsync("team-a/restores/r-s3/", CancellationToken.None);
        Assert.Contains("team-a/restores/r-s3/restore-r-s3-results.gz", keys);
        Assert.Contains("team-a/restores/r-s3/r-s3-volumeinfo.json.gz", keys);

        var again = await Assert.ThrowsAsync<RestoreNameInUseException>(() => h.Engine().RunAsync(h.Request("b1", "r-s3"), null, null, CancellationToken.None));
        Assert.Equal("r-s3", again.RestoreName);
    }
}

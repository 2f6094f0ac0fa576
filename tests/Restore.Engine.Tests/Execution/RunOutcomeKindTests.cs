using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>
/// What a run tells its caller as data rather than text: why a target failed, whether the timeout stopped it, what
/// kind of failure each failed item met; and that the caller's log hears each warning once.
/// </summary>
public class RunOutcomeKindTests
{
    [Fact]
    public async Task TheCallersLogHearsEachWarningOnceWhileTheStoredLogEndsWithVelerosSummary()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2).WithPhase("PartiallyFailed"));

        var (result, _) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-warn-once"));

        var warning = Assert.Single(result.Results.Warnings.Velero);
        var heard = h.Log.Entries.Where(e => e.Level == EngineLogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(result.Record.Warnings, heard.Count);
        Assert.Equal(warning, Assert.Single(heard));
        Assert.DoesNotContain(h.Log.Entries, e => e.Message.StartsWith("Velero restore ", StringComparison.Ordinal));

        var stored = await h.Records().ReadLogTextAsync("r-warn-once", CancellationToken.None);
        Assert.Contains("level=warning msg=\"Velero restore warning: " + warning, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableClusterIsFailedAsUnreachable()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 2);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2));
        await h.Servers[1].DisposeAsync();

        var (result, _) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-kind-down", 0, 1));

        Assert.Equal(TargetFailure.Unreachable, Assert.Single(result.TargetFailures, f => f.Key == h.Context(1)).Value);
        Assert.DoesNotContain(h.Context(0), result.TargetFailures.Keys);
        Assert.False(result.TimedOut);
    }

    [Fact]
    public async Task TheTimeoutIsReportedApartFromACancel()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 50));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(200);
        var request = h.Request("b1", "r-kind-timeout");
        request.Timeout = TimeSpan.FromSeconds(1);

        var (result, _) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.Failed, result.Phase);
        Assert.True(result.TimedOut);
        Assert.False(result.Canceled);
        Assert.Empty(result.TargetFailures);
    }

    [Fact]
    public async Task AFailedItemCarriesTheKindOfItsFailureIntoTheItemsFile()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2).AddItem("gadgets.example.com", "shop", "g1", """{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g1","namespace":"shop"}}"""));
        h.Server.Knobs.Forbid("configmaps", verb: "create");

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-kind-items"));

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.All(outcomes.Where(o => o.Kind == "ConfigMap"), o => Assert.Equal(ItemFailure.Forbidden, o.Failure));
        Assert.Equal(ItemFailure.Planning, Assert.Single(outcomes, o => o.Kind == "Gadget").Failure);
        Assert.All(outcomes.Where(o => o.Action != ItemRestoreAction.Failed), o => Assert.Equal(ItemFailure.None, o.Failure));

        var stored = await h.Records().ReadItemOutcomesAsync("r-kind-items", CancellationToken.None);
        Assert.Equal(
            outcomes.Select(o => (o.Name, o.Failure)).OrderBy(o => o.Name, StringComparer.Ordinal),
            stored.Select(o => (o.Name, o.Failure)).OrderBy(o => o.Name, StringComparer.Ordinal));
    }
}

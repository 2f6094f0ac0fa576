using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Timeouts, resource modifiers, progress reports and the closing log lines.</summary>
public class RunBehaviourTests
{
    private const string Rules = """
        version: v1
        resourceModifierRules:
        - conditions:
            groupResource: configmaps
            resourceNameRegex: "^cm-0000$"
          patches:
          - operation: replace
            path: "/data/index"
            value: "patched"
        """;

    [Fact]
    public async Task ResourceModifiersComeFromADocumentOrFromTheClustersConfigMap()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2));
        var fromDocument = h.Request("b1", "r-doc");
        fromDocument.ResourceModifierDocument = Rules;
        fromDocument.Spec.NamespaceMapping = new() { ["shop"] = "doc" };

        var (first, _) = await ExistingObjectTests.RunAsync(h, fromDocument);

        Assert.Equal(RestorePhase.Completed, first.Phase);
        Assert.Equal("patched", (string?)h.Server.Store.Get("configmaps", "doc", "cm-0000")!["data"]!["index"]);
        Assert.Equal("1", (string?)h.Server.Store.Get("configmaps", "doc", "cm-0001")!["data"]!["index"]);

        h.Seed(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "rules", ["namespace"] = "velero" },
            ["data"] = new JsonObject { ["rules.yaml"] = Rules },
        });
        var fromConfigMap = h.Request("b1", "r-cm");
        fromConfigMap.Spec.ResourceModifier = new ResourceModifierReference { Kind = "configmap", Name = "rules" };
        fromConfigMap.Spec.NamespaceMapping = new() { ["shop"] = "cm" };

        var (second, _) = await ExistingObjectTests.RunAsync(h, fromConfigMap);

        Assert.Equal(RestorePhase.Completed, second.Phase);
        Assert.Equal("patched", (string?)h.Server.Store.Get("configmaps", "cm", "cm-0000")!["data"]!["index"]);

        fromConfigMap.Name = "r-both";
        fromConfigMap.ResourceModifierDocument = Rules;
        var both = await Assert.ThrowsAsync<RestoreValidationException>(() => h.Engine().RunAsync(fromConfigMap, null, null, CancellationToken.None));
        Assert.Equal(RestoreValidationProblem.ResourceModifier, both.Problem);

        var bad = h.Request("b1", "r-bad-doc");
        bad.ResourceModifierDocument = "version: v2\nresourceModifierRules: []\n";
        Assert.Equal(RestoreValidationProblem.ResourceModifier, (await Assert.ThrowsAsync<RestoreValidationException>(() => h.Engine().RunAsync(bad, null, null, CancellationToken.None))).Problem);
    }

    [Fact]
    public async Task CreatesStartWhileTheRestIsStillBeingPlannedAndTheTotalEndsExact()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 20).AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web")));

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-stream"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var messages = h.Log.Entries.Select(e => e.Message).ToList();
        var firstTier = messages.FindIndex(m => m.StartsWith("Restoring resource 'configmaps'", StringComparison.Ordinal));
        var planned = messages.FindIndex(m => m == "planning completed");
        Assert.True(firstTier >= 0 && planned >= 0, string.Join(" | ", messages));
        Assert.True(firstTier < planned, $"the first tier started at log line {firstTier}, after planning completed at line {planned}");

        // 20 ConfigMaps, the Deployment and the namespace: the estimate (the backup's item count) is replaced.
        Assert.Equal(22, outcomes.Count);
        Assert.Equal(outcomes.Count, result.Record.TotalItems);
        Assert.Equal(outcomes.Count, result.Record.ItemsRestored);
    }

    [Fact]
    public async Task AnItemThatHangsFailsAfterTheItemTimeoutAndTheRestGoesOn()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 3).AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web")));
        h.Server.Knobs.HangRequests(TimeSpan.FromSeconds(30), verb: "create", resource: "deployments.apps");
        var request = h.Request("b1", "r-hang");
        request.ItemOperationTimeout = TimeSpan.FromSeconds(1);

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var error = Assert.Single(result.Results.Errors.Namespaces["shop"]);
        Assert.Equal("error restoring deployments.apps/shop/web: the item did not finish within 1 seconds (ItemOperationTimeout)", error);
        Assert.Equal(ItemRestoreAction.Failed, outcomes.Single(o => o.Kind == "Deployment").Action);
        Assert.Equal(3, outcomes.Count(o => o.Kind == "ConfigMap" && o.Action == ItemRestoreAction.Created));
    }

    [Fact]
    public async Task TheOverallTimeoutStopsTheRestoreLikeACancelWithItsOwnReason()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 100));
        h.Server.Knobs.Latency = TimeSpan.FromMilliseconds(40);
        var request = h.Request("b1", "r-timeout");
        request.Parallel = 1;
        request.Timeout = TimeSpan.FromSeconds(2.5);

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.Failed, result.Phase);
        Assert.False(result.Canceled);
        Assert.StartsWith("the restore did not finish within", result.Record.FailureReason, StringComparison.Ordinal);
        // How far it got depends on the machine; what matters is that it stopped early and says where.
        Assert.Contains($"stopped after {outcomes.Count} of ", result.Record.FailureReason, StringComparison.Ordinal);
        Assert.InRange(outcomes.Count, 0, 100);
        Assert.Equal(outcomes.Count, result.Record.ItemsRestored);
    }

    [Fact]
    public async Task ProgressIsReportedPerTargetAndTheLogEndsWithVelerosSummary()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 3)
            .AddItem("configmaps", "shop", "broken", "{not json")
            .AddItem("gadgets.example.com", "shop", "g1", """{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g1","namespace":"shop"}}"""));
        h.Seed(K8s.ConfigMap("shop", "cm-0001", ("index", "changed")));
        var reports = new ConcurrentQueue<RunProgress>();

        var result = await h.Engine().RunAsync(h.Request("b1", "r-summary"), new CallbackProgress<RunProgress>(reports.Enqueue), null, CancellationToken.None);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal(2, result.Record.Errors);
        Assert.Equal(1, result.Record.Warnings);
        Assert.Equal(result.Record.Errors, result.Results.Errors.Count);
        Assert.StartsWith("2 errors: ", result.Record.FailureReason, StringComparison.Ordinal);
        Assert.All(reports, r => Assert.Equal(h.Context(), r.Target));
        var last = reports.Last();
        Assert.Equal(RestorePhase.PartiallyFailed, last.Phase);
        Assert.Equal(last.TotalItems, last.ItemsDone);
        Assert.Contains(reports, r => r.Phase == "Planning");

        var log = (await h.Records().ReadLogTextAsync("r-summary", CancellationToken.None))!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tail = log.SkipWhile(l => !l.Contains("msg=\"Namespace shop, resource restore error: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, tail.Length);
        Assert.Contains("level=error msg=\"Namespace shop, resource restore error: error decoding", tail[0], StringComparison.Ordinal);
        Assert.Contains("level=error msg=\"Namespace shop, resource restore error: error restoring gadgets.example.com/shop/g1", tail[1], StringComparison.Ordinal);
        Assert.Contains("level=warning msg=\"Namespace shop, resource restore warning: could not restore, ConfigMap:cm-0001 already exists.", tail[2], StringComparison.Ordinal);
        Assert.Contains("msg=\"restore completed\"", tail[3], StringComparison.Ordinal);
    }
}

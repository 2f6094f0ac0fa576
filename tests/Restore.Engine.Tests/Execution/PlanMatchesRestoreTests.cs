using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Get-RestorePlan predicts, for an object that already exists, the action, message and warning the restore then produces (docs/velero-compatibility.md#existing-resource-policy).</summary>
public class PlanMatchesRestoreTests
{
    public static TheoryData<string, string?, string> Cases() => new()
    {
        { "same", null, RestorePlanAction.Skip },
        { "same", "update", RestorePlanAction.Skip },
        { "differs", null, RestorePlanAction.Skip },
        { "differs", "none", RestorePlanAction.Skip },
        { "differs", "update", RestorePlanAction.Update },
        { "account-complete", null, RestorePlanAction.Skip },
        { "account-lacks", null, RestorePlanAction.Update },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ThePlanPredictsTheRestoresActionMessageAndWarnings(string live, string? policy, string expected)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var account = live.StartsWith("account", StringComparison.Ordinal);
        var backedUp = account ? K8s.ServiceAccount("shop", "web", "registry-a") : K8s.ConfigMap("shop", "web", ("color", "blue"));
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem(account ? "serviceaccounts" : "configmaps", "shop", "web", backedUp));
        h.Seed(live switch
        {
            "same" => K8s.ConfigMap("shop", "web", ("color", "blue")),
            "differs" => K8s.ConfigMap("shop", "web", ("color", "red")),

            // Differs (another secret comes first) yet already holds everything the merge would add.
            "account-complete" => K8s.ServiceAccount("shop", "web", "registry-b", "registry-a"),
            _ => K8s.ServiceAccount("shop", "web", "registry-b"),
        });
        var request = h.Request("b1", "r-" + live + "-" + (policy ?? "default"));
        request.Spec.ExistingResourcePolicy = policy;

        var plan = RestorePlanItem.FromPreview(await h.Engine().PlanAsync(request, CancellationToken.None)).Single(l => l.Name == "web");
        var outcomes = new ConcurrentQueue<RestoreItemOutcome>();
        var result = await h.Engine().RunAsync(request, null, outcomes.Enqueue, CancellationToken.None);

        var outcome = Assert.Single(outcomes, o => o.Name == "web");
        Assert.Equal(expected, plan.Action);
        Assert.Equal(expected == RestorePlanAction.Skip ? ItemRestoreAction.Skipped : ItemRestoreAction.Updated, outcome.Action);
        if (expected == RestorePlanAction.Skip)
        {
            Assert.Equal(outcome.Message, plan.Reason);
        }

        Assert.Equal(result.Results.Warnings.All().Select(m => m.ToString()), plan.Warnings);
        Assert.Equal(live == "differs" && policy != "update" ? 1 : 0, result.Record.Warnings);
        Assert.Equal(0, result.Record.Errors);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Api;
using Restore.Engine.Execution;
using Restore.Engine.Planning;
using Restore.Engine.Tests.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

public class RestorePlanItemTests
{
    private static RestorePlan ShopPlan() =>
        Planner.Plan(
            new TestBackup()
                .Add("namespaces", K8s.Namespace("shop"))
                .Add("namespaces", K8s.Namespace("other"))
                .Add("configmaps", K8s.ConfigMap("shop", "cfg"))
                .Add("configmaps", K8s.ConfigMap("other", "cfg2"))
                .Add("pods", K8s.Pod("shop", "done", phase: "Succeeded"))
                .Add("deployments.apps", K8s.Deployment("shop", "web")),
            new RestoreSpec { IncludedNamespaces = new List<string> { "shop" }, NamespaceMapping = new Dictionary<string, string> { ["shop"] = "shop2" } });

    [Fact]
    public void PlanDecisionsBecomeActionsWithReasons()
    {
        var lines = RestorePlanItem.FromPlan(ShopPlan(), "r1", "b1", "ctx").ToList();

        var web = lines.Single(l => l.Resource == "deployments.apps");
        Assert.Equal((RestorePlanAction.Create, (string?)null, "Create", "NotChecked"), (web.Action, web.Reason, web.Decision, web.Prediction));
        Assert.Equal(("shop", "shop2", "web", "web"), (web.SourceNamespace, web.TargetNamespace, web.Name, web.TargetName));
        Assert.Equal(("r1", "b1", "ctx", "apps/v1", "Deployment"), (web.Restore, web.Backup, web.Target, web.ApiVersion, web.Kind));
        Assert.True(web.Order > 0);
        Assert.Equal("deployments.apps", web.TierName);
        Assert.True(web.Tier >= 0);
        Assert.NotEqual(string.Empty, web.PriorityGroup);

        var excluded = lines.Single(l => l.Name == "cfg2");
        Assert.Equal(RestorePlanAction.Exclude, excluded.Action);
        Assert.False(string.IsNullOrEmpty(excluded.Reason));
        Assert.Equal(0, excluded.Order);

        var done = lines.Single(l => l.Name == "done");
        Assert.Equal(RestorePlanAction.Skip, done.Action);
        Assert.Contains("Succeeded", done.Reason, StringComparison.OrdinalIgnoreCase);

        var ns = lines.Single(l => l.IsNamespace);
        Assert.Equal(("shop2", RestorePlanAction.Create), (ns.TargetName, ns.Action));

        // Plan order is kept: creates in restore order.
        var creates = lines.Where(l => l.Action == RestorePlanAction.Create).Select(l => l.Order).ToList();
        Assert.Equal(creates.OrderBy(o => o), creates);
    }

    public static TheoryData<string, string, string> Predictions() => new()
    {
        { nameof(PredictedOutcome.Create), RestorePlanAction.Create, "" },
        { nameof(PredictedOutcome.NotChecked), RestorePlanAction.Create, "" },
        { nameof(PredictedOutcome.AlreadyExistsSkip), RestorePlanAction.Skip, "already the same" },
        { nameof(PredictedOutcome.Update), RestorePlanAction.Update, "differs: spec.replicas: 3 -> 1" },
        { nameof(PredictedOutcome.Failed), RestorePlanAction.Fail, "could not check the live object: forbidden" },
        { nameof(PredictedOutcome.DiffersSkip), RestorePlanAction.Skip, "already exists and differs; left as it is" },
    };

    [Theory]
    [MemberData(nameof(Predictions))]
    public void LivePredictionsRefineTheAction(string predicted, string action, string reason)
    {
        var outcome = Enum.Parse<PredictedOutcome>(predicted);
        var plan = ShopPlan();
        var web = plan.Items.Single(i => i.GroupResource == "deployments.apps");
        var message = outcome switch
        {
            PredictedOutcome.AlreadyExistsSkip => "already the same",
            PredictedOutcome.Failed => "could not check the live object: forbidden",
            PredictedOutcome.DiffersSkip => "already exists and differs; left as it is",
            _ => null,
        };
        var differences = outcome is PredictedOutcome.Update or PredictedOutcome.DiffersSkip ? new[] { new FieldDifference("spec.replicas", "1", "3") } : Array.Empty<FieldDifference>();
        var warning = outcome == PredictedOutcome.DiffersSkip ? "could not restore, Deployment:web already exists" : null;
        var prediction = new ItemPrediction(web, outcome, message, differences, warning);

        var line = RestorePlanItem.FromPlan(plan, "r1", "b1", "ctx", i => ReferenceEquals(i, web) ? prediction : null).Single(l => l.Resource == "deployments.apps");

        Assert.Equal(action, line.Action);
        Assert.Equal(reason, line.Reason ?? string.Empty);
        Assert.Equal(outcome.ToString(), line.Prediction);
        Assert.Equal(differences.Select(d => d.ToString()), line.Differences);
        // Only a Velero warning or a failed check is a warning; "already the same" is not. Velero warnings carry their bucket.
        var expectedWarnings = outcome switch
        {
            PredictedOutcome.Failed => new[] { "could not check the live object: forbidden" },
            PredictedOutcome.DiffersSkip => new[] { "Namespace shop2: could not restore, Deployment:web already exists" },
            _ => Array.Empty<string>(),
        };
        Assert.Equal(expectedWarnings, line.Warnings);
    }

    [Fact]
    public void APreviewGivesLinesPerPlannedTargetOnly()
    {
        var plan = ShopPlan();
        var preview = new RestorePreview("r1", "b1", new RestoreSpec(), new[]
        {
            new TargetPreview(new RunTarget("east", "cluster", "https://east"), plan, Array.Empty<ItemPrediction>(), null),
            new TargetPreview(new RunTarget("west", "cluster", "https://west"), null, Array.Empty<ItemPrediction>(), "connection refused"),
            new TargetPreview(new RunTarget("/tmp/out", "directory", null), plan, Array.Empty<ItemPrediction>(), null),
        });

        var lines = RestorePlanItem.FromPreview(preview);

        Assert.Equal(plan.Items.Count * 2, lines.Count);
        Assert.Equal(new[] { "east", "/tmp/out" }, lines.Select(l => l.Target).Distinct());
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>The prediction for objects that already exist (docs/velero-compatibility.md#existing-resource-policy).</summary>
public class ExistingObjectsTests
{
    private static PlannedItem Planned(JsonObject obj, string gr) =>
        Planner.Plan(new TestBackup().Add(gr, obj), new RestoreSpec()).Item(gr, obj["metadata"]!["name"]!.GetValue<string>());

    private static string Live(JsonObject backedUp, System.Action<JsonObject>? change = null)
    {
        var live = (JsonObject)backedUp.DeepClone();
        live["metadata"]!["uid"] = "live-uid";
        live["metadata"]!["resourceVersion"] = "999";
        live["status"] = new JsonObject { ["x"] = 1 };
        change?.Invoke(live);
        return live.ToJsonString();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    [InlineData("update")]
    public void An_identical_object_is_skipped(string? policy) // docs/velero-compatibility.md#existing-resource-policy
    {
        var cm = K8s.ConfigMap("a", "cfg");
        cm["data"] = new JsonObject { ["k"] = "v" };
        var p = ExistingObjects.Predict(Planned(cm, "configmaps"), Live(cm), policy);
        Assert.Equal(ExistingObjectOutcome.Unchanged, p.Outcome);
        Assert.Equal("skipped", p.ResourceListAction);
        Assert.Null(p.Warning);
    }

    [Theory] // docs/velero-compatibility.md#existing-resource-policy
    [InlineData(null, "failed", "could not restore, ConfigMap:cfg already exists. Warning: the in-cluster version is different than the backed-up version")]
    [InlineData("none", "failed", "could not restore, ConfigMap \"cfg\" already exists. Warning: the in-cluster version is different than the backed-up version")]
    [InlineData("update", "updated", null)]
    public void A_different_object_follows_the_policy(string? policy, string action, string? warning)
    {
        var cm = K8s.ConfigMap("a", "cfg");
        cm["data"] = new JsonObject { ["k"] = "v" };
        var p = ExistingObjects.Predict(Planned(cm, "configmaps"), Live(cm, l => l["data"]!["k"] = "changed"), policy);
        Assert.Equal(action, p.ResourceListAction);
        Assert.Equal(warning, p.Warning);
        if (policy == "update")
        {
            var patch = JsonNode.Parse(Encoding.UTF8.GetString(p.MergePatchUtf8!))!;
            Assert.Equal("v", patch["data"]!["k"]!.GetValue<string>());
            Assert.Equal("r1", patch["metadata"]!["labels"]![RestoreLabels.RestoreName]!.GetValue<string>());
        }
    }

    [Fact]
    public void Service_accounts_are_merged_whatever_the_policy()
    {
        var sa = K8s.Obj("v1", "ServiceAccount", "a", "builder");
        var p = ExistingObjects.Predict(Planned(sa, "serviceaccounts"), Live(sa, l => l["secrets"] = new JsonArray(new JsonObject { ["name"] = "x" })), null);
        Assert.Equal(ExistingObjectOutcome.Updated, p.Outcome);
        Assert.Null(p.MergePatchUtf8);
    }
}

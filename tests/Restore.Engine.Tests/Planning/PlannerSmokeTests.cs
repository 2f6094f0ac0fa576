using Restore.Engine.Velero;
using Xunit;
using Xunit.Abstractions;

namespace Restore.Engine.Tests.Planning;

public class PlannerSmokeTests
{
    private readonly ITestOutputHelper output;

    public PlannerSmokeTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Plans_a_small_backup()
    {
        var b = new TestBackup()
            .Add("namespaces", K8s.Namespace("shop"))
            .Add("configmaps", K8s.ConfigMap("shop", "cfg"))
            .Add("pods", K8s.Pod("shop", "web-0"))
            .Add("deployments.apps", K8s.Deployment("shop", "web"));
        var plan = Planner.Plan(b, new RestoreSpec());
        foreach (var i in plan.Items)
        {
            output.WriteLine(i + " " + i.TierName + " " + i.ObjectJson);
        }

        Assert.Equal(new[] { "ns:shop", "configmaps/cfg", "pods/web-0", "deployments.apps/web" }, plan.Order());
    }
}

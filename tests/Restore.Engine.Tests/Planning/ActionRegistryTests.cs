using System.Linq;
using Restore.Engine.Actions;
using Xunit;

namespace Restore.Engine.Tests.Planning;

public class ActionRegistryTests
{
    [Fact]
    public void Default_registry_runs_the_built_ins_in_velero_order()
    {
        var names = RestoreItemActionRegistry.Default.Actions.Select(a => a.Name).ToList();
        Assert.NotEmpty(names);
        var expected = RestoreItemActionRegistry.VeleroRegistrationOrder.Where(names.Contains).ToList();
        Assert.Equal(expected, names);
        Assert.Equal(names.Distinct().Count(), names.Count);
    }

    [Theory]
    [InlineData("pods", "velero.io/add-pvc-from-pod", "velero.io/pod")]
    [InlineData("persistentvolumeclaims", "velero.io/pvc", null)]
    [InlineData("jobs.batch", "velero.io/job", null)]
    public void Actions_for_a_resource_keep_registry_order(string gr, string first, string? later)
    {
        var names = RestoreItemActionRegistry.Default.For(gr).Select(a => a.Name).ToList();
        Assert.Contains(first, names);
        if (later is not null)
        {
            Assert.True(names.IndexOf(first) < names.IndexOf(later));
        }
    }

    [Fact]
    public void Unknown_actions_sort_after_the_built_ins_in_their_own_order()
    {
        var ordered = RestoreItemActionRegistry.OrderByRegistration(new IRestoreItemAction[]
        {
            new TestAction("z/custom", "pods", _ => RestoreItemActionResult.Continue),
            new TestAction("velero.io/pod", "pods", _ => RestoreItemActionResult.Continue),
            new TestAction("a/custom", "pods", _ => RestoreItemActionResult.Continue),
            new TestAction("velero.io/add-pvc-from-pod", "pods", _ => RestoreItemActionResult.Continue),
        }).Select(a => a.Name);
        Assert.Equal(new[] { "velero.io/add-pvc-from-pod", "velero.io/pod", "z/custom", "a/custom" }, ordered);
        Assert.Empty(RestoreItemActionRegistry.Empty.For("pods"));
    }
}

using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class JobActionTests
{
    [Theory]
    [InlineData(
        "{'spec':{'selector':{'matchLabels':{'batch.kubernetes.io/controller-uid':'u','controller-uid':'u','app':'x'}},'template':{'metadata':{'labels':{'batch.kubernetes.io/controller-uid':'u','controller-uid':'u','job-name':'j'}}}}}",
        "{'spec':{'selector':{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'job-name':'j'}}}}}")]
    [InlineData(
        "{'spec':{'selector':{'matchLabels':{'controller-uid':'u'}},'template':{'metadata':{'labels':{'controller-uid':'u'}}}}}",
        "{'spec':{'selector':{},'template':{'metadata':{}}}}")]
    [InlineData(
        "{'spec':{'template':{'metadata':{'labels':{'batch.kubernetes.io/controller-uid':'u'}}}}}",
        "{'spec':{'template':{'metadata':{}}}}")]
    [InlineData(
        "{'spec':{'selector':{'matchExpressions':[{'key':'controller-uid','operator':'Exists'}]}}}",
        "{'spec':{'selector':{'matchExpressions':[{'key':'controller-uid','operator':'Exists'}]}}}")]
    public void RemovesControllerUidLabels(string input, string expected)
    {
        var context = Context(input, "jobs.batch");
        var result = Run(new JobAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
    }

    [Theory]
    [InlineData("jobs.batch", true)]
    [InlineData("jobs", false)]
    [InlineData("cronjobs.batch", false)]
    public void AppliesToBatchJobs(string groupResource, bool applies) =>
        Assert.Equal(applies, new JobAction().AppliesTo(groupResource));
}

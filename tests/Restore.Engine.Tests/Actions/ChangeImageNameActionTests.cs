using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class ChangeImageNameActionTests
{
    [Theory]
    [InlineData(
        "deployment: containers and init containers, all occurrences",
        "deployments.apps",
        "{'kind':'Deployment','spec':{'template':{'spec':{'containers':[{'name':'a','image':'reg.old/app:old-1'},{'name':'b','image':'docker.io/nginx'}],'initContainers':[{'name':'i','image':'reg.old/init'}]}}}}",
        "reg.old=reg.new;old=new",
        "{'kind':'Deployment','spec':{'template':{'spec':{'containers':[{'name':'a','image':'reg.new/app:old-1'},{'name':'b','image':'docker.io/nginx'}],'initContainers':[{'name':'i','image':'reg.new/init'}]}}}}")]
    [InlineData(
        "shorter rule applies when the longer does not match; all occurrences replaced",
        "statefulsets.apps",
        "{'kind':'StatefulSet','spec':{'template':{'spec':{'containers':[{'name':'a','image':'old/x:old'}]}}}}",
        "reg.old=reg.new;old=new",
        "{'kind':'StatefulSet','spec':{'template':{'spec':{'containers':[{'name':'a','image':'new/x:new'}]}}}}")]
    [InlineData(
        "pod spec at spec",
        "pods",
        "{'kind':'Pod','spec':{'containers':[{'name':'a','image':'quay.io/a'}]}}",
        "quay.io=mirror.local",
        "{'kind':'Pod','spec':{'containers':[{'name':'a','image':'mirror.local/a'}]}}")]
    [InlineData(
        "cron job pod spec under jobTemplate",
        "cronjobs.batch",
        "{'kind':'CronJob','spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'quay.io/a'}]}}}}}}",
        "quay.io=mirror.local",
        "{'kind':'CronJob','spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'mirror.local/a'}]}}}}}}")]
    [InlineData(
        "empty new part strips",
        "daemonsets.apps",
        "{'kind':'DaemonSet','spec':{'template':{'spec':{'containers':[{'name':'a','image':'docker.io/library/busybox'}]}}}}",
        "docker.io/=",
        "{'kind':'DaemonSet','spec':{'template':{'spec':{'containers':[{'name':'a','image':'library/busybox'}]}}}}")]
    [InlineData(
        "no mapping: unchanged",
        "jobs.batch",
        "{'kind':'Job','spec':{'template':{'spec':{'containers':[{'name':'a','image':'quay.io/a'}]}}}}",
        "",
        "{'kind':'Job','spec':{'template':{'spec':{'containers':[{'name':'a','image':'quay.io/a'}]}}}}")]
    public void ReplacesImageParts(string name, string groupResource, string input, string mapping, string expected)
    {
        Assert.NotNull(name);
        var context = Context(input, groupResource, options: new RestoreActionOptions { ImageMapping = Map(mapping) });
        var result = Run(new ChangeImageNameAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
    }

    [Theory]
    [InlineData("deployments.apps", true)]
    [InlineData("statefulsets.apps", true)]
    [InlineData("daemonsets.apps", true)]
    [InlineData("replicasets.apps", true)]
    [InlineData("replicationcontrollers", true)]
    [InlineData("jobs.batch", true)]
    [InlineData("cronjobs.batch", true)]
    [InlineData("pods", true)]
    [InlineData("configmaps", false)]
    public void AppliesToWorkloads(string groupResource, bool applies) =>
        Assert.Equal(applies, new ChangeImageNameAction().AppliesTo(groupResource));
}

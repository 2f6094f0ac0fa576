using System.Linq;
using Restore.Engine.Actions;
using Restore.Engine.Velero;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class PodVolumeRestoreActionTests
{
    private const string Pvbs =
        "[{'metadata':{'name':'b1'},'spec':{'pod':{'namespace':'shop','name':'web-0'},'volume':'cache','uploaderType':'kopia'},'status':{'snapshotID':'s1'}}," +
        "{'metadata':{'name':'b2','annotations':{'velero.io/pvc-name':'data'}},'spec':{'pod':{'namespace':'shop','name':'web-0'},'volume':'data'},'status':{'snapshotID':'s2'}}," +
        "{'metadata':{'name':'b3'},'spec':{'pod':{'namespace':'shop','name':'web-0'},'volume':'empty'},'status':{'snapshotID':''}}," +
        "{'metadata':{'name':'b4'},'spec':{'pod':{'namespace':'shop','name':'web-0'},'volume':'info'},'status':{'snapshotID':'s4'}}," +
        "{'metadata':{'name':'b5'},'spec':{'pod':{'namespace':'other','name':'web-0'},'volume':'cache'},'status':{'snapshotID':'s5'}}]";

    private const string Pod =
        "{'metadata':{'name':'web-0'},'spec':{'volumes':[{'name':'cache','emptyDir':{}},{'name':'data','persistentVolumeClaim':{'claimName':'data'}},{'name':'empty','emptyDir':{}},{'name':'info','downwardAPI':{}}],'initContainers':[{'name':'restore-wait','image':'velero'},{'name':'setup'}]}}";

    [Theory]
    [InlineData(
        "stale restore-wait removed; non-claim file-system volume warned once",
        Pod, "shop",
        "{'metadata':{'name':'web-0'},'spec':{'volumes':[{'name':'cache','emptyDir':{}},{'name':'data','persistentVolumeClaim':{'claimName':'data'}},{'name':'empty','emptyDir':{}},{'name':'info','downwardAPI':{}}],'initContainers':[{'name':'setup'}]}}",
        "cache")]
    [InlineData(
        "legacy restic-wait removed; no backups for this pod namespace",
        "{'metadata':{'name':'web-0'},'spec':{'initContainers':[{'name':'restic-wait'}]}}", "elsewhere",
        "{'metadata':{'name':'web-0'},'spec':{}}",
        "")]
    [InlineData(
        "legacy snapshot annotations when no PodVolumeBackup matches",
        "{'metadata':{'name':'api-0','annotations':{'snapshot.velero.io/scratch':'abc'}},'spec':{'volumes':[{'name':'scratch','emptyDir':{}}]}}", "shop",
        "{'metadata':{'name':'api-0','annotations':{'snapshot.velero.io/scratch':'abc'}},'spec':{'volumes':[{'name':'scratch','emptyDir':{}}]}}",
        "scratch")]
    public void RemovesWaitContainersAndWarnsAboutFileSystemData(string name, string input, string sourceNamespace, string expected, string warnedVolumes)
    {
        Assert.NotNull(name);
        var options = new RestoreActionOptions
        {
            BackupVolumes = new BackupVolumeData { PodVolumeBackups = PodVolumeBackup.ParseList(Json("{'x':" + Pvbs + "}")["x"]!.ToJsonString()) },
        };
        var context = Context(input, "pods", sourceNamespace, options: options);
        var result = Run(new PodVolumeRestoreAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
        var expectedVolumes = warnedVolumes.Length == 0 ? System.Array.Empty<string>() : warnedVolumes.Split(';');
        Assert.Equal(expectedVolumes.Length, context.Warnings.Count);
        foreach (var (volume, warning) in expectedVolumes.Zip(context.Warnings))
        {
            Assert.Contains($"volume \"{volume}\"", warning, System.StringComparison.Ordinal);
            Assert.Contains("PodVolumeBackup", warning, System.StringComparison.Ordinal);
            Assert.StartsWith("volume data not restored for pod " + sourceNamespace + "/", warning, System.StringComparison.Ordinal);
        }
    }
}

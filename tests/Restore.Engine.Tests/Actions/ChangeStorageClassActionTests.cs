using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class ChangeStorageClassActionTests
{
    [Theory]
    [InlineData(
        "claim class mapped",
        "persistentvolumeclaims",
        "{'kind':'PersistentVolumeClaim','spec':{'storageClassName':'gp2'}}",
        "gp2=gp3", "gp3", true,
        "{'kind':'PersistentVolumeClaim','spec':{'storageClassName':'gp3'}}", 0)]
    [InlineData(
        "volume class mapped without a cluster view",
        "persistentvolumes",
        "{'kind':'PersistentVolume','spec':{'storageClassName':'gp2'}}",
        "gp2=gp3", "", false,
        "{'kind':'PersistentVolume','spec':{'storageClassName':'gp3'}}", 0)]
    [InlineData(
        "unmapped class unchanged",
        "persistentvolumeclaims",
        "{'kind':'PersistentVolumeClaim','spec':{'storageClassName':'standard'}}",
        "gp2=gp3", "gp3", true,
        "{'kind':'PersistentVolumeClaim','spec':{'storageClassName':'standard'}}", 0)]
    [InlineData(
        "no class unchanged",
        "persistentvolumeclaims",
        "{'kind':'PersistentVolumeClaim','spec':{}}",
        "gp2=gp3", "gp3", true,
        "{'kind':'PersistentVolumeClaim','spec':{}}", 0)]
    [InlineData(
        "missing target class: warning, unchanged",
        "persistentvolumeclaims",
        "{'kind':'PersistentVolumeClaim','spec':{'storageClassName':'gp2'}}",
        "gp2=gp3", "standard", true,
        "{'kind':'PersistentVolumeClaim','spec':{'storageClassName':'gp2'}}", 1)]
    [InlineData(
        "stateful set templates mapped one by one",
        "statefulsets.apps",
        "{'kind':'StatefulSet','spec':{'storageClassName':'gp2','volumeClaimTemplates':[{'spec':{'storageClassName':'gp2'}},{'spec':{'storageClassName':'slow'}},{'spec':{}}]}}",
        "gp2=gp3;slow=fast", "gp3", true,
        "{'kind':'StatefulSet','spec':{'storageClassName':'gp2','volumeClaimTemplates':[{'spec':{'storageClassName':'gp3'}},{'spec':{'storageClassName':'slow'}},{'spec':{}}]}}", 1)]
    public void MapsStorageClasses(string name, string groupResource, string input, string mapping, string existingClasses, bool withCluster, string expected, int warnings)
    {
        Assert.NotNull(name);
        FakeCluster? cluster = null;
        if (withCluster)
        {
            cluster = new FakeCluster();
            foreach (var c in existingClasses.Split(';', System.StringSplitOptions.RemoveEmptyEntries))
            {
                cluster.StorageClasses.Add(c);
            }
        }

        var context = Context(input, groupResource, options: new RestoreActionOptions { StorageClassMapping = Map(mapping) }, cluster: cluster);
        var result = Run(new ChangeStorageClassAction(), context);

        AssertJson(expected, context.Item);
        Assert.Equal(warnings, context.Warnings.Count);
        Assert.All(context.Warnings, w => Assert.Contains("does not exist in the target cluster", w, System.StringComparison.Ordinal));
        Assert.False(result.Skip);
    }
}

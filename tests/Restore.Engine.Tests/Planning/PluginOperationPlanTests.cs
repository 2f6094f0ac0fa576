using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>
/// Plugins named in the backup's item operations: an item a plugin acted on is restored as stored, with a warning naming the
/// plugin and New-Restore -Server (docs/velero-compatibility.md#plugins-named-in-the-backup).
/// </summary>
public class PluginOperationPlanTests
{
    private const string OperationsJson = """
        [
          {"spec":{"backupName":"b1","backupItemAction":"example.io/db-backupper","operationID":"op-1",
                   "resourceIdentifier":{"Group":"apps","Resource":"deployments","Namespace":"shop","Name":"db"}},
           "status":{"phase":"Completed"}},
          {"spec":{"backupName":"b1","backupItemAction":"velero.io/csi-pvc-backupper","operationID":"du-1",
                   "resourceIdentifier":{"Group":"","Resource":"configmaps","Namespace":"shop","Name":"settings"}},
           "status":{"phase":"Completed"}},
          {"spec":{"backupName":"b1","backupItemAction":"example.io/db-backupper","operationID":"op-2",
                   "resourceIdentifier":{"Group":"apps","Resource":"deployments","Namespace":"other","Name":"db"}},
           "status":{"phase":"Failed"}}
        ]
        """;

    private static TestBackup Backup() => new TestBackup()
        .Add("namespaces", K8s.Namespace("shop"))
        .Add("namespaces", K8s.Namespace("other"))
        .Add("deployments.apps", K8s.Deployment("shop", "db"))
        .Add("deployments.apps", K8s.Deployment("shop", "web"))
        .Add("deployments.apps", K8s.Deployment("other", "db"))
        .Add("configmaps", K8s.ConfigMap("shop", "settings"));

    private static BackupVolumeData Operations() => new() { ItemOperations = BackupItemOperation.ParseList(OperationsJson) };

    [Fact]
    public void ItemAPluginActedOn_IsCreatedAsStored_WithAWarningNamingThePluginAndServer()
    {
        var plan = Planner.Plan(Backup(), new RestoreSpec { IncludedNamespaces = new List<string> { "shop" } }, volumes: Operations());

        var db = plan.Items.Single(i => i.GroupResource == "deployments.apps" && i.SourceNamespace == "shop" && i.Name == "db");
        Assert.Equal(PlanDecision.Create, db.Decision);
        var warning = Assert.Single(db.Warnings);
        Assert.Contains("\"example.io/db-backupper\"", warning.Text);
        Assert.Contains("operation op-1, Completed", warning.Text);
        Assert.Contains("New-Restore -Server", warning.Text);
        Assert.Equal("shop", warning.Namespace);
        Assert.Contains(plan.Results.Warnings.All(), w => w.Text == warning.Text);

        // Ours, not Velero's: a warning here must not turn the item's resource-list entry into "failed".
        Assert.Equal(0, db.VeleroMessageCount);
    }

    [Fact]
    public void PlanNote_NamesEachPluginWithItsItemCount_OnlyForItemsThisRestoreIncludes()
    {
        var one = Planner.Plan(Backup(), new RestoreSpec { IncludedNamespaces = new List<string> { "shop" } }, volumes: Operations());
        var note = Assert.Single(one.Notes, n => n.Contains("Velero plugins acted on items"));
        Assert.Contains("\"example.io/db-backupper\" (1 item)", note);
        Assert.Contains("New-Restore -Server", note);

        var both = Planner.Plan(Backup(), new RestoreSpec(), volumes: Operations());
        Assert.Contains(both.Notes, n => n.Contains("\"example.io/db-backupper\" (2 items)"));
        var other = both.Items.Single(i => i.GroupResource == "deployments.apps" && i.SourceNamespace == "other" && i.Name == "db");
        Assert.Contains("operation op-2, Failed", Assert.Single(other.Warnings).Text);
    }

    [Theory]
    [InlineData("configmaps", "settings")] // a built-in CSI action: volume decisions speak for it
    [InlineData("deployments.apps", "web")] // no operation at all
    public void OtherItems_GetNoPluginNote(string groupResource, string name)
    {
        var plan = Planner.Plan(Backup(), new RestoreSpec(), volumes: Operations());

        var item = plan.Item(groupResource, name);
        Assert.Equal(PlanDecision.Create, item.Decision);
        Assert.Empty(item.Notes);
        Assert.Empty(item.Warnings);
    }

    [Fact]
    public void ExcludedItems_AndBackupsWithoutOperations_GiveNoPluginNote()
    {
        var excluded = Planner.Plan(Backup(), new RestoreSpec { ExcludedResources = new List<string> { "deployments" } }, volumes: Operations());
        Assert.DoesNotContain(excluded.Notes, n => n.Contains("Velero plugins"));
        Assert.Equal(0, excluded.Results.Warnings.Count);

        var none = Planner.Plan(Backup(), new RestoreSpec());
        Assert.DoesNotContain(none.Notes, n => n.Contains("Velero plugins"));
        Assert.All(none.Items, i => Assert.Empty(i.Warnings));
    }
}

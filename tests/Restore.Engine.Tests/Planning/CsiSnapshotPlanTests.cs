using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Actions.Csi;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>
/// A claim backed up with a CSI snapshot, planned end to end: the content is pre-provisioned from the backed-up handle,
/// the snapshot is bound to it and the claim provisioned from the snapshot, in that order (docs/velero-compatibility.md#csi-snapshots).
/// </summary>
public class CsiSnapshotPlanTests
{
    private const string ContentsResource = "volumesnapshotcontents.snapshot.storage.k8s.io";
    private const string SnapshotsResource = "volumesnapshots.snapshot.storage.k8s.io";

    private static readonly string Restored = CsiSnapshotNames.ForRestore(string.Empty, "vs-data");

    private static (TestBackup Backup, BackupVolumeData Volumes) CsiBackup(bool withHandle = true, bool withContent = true)
    {
        var claim = K8s.Pvc("shop", "data", "pvc-1", phase: "Pending");
        claim["metadata"]!["annotations"] = new JsonObject { ["velero.io/volume-snapshot-name"] = "vs-data" };
        var snapshot = K8s.Obj(
            "snapshot.storage.k8s.io/v1", "VolumeSnapshot", "shop", "vs-data", null,
            new JsonObject { ["source"] = new JsonObject { ["persistentVolumeClaimName"] = "data" }, ["volumeSnapshotClassName"] = "csi-snapclass" },
            new JsonObject { ["boundVolumeSnapshotContentName"] = "snapcontent-1", ["readyToUse"] = true });
        var content = K8s.Obj(
            "snapshot.storage.k8s.io/v1", "VolumeSnapshotContent", null, "snapcontent-1", null,
            new JsonObject
            {
                ["driver"] = "hostpath.csi.k8s.io",
                ["deletionPolicy"] = "Delete",
                ["source"] = new JsonObject { ["volumeHandle"] = "vol-1" },
                ["volumeSnapshotClassName"] = "csi-snapclass",
                ["volumeSnapshotRef"] = new JsonObject { ["namespace"] = "shop", ["name"] = "vs-data", ["uid"] = "vs-uid" },
            },
            withHandle ? new JsonObject { ["snapshotHandle"] = "snap-handle-1", ["readyToUse"] = true } : new JsonObject { ["readyToUse"] = true });
        var backup = new TestBackup()
            .Add("namespaces", K8s.Namespace("shop"))
            .Add("persistentvolumeclaims", claim)
            .Add(SnapshotsResource, snapshot);
        if (withContent)
        {
            backup.Add(ContentsResource, content);
        }

        var volumes = new BackupVolumeData
        {
            CsiVolumeSnapshots = new[] { CsiVolumeSnapshotRecord.Parse(snapshot.ToJsonString()) },
            CsiVolumeSnapshotContents = withContent ? new[] { CsiVolumeSnapshotContentRecord.Parse(content.ToJsonString()) } : Array.Empty<CsiVolumeSnapshotContentRecord>(),
        };
        return (backup, volumes);
    }

    [Fact]
    public void ContentThenSnapshotThenClaim_PreProvisionedFromTheHandle()
    {
        var (backup, volumes) = CsiBackup();
        var plan = Planner.Plan(backup, new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["shop"] = "shop-copy" } }, volumes: volumes);

        Assert.Equal(new[] { "ns:shop-copy", ContentsResource + "/snapcontent-1", SnapshotsResource + "/vs-data", "persistentvolumeclaims/data" }, plan.Order());

        var content = plan.Item(ContentsResource, "snapcontent-1").Object();
        Assert.Equal(Restored, content["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("Retain", content["spec"]!["deletionPolicy"]!.GetValue<string>());
        Assert.Equal("hostpath.csi.k8s.io", content["spec"]!["driver"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["snapshotHandle"] = "snap-handle-1" }, content["spec"]!["source"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["namespace"] = "shop-copy", ["name"] = Restored }, content["spec"]!["volumeSnapshotRef"]));

        var snapshot = plan.Item(SnapshotsResource, "vs-data").Object();
        Assert.Equal(Restored, snapshot["metadata"]!["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["volumeSnapshotContentName"] = Restored }, snapshot["spec"]!["source"]));

        var claimItem = plan.Item("persistentvolumeclaims", "data");
        var claim = claimItem.Object();
        Assert.Equal(Restored, claim["spec"]!["dataSource"]!["name"]!.GetValue<string>());
        Assert.Null(claim["spec"]!["volumeName"]);
        Assert.Contains(claimItem.Notes, n => n.Contains("created from snapshot handle snap-handle-1 of driver hostpath.csi.k8s.io", StringComparison.Ordinal));
        Assert.Contains(plan.Item(ContentsResource, "snapcontent-1").Notes, n => n.Contains("snapshot handle snap-handle-1", StringComparison.Ordinal));
        Assert.Empty(plan.Results.Warnings.All());
        Assert.Empty(plan.Results.Errors.All());
    }

    [Fact]
    public void ContentMissingFromTheBackup_ClaimWarnsNamingTheServerAndIsNotPointedAtASnapshot()
    {
        var (backup, volumes) = CsiBackup(withContent: false);
        var plan = Planner.Plan(backup, new RestoreSpec(), volumes: volumes);

        var claimItem = plan.Item("persistentvolumeclaims", "data");
        Assert.Equal(PlanDecision.Create, claimItem.Decision);
        Assert.Null(claimItem.Object()["spec"]!["dataSource"]);
        var warning = Assert.Single(plan.Results.Warnings.All(), m => m.Text.Contains("claim shop/data", StringComparison.Ordinal));
        Assert.Contains("VolumeSnapshotContent snapcontent-1 is not in the backup tarball", warning.Text, StringComparison.Ordinal);
        Assert.Contains("New-Restore -Server", warning.Text, StringComparison.Ordinal);
        Assert.Contains(claimItem.Notes, n => n.Contains("needs the Velero server (New-Restore -Server)", StringComparison.Ordinal));
    }

    [Fact]
    public void ASnapshotTheResourceFilterExcludesLeavesTheClaimPendingAndSaysSo()
    {
        var (backup, volumes) = CsiBackup();
        var plan = Planner.Plan(backup, new RestoreSpec { IncludedResources = new List<string> { "persistentvolumeclaims" } }, volumes: volumes);

        var claimItem = plan.Item("persistentvolumeclaims", "data");
        Assert.Equal(Restored, claimItem.Object()["spec"]!["dataSource"]!["name"]!.GetValue<string>());
        var warning = Assert.Single(plan.Results.Warnings.All(), m => m.Text.Contains("claim shop/data", StringComparison.Ordinal));
        Assert.Contains("which the resource filter excludes: the claim stays Pending", warning.Text, StringComparison.Ordinal);
        Assert.Contains(claimItem.Notes, n => n.Contains("stays Pending", StringComparison.Ordinal));
    }
}

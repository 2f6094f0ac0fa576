using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Restore.Engine.Actions;
using Restore.Engine.Velero;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class PersistentVolumeRestorerTests
{
    private const string Retain =
        "{'metadata':{'name':'pv-1','annotations':{'pv.kubernetes.io/bound-by-controller':'yes','pv.kubernetes.io/bind-completed':'yes','keep':'x'}},'spec':{'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'shop','name':'data','uid':'u','resourceVersion':'7'}}}";

    private const string Delete =
        "{'metadata':{'name':'pv-1'},'spec':{'persistentVolumeReclaimPolicy':'Delete','claimRef':{'namespace':'shop','name':'data','uid':'u'}}}";

    private const string DeleteUnclaimed = "{'metadata':{'name':'pv-1'},'spec':{'persistentVolumeReclaimPolicy':'Delete'}}";

    private const string RetainReset =
        "{'metadata':{'name':'pv-1','annotations':{'keep':'x'}},'spec':{'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'shop','name':'data'}}}";

    private const string RetainRemapped =
        "{'metadata':{'name':'pv-1','annotations':{'keep':'x'}},'spec':{'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'shop-copy','name':'data'}}}";

    private const string RetainRenamed =
        "{'metadata':{'name':'velero-clone-test','annotations':{'keep':'x','velero.io/original-pv-name':'pv-1'}},'spec':{'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'shop-copy','name':'data'}}}";

    private const string Unchanged = "=";

    [Theory]
    [InlineData("native snapshot, no mapping: restored as-is with a warning",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'NativeSnapshot'}]}", "", null, false,
        "Restore", RetainReset, "backup method NativeSnapshot needs a Velero volume snapshotter plugin")]
    [InlineData("native snapshot, mapped claim namespace, PV exists: renamed clone",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'NativeSnapshot'}]}", "shop=shop-copy", null, true,
        "Rename", RetainRenamed, "same storage volume as the existing PersistentVolume \"pv-1\". To restore its data, restore this claim through the Velero server (New-Restore -Server)")]
    [InlineData("native snapshot, mapped claim namespace, PV absent: not renamed",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'NativeSnapshot'}]}", "shop=shop-copy", null, false,
        "Restore", RetainRemapped, "pointing at its original storage volume. To restore its data, restore this claim through the Velero server (New-Restore -Server)")]
    [InlineData("native snapshot, PV exists but namespace not mapped: not renamed",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'NativeSnapshot'}]}", "other=x", null, true,
        "Restore", RetainReset, "NativeSnapshot")]
    [InlineData("native snapshot with restorePVs false",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'NativeSnapshot'}]}", "", false, false,
        "Restore", RetainReset, "backup method NativeSnapshot and restorePVs is false")]
    [InlineData("pod volume backup: re-provisioned, warning names uploader",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'PodVolumeBackup','pvbInfo':{'uploaderType':'kopia'}}]}", "", null, false,
        "Reprovision", Unchanged, "backup method PodVolumeBackup (file-system backup, uploader kopia) needs Velero's node agent")]
    [InlineData("CSI snapshot without data movement: re-provisioned from the snapshot, no warning",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'CSISnapshot','csiSnapshotInfo':{'ReadyToUse':true}}]}", "", null, false,
        "Reprovision", Unchanged, "")]
    [InlineData("CSI snapshot moved by a data mover: warning",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'CSISnapshot','snapshotDataMoved':true,'snapshotDataMovementInfo':{'dataMover':'velero'}}]}", "", null, false,
        "Reprovision", Unchanged, "backup method CSISnapshot with data movement (data mover velero) needs Velero's data mover")]
    [InlineData("CSI snapshot with restorePVs false: warning",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'CSISnapshot'}]}", "", false, false,
        "Reprovision", Unchanged, "backup method CSISnapshot and restorePVs is false")]
    [InlineData("skipped volume with Delete policy: re-provisioned, warning gives the skip reason",
        Delete, "{'volumeInfos':[{'pvName':'pv-1','skipped':true,'skippedReason':'volume policy skip'}]}", "", null, false,
        "Reprovision", Unchanged, "the volume's data is not in the backup (volume policy skip) and the reclaim policy is Delete")]
    [InlineData("skipped volume with Retain policy: restored as-is, remapped, no warning",
        Retain, "{'volumeInfos':[{'pvName':'pv-1','skipped':true}]}", "shop=shop-copy", null, false,
        "Restore", RetainRemapped, "")]
    [InlineData("unknown method with Delete policy: re-provisioned",
        Delete, "{'volumeInfos':[{'pvName':'pv-1','backupMethod':'Teleport'}]}", "", null, false,
        "Reprovision", Unchanged, "backup method \"Teleport\" is not supported")]
    [InlineData("fallback 1: native snapshot of the PV",
        Retain, "{'nativeSnapshots':[{'spec':{'persistentVolumeName':'pv-1'},'status':{'providerSnapshotID':'snap-1'}}]}", "", null, false,
        "Restore", RetainReset, "NativeSnapshot")]
    [InlineData("fallback 1 wins over 2: native snapshot and a pod volume backup",
        Retain, "{'nativeSnapshots':[{'spec':{'persistentVolumeName':'pv-1'}}],'podVolumeBackups':[{'metadata':{'annotations':{'velero.io/pvc-name':'data'}},'spec':{'pod':{'namespace':'shop','name':'p'}}}]}", "", null, false,
        "Restore", RetainReset, "NativeSnapshot")]
    [InlineData("fallback 2: pod volume backup of the claim",
        Retain, "{'podVolumeBackups':[{'metadata':{'annotations':{'velero.io/pvc-name':'data'}},'spec':{'pod':{'namespace':'shop','name':'p'},'uploaderType':'restic'}}]}", "", null, false,
        "Reprovision", Unchanged, "PodVolumeBackup (file-system backup, uploader restic)")]
    [InlineData("fallback 2 needs the claim's namespace",
        Retain, "{'podVolumeBackups':[{'metadata':{'annotations':{'velero.io/pvc-name':'data'}},'spec':{'pod':{'namespace':'other','name':'p'}}}]}", "", null, false,
        "Restore", RetainReset, "")]
    [InlineData("fallback 3: CSI VolumeSnapshot of the claim",
        Retain, "{'csiVolumeSnapshots':[{'metadata':{'namespace':'shop','name':'vs'},'spec':{'source':{'persistentVolumeClaimName':'data'}}}]}", "", null, false,
        "Reprovision", Unchanged, "")]
    [InlineData("fallback 4: DataUpload of the claim",
        Retain, "{'dataUploads':[{'metadata':{'name':'du'},'spec':{'sourceNamespace':'shop','sourcePVC':'data'}}]}", "", null, false,
        "Reprovision", Unchanged, "with data movement needs Velero's data mover")]
    [InlineData("fallback 5: Delete policy",
        Delete, "{}", "", null, false,
        "Reprovision", Unchanged, "the volume's data is not in the backup and the reclaim policy is Delete")]
    [InlineData("fallback 6: Retain policy restored as-is",
        Retain, "{}", "shop=shop-copy", null, false,
        "Restore", RetainRemapped, "")]
    [InlineData("volume info for another PV only: fallback decides",
        Retain, "{'volumeInfos':[{'pvName':'pv-2','backupMethod':'PodVolumeBackup'}],'nativeSnapshots':[{'spec':{'persistentVolumeName':'pv-1'}}]}", "", null, false,
        "Restore", RetainReset, "NativeSnapshot")]
    [InlineData("unclaimed Delete volume",
        DeleteUnclaimed, "{}", "", null, false,
        "Reprovision", Unchanged, "\"pv-1\" (no claim)")]
    public void Decides(string name, string pv, string volumeData, string mapping, bool? restorePvs, bool pvExists, string expectedKind, string expectedPv, string warningPart)
    {
        Assert.NotNull(name);
        var cluster = new FakeCluster();
        if (pvExists)
        {
            cluster.PersistentVolumes.Add("pv-1");
        }

        var restorer = new PersistentVolumeRestorer(Options(volumeData, mapping, restorePvs), cluster, () => "velero-clone-test");
        var item = Json(pv);
        var decision = restorer.Decide(item);

        Assert.Equal(expectedKind, decision.Kind.ToString());
        AssertJson(expectedPv == Unchanged ? pv : expectedPv, item);
        Assert.Equal("pv-1", decision.OriginalName);
        Assert.Equal(decision.Kind == PersistentVolumeRestoreKind.Rename ? "velero-clone-test" : "pv-1", decision.Name);
        Assert.Equal(decision.Kind == PersistentVolumeRestoreKind.Reprovision, restorer.IsReprovisioned("pv-1"));
        Assert.Equal(decision.Kind == PersistentVolumeRestoreKind.Rename ? "pv-1=velero-clone-test" : string.Empty, string.Join(";", restorer.RenamedVolumes.Select(p => p.Key + "=" + p.Value)));
        Assert.False(string.IsNullOrEmpty(decision.Reason));
        if (warningPart.Length == 0)
        {
            Assert.Empty(decision.Warnings);
        }
        else
        {
            var warning = Assert.Single(decision.Warnings);
            Assert.StartsWith("volume data not restored for PersistentVolume \"pv-1\" (", warning, System.StringComparison.Ordinal);
            Assert.Contains(warningPart, warning, System.StringComparison.Ordinal);
            Assert.False(decision.DataRestored);

            if (warning.Contains("NativeSnapshot"))
            {
                // Only the server can restore from a native snapshot; unless the user asked for no volume data, say so.
                Assert.Equal(restorePvs != false, warning.Contains("New-Restore -Server"));
            }
            if (pv != DeleteUnclaimed)
            {
                Assert.Contains("(claim shop/data)", warning, System.StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData(true, null, true)]
    [InlineData(false, null, false)]
    [InlineData(true, false, false)]
    public void CsiDataComesBackOnlyWhenTheCsiActionsRestoreIt(bool csiEnabled, bool? restorePvs, bool dataRestored)
    {
        var options = new RestoreActionOptions
        {
            CsiActionsEnabled = csiEnabled,
            RestorePersistentVolumes = restorePvs,
            BackupVolumes = new BackupVolumeData { VolumeInfos = BackupVolumeInfo.ParseList("[{\"pvName\":\"pv-1\",\"backupMethod\":\"CSISnapshot\"}]") },
        };
        var decision = new PersistentVolumeRestorer(options, null).Decide(Json(Retain));

        Assert.Equal(PersistentVolumeRestoreKind.Reprovision, decision.Kind);
        Assert.Equal(dataRestored, decision.DataRestored);
        Assert.Equal(dataRestored ? 0 : 1, decision.Warnings.Count);
    }

    [Fact]
    public void WithoutAClusterViewNothingIsRenamed()
    {
        var options = Options("{'volumeInfos':[{'pvName':'pv-1','backupMethod':'NativeSnapshot'}]}", "shop=shop-copy", null);
        var decision = new PersistentVolumeRestorer(options, null).Decide(Json(Retain));
        Assert.Equal(PersistentVolumeRestoreKind.Restore, decision.Kind);
    }

    [Fact]
    public void DefaultCloneNamesAreVeleroCloneUuids()
    {
        var cluster = new FakeCluster();
        cluster.PersistentVolumes.Add("pv-1");
        var options = Options("{'volumeInfos':[{'pvName':'pv-1','backupMethod':'NativeSnapshot'}]}", "shop=shop-copy", null);
        var decision = new PersistentVolumeRestorer(options, cluster).Decide(Json(Retain));

        Assert.Matches(new Regex("^velero-clone-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), decision.Name);
    }

    [Theory]
    [InlineData("claim of a re-provisioned volume loses volumeName and binding annotations",
        "{'metadata':{'name':'data','annotations':{'pv.kubernetes.io/bind-completed':'yes','pv.kubernetes.io/bound-by-controller':'yes','a':'b'}},'spec':{'volumeName':'pv-gone'}}",
        "{'metadata':{'name':'data','annotations':{'a':'b'}},'spec':{}}", true, null)]
    [InlineData("claim of a renamed volume follows the new name",
        "{'metadata':{'name':'data','annotations':{'pv.kubernetes.io/bind-completed':'yes'}},'spec':{'volumeName':'pv-old'}}",
        "{'metadata':{'name':'data'},'spec':{'volumeName':'velero-clone-test'}}", false, "velero-clone-test")]
    [InlineData("claim of a restored volume keeps volumeName",
        "{'metadata':{'name':'data','annotations':{'pv.kubernetes.io/bound-by-controller':'yes'}},'spec':{'volumeName':'pv-kept'}}",
        "{'metadata':{'name':'data'},'spec':{'volumeName':'pv-kept'}}", false, null)]
    [InlineData("claim without volumeName is untouched, annotations included",
        "{'metadata':{'name':'data','annotations':{'pv.kubernetes.io/bind-completed':'yes'}},'spec':{}}",
        "{'metadata':{'name':'data','annotations':{'pv.kubernetes.io/bind-completed':'yes'}},'spec':{}}", false, null)]
    public void FixesClaimsAfterTheVolumeDecisions(string name, string claim, string expected, bool removed, string? renamedTo)
    {
        Assert.NotNull(name);
        var cluster = new FakeCluster();
        cluster.PersistentVolumes.Add("pv-old");
        var options = Options(
            "{'volumeInfos':[{'pvName':'pv-gone','backupMethod':'PodVolumeBackup'},{'pvName':'pv-old','backupMethod':'NativeSnapshot'},{'pvName':'pv-kept'}]}",
            "shop=shop-copy",
            null);
        var restorer = new PersistentVolumeRestorer(options, cluster, () => "velero-clone-test");
        foreach (var pv in new[] { "pv-gone", "pv-old", "pv-kept" })
        {
            restorer.Decide(Json("{'metadata':{'name':'" + pv + "'},'spec':{'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'shop','name':'data'}}}"));
        }

        Assert.Equal(new[] { "pv-gone" }, restorer.ReprovisionedVolumes);
        var item = Json(claim);
        var change = restorer.ApplyToClaim(item);

        AssertJson(expected, item);
        Assert.Equal(removed, change.VolumeNameRemoved);
        Assert.Equal(renamedTo, change.RenamedTo);
    }

    private static RestoreActionOptions Options(string volumeData, string mapping, bool? restorePvs)
    {
        var data = Json(volumeData);
        string List(string key) => data[key]?.ToJsonString() ?? "null";
        return new RestoreActionOptions
        {
            NamespaceMapping = Map(mapping),
            RestorePersistentVolumes = restorePvs,
            BackupVolumes = new BackupVolumeData
            {
                VolumeInfos = BackupVolumeInfo.ParseList(List("volumeInfos")),
                NativeSnapshots = NativeVolumeSnapshot.ParseList(List("nativeSnapshots")),
                PodVolumeBackups = PodVolumeBackup.ParseList(List("podVolumeBackups")),
                CsiVolumeSnapshots = CsiVolumeSnapshotRecord.ParseList(List("csiVolumeSnapshots")),
                DataUploads = (data["dataUploads"] as JsonArray ?? new JsonArray()).Select(n => DataUploadRecord.Parse(n!.ToJsonString())).ToList(),
                SnapshotMoveData = data["snapshotMoveData"]?.GetValue<bool>() ?? false,
            },
        };
    }
}

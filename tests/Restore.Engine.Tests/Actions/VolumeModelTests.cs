using System;
using System.Linq;
using System.Text;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Actions;

public class VolumeModelTests
{
    private const string VolumeInfoSample = """
        [
          {
            "pvcName": "data", "pvcNamespace": "shop", "pvName": "pvc-1", "backupMethod": "CSISnapshot",
            "snapshotDataMoved": true, "preserveLocalSnapshot": false, "skipped": false,
            "startTimestamp": "2025-03-04T05:06:07Z", "completionTimestamp": "2025-03-04T05:08:00Z", "result": "succeeded",
            "csiSnapshotInfo": { "snapshotHandle": "snap-1", "size": 1073741824, "driver": "ebs.csi.aws.com", "vscName": "snapcontent-1", "operationID": "op", "ReadyToUse": true },
            "snapshotDataMovementInfo": { "dataMover": "velero", "uploaderType": "kopia", "snapshotHandle": "k1", "operationID": "du-op", "size": 10, "Phase": "Completed" },
            "pvInfo": { "reclaimPolicy": "Delete", "labels": { "app": "shop" } }
          },
          null,
          {
            "pvName": "pvc-2", "backupMethod": "PodVolumeBackup", "skipped": false,
            "pvbInfo": { "snapshotHandle": "f1", "uploaderType": "kopia", "volumeName": "data", "podName": "web-0", "podNamespace": "shop", "phase": "Completed" }
          },
          { "pvName": "pvc-3", "backupMethod": "NativeSnapshot", "nativeSnapshotInfo": { "snapshotHandle": "snap-9", "volumeType": "gp3", "volumeAZ": "eu-west-1a", "iops": "3000", "Phase": "Completed" } },
          { "pvName": "pvc-4", "skipped": true, "skippedReason": "opted out" },
          { "pvName": "pvc-5", "backupMethod": "Teleport" }
        ]

        """;

    [Fact]
    public void ParsesEveryVolumeInfoFieldIncludingUntaggedOnes()
    {
        var infos = BackupVolumeInfo.ParseList(VolumeInfoSample);

        Assert.Equal(new[] { "pvc-1", "pvc-2", "pvc-3", "pvc-4", "pvc-5" }, infos.Select(i => i.PvName));
        var csi = infos[0];
        Assert.Equal((VolumeBackupMethod.CsiSnapshot, "data", "shop", true, "succeeded"), (csi.BackupMethod, csi.PvcName, csi.PvcNamespace, csi.SnapshotDataMoved, csi.Result));
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero), csi.StartTimestamp);
        Assert.Equal(true, csi.CsiSnapshotInfo!.ReadyToUse);
        Assert.Equal((1073741824L, "ebs.csi.aws.com", "snapcontent-1"), (csi.CsiSnapshotInfo.Size, csi.CsiSnapshotInfo.Driver, csi.CsiSnapshotInfo.VolumeSnapshotContentName));
        Assert.Equal(("velero", "Completed"), (csi.SnapshotDataMovementInfo!.DataMover, csi.SnapshotDataMovementInfo.Phase));
        Assert.Equal("Delete", csi.PersistentVolumeInfo!.ReclaimPolicy);
        Assert.Equal("shop", csi.PersistentVolumeInfo.Labels["app"]);

        // Go matches keys case-insensitively, so a lowercase "phase" fills the untagged Phase field too.
        Assert.Equal(("web-0", "Completed"), (infos[1].PodVolumeBackupInfo!.PodName, infos[1].PodVolumeBackupInfo!.Phase));
        Assert.Equal(VolumeBackupMethod.PodVolumeBackup, infos[1].BackupMethod);
        Assert.Equal(("snap-9", "3000", "Completed"), (infos[2].NativeSnapshotInfo!.SnapshotHandle, infos[2].NativeSnapshotInfo!.Iops, infos[2].NativeSnapshotInfo!.Phase));
        Assert.Equal((VolumeBackupMethod.None, true, "opted out"), (infos[3].BackupMethod, infos[3].Skipped, infos[3].SkippedReason));
        Assert.Equal((VolumeBackupMethod.Other, "Teleport"), (infos[4].BackupMethod, infos[4].BackupMethodText));
        Assert.Null(infos[3].CsiSnapshotInfo);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("null\n")]
    [InlineData("[]")]
    [InlineData(" [ null ] ")]
    public void EmptyFormsGiveNoEntries(string json)
    {
        Assert.Empty(BackupVolumeInfo.ParseList(json));
        Assert.Empty(NativeVolumeSnapshot.ParseList(json));
        Assert.Empty(PodVolumeBackup.ParseList(json));
        Assert.Empty(CsiVolumeSnapshotRecord.ParseList(json));
    }

    [Theory]
    [InlineData("{\"pvName\":\"x\"}", "must be a JSON array")]
    [InlineData("[1]", "element 0 is a JSON Number")]
    [InlineData("[{\"pvName\":", "is not valid JSON")]
    public void BadFilesGiveClearErrors(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => BackupVolumeInfo.ParseList(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("volume info", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsesNativeSnapshotsFromBytesWithByteOrderMark()
    {
        var json = "[{\"spec\":{\"backupName\":\"b\",\"backupUID\":\"u\",\"location\":\"default\",\"persistentVolumeName\":\"pv-1\",\"providerVolumeID\":\"vol-1\",\"volumeType\":\"gp3\",\"volumeAZ\":\"a\",\"volumeIOPS\":3000},\"status\":{\"providerSnapshotID\":\"snap-1\",\"phase\":\"Completed\"}}]";
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(json)).ToArray();

        var snapshot = Assert.Single(NativeVolumeSnapshot.ParseList(bytes));
        Assert.Equal(("pv-1", "vol-1", "snap-1", "Completed", (long?)3000), (snapshot.PersistentVolumeName, snapshot.ProviderVolumeId, snapshot.ProviderSnapshotId, snapshot.Phase, snapshot.VolumeIops));
        Assert.Equal(("b", "u", "default", "gp3", "a"), (snapshot.BackupName, snapshot.BackupUid, snapshot.Location, snapshot.VolumeType, snapshot.VolumeAZ));
    }

    [Fact]
    public void ParsesPodVolumeBackups()
    {
        var json = "[{\"metadata\":{\"name\":\"b-1\",\"namespace\":\"velero\",\"annotations\":{\"velero.io/pvc-name\":\"data\"}},\"spec\":{\"node\":\"n1\",\"pod\":{\"kind\":\"Pod\",\"namespace\":\"shop\",\"name\":\"web-0\",\"uid\":\"p-1\"},\"volume\":\"data\",\"backupStorageLocation\":\"default\",\"uploaderType\":\"kopia\"},\"status\":{\"phase\":\"Completed\",\"snapshotID\":\"k1\",\"progress\":{\"totalBytes\":42}}}]";
        var pvb = Assert.Single(PodVolumeBackup.ParseList(json));

        Assert.Equal(("b-1", "velero", "data", "shop", "web-0", "p-1"), (pvb.Name, pvb.Namespace, pvb.PvcName, pvb.PodNamespace, pvb.PodName, pvb.PodUid));
        Assert.Equal(("data", "kopia", "Completed", "k1", 42L, "n1"), (pvb.Volume, pvb.UploaderType, pvb.Phase, pvb.SnapshotId, pvb.TotalBytes, pvb.Node));
    }

    [Fact]
    public void ParsesCsiSnapshotsAndDataUploadItems()
    {
        var vs = CsiVolumeSnapshotRecord.Parse("{\"metadata\":{\"namespace\":\"shop\",\"name\":\"vs-1\"},\"spec\":{\"source\":{\"persistentVolumeClaimName\":\"data\"}},\"status\":{\"boundVolumeSnapshotContentName\":\"c-1\",\"readyToUse\":false}}");
        Assert.Equal(("shop", "vs-1", "data", "c-1", (bool?)false), (vs.Namespace, vs.Name, vs.SourcePersistentVolumeClaimName, vs.BoundVolumeSnapshotContentName, vs.ReadyToUse));
        Assert.Null(CsiVolumeSnapshotRecord.Parse("{\"spec\":{\"source\":{\"volumeSnapshotContentName\":\"c\"}}}").SourcePersistentVolumeClaimName);

        var du = DataUploadRecord.Parse("{\"metadata\":{\"name\":\"du-1\"},\"spec\":{\"sourceNamespace\":\"shop\",\"sourcePVC\":\"data\",\"dataMover\":\"\"},\"status\":{\"phase\":\"Completed\",\"snapshotID\":\"k\"}}");
        Assert.Equal(("du-1", "shop", "data", "Completed", "k"), (du.Name, du.SourceNamespace, du.SourcePvc, du.Phase, du.SnapshotId));
        Assert.Throws<FormatException>(() => DataUploadRecord.Parse("null"));
    }

    [Fact]
    public void LaterVolumeInfoEntryForTheSamePvWins()
    {
        var data = new BackupVolumeData
        {
            VolumeInfos = BackupVolumeInfo.ParseList("[{\"pvName\":\"pv\",\"backupMethod\":\"NativeSnapshot\"},{\"pvName\":\"pv\",\"backupMethod\":\"PodVolumeBackup\"}]"),
        };

        Assert.Equal(VolumeBackupMethod.PodVolumeBackup, data.FindVolumeInfo("pv")!.BackupMethod);
        Assert.Null(data.FindVolumeInfo("other"));
    }
}

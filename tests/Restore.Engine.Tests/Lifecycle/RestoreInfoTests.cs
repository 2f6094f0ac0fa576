using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Restore.Engine.Api;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

public class RestoreInfoTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 2, 10, 30, 0, TimeSpan.Zero);

    public static TheoryData<string, double?, double, bool, bool, bool, string> Liveness() => new()
    {
        // phase, heartbeat minutes ago (null: none), created minutes ago, canceled, running, abandoned, status
        { RestorePhase.InProgress, 0.5, 10, false, true, false, "InProgress" },
        { RestorePhase.InProgress, 2, 10, false, true, false, "InProgress" },
        { RestorePhase.InProgress, 2.1, 10, false, false, true, "InProgress (abandoned)" },
        { RestorePhase.InProgress, 180, 200, false, false, true, "InProgress (abandoned)" },
        { RestorePhase.New, null, 0.5, false, true, false, "New" },
        { RestorePhase.New, null, 10, false, false, true, "New (abandoned)" },
        { RestorePhase.Completed, 600, 700, false, false, false, "Completed" },
        { RestorePhase.PartiallyFailed, 600, 700, false, false, false, "PartiallyFailed" },
        { RestorePhase.FailedValidation, null, 700, false, false, false, "FailedValidation" },
        { RestorePhase.Failed, 1, 5, true, false, false, "Failed (canceled)" },
    };

    [Theory]
    [MemberData(nameof(Liveness))]
    public void LivenessComesFromTheHeartbeat(string phase, double? heartbeatMinutesAgo, double createdMinutesAgo, bool canceled, bool running, bool abandoned, string status)
    {
        var record = new RestoreRecord
        {
            Name = "r1",
            Phase = phase,
            Canceled = canceled,
            CreationTimestamp = Now.AddMinutes(-createdMinutesAgo),
            LastUpdateTimestamp = heartbeatMinutesAgo is { } ago ? Now.AddMinutes(-ago) : null,
        };

        var info = RestoreInfo.FromRecord(record, null, Now);

        Assert.Equal(running, info.IsRunning);
        Assert.Equal(abandoned, info.IsAbandoned);
        Assert.Equal(status, info.Status);
        Assert.Equal(phase, info.Phase);
        Assert.Equal(running || abandoned || canceled, info.StatusNote is not null);
    }

    [Fact]
    public void AnAbandonedRunSaysWhenItLastBeatAndHowFarItGot()
    {
        var record = new RestoreRecord
        {
            Name = "r1",
            Phase = RestorePhase.InProgress,
            CreationTimestamp = Now.AddMinutes(-30),
            StartTimestamp = Now.AddMinutes(-29),
            LastUpdateTimestamp = Now.AddMinutes(-12),
            TotalItems = 40,
            ItemsRestored = 17,
        };

        var info = RestoreInfo.FromRecord(record, null, Now);

        Assert.Contains("12 min ago", info.StatusNote);
        Assert.Contains("2025-03-02T10:18:00Z", info.StatusNote);
        Assert.Contains("17 of 40 items", info.StatusNote);
        Assert.Equal(TimeSpan.FromMinutes(17), info.Duration);
    }

    [Fact]
    public void RecordFieldsSpecAndOriginAreMapped()
    {
        var record = new RestoreRecord
        {
            Name = "shop-restore",
            Uid = "u-1",
            Phase = RestorePhase.PartiallyFailed,
            CreationTimestamp = Now.AddHours(-1),
            StartTimestamp = Now.AddHours(-1).AddSeconds(5),
            CompletionTimestamp = Now.AddHours(-1).AddSeconds(95),
            LastUpdateTimestamp = Now.AddHours(-1).AddSeconds(95),
            BackupTimestamp = new DateTimeOffset(2025, 3, 1, 2, 0, 0, TimeSpan.Zero),
            CreatedBy = "alice",
            Description = "INC-42",
            Warnings = 2,
            Errors = 1,
            TotalItems = 9,
            ItemsRestored = 9,
            FailureReason = "1 item failed",
        };
        record.Labels["ticket"] = "inc-42";
        record.Targets.Add(new RestoreTargetStatus { Name = "east", Server = "https://east:6443", Phase = RestorePhase.Completed });
        record.Targets.Add(new RestoreTargetStatus { Name = "west", Phase = RestorePhase.PartiallyFailed, FailureReason = "1 item failed" });
        record.WriteSpec(new RestoreSpec
        {
            BackupName = "nightly-20250301",
            ScheduleName = "nightly",
            IncludedNamespaces = new List<string> { "shop" },
            ExcludedResources = new List<string> { "nodes", "events" },
            NamespaceMapping = new Dictionary<string, string> { ["shop"] = "shop-restored" },
        });
        var origin = new StorageLocationOptions { Location = "s3://velero/prod", Endpoint = "https://minio:9000", Region = "eu-1", ProfileName = "ops", AccessKeyId = "AKIA" };

        var info = RestoreInfo.FromRecord(record, origin, Now);

        Assert.Equal("shop-restore", info.Name);
        Assert.Equal("PartiallyFailed", info.Status);
        Assert.False(info.IsRunning);
        Assert.Equal("east, west", info.Cluster);
        Assert.Equal(2, info.Targets.Count);
        Assert.Equal("nightly-20250301", info.Backup);
        Assert.Equal("nightly", info.Schedule);
        Assert.Equal(new DateTime(2025, 3, 1, 2, 0, 0, DateTimeKind.Utc), info.BackupTimestamp);
        Assert.Equal(DateTimeKind.Utc, info.CreationTimestamp!.Value.Kind);
        Assert.Equal(TimeSpan.FromSeconds(90), info.Duration);
        Assert.Equal(new[] { "shop" }, info.IncludedNamespaces);
        Assert.Empty(info.ExcludedNamespaces);
        Assert.Equal(new[] { "nodes", "events" }, info.ExcludedResources);
        Assert.Equal("shop-restored", info.NamespaceMapping["shop"]);
        Assert.Equal("inc-42", info.Labels["ticket"]);
        Assert.Equal("alice", info.CreatedBy);
        Assert.Equal("INC-42", info.Description);
        Assert.Equal((2, 1, 9, 9), (info.Warnings, info.Errors, info.ItemsRestored, info.TotalItems));
        Assert.Equal("1 item failed", info.FailureReason);
        Assert.Equal(("s3://velero/prod", "https://minio:9000", "eu-1", "ops"), (info.StorageLocation, info.Endpoint, info.Region, info.ProfileName));
        Assert.DoesNotContain("AKIA", info.Manifest);
    }

    [Fact]
    public void TheManifestIsTheRestoreObjectAndReadsBackAsOne()
    {
        var record = new RestoreRecord { Name = "r1", Phase = RestorePhase.Completed, CreationTimestamp = Now, Description = "why" };
        record.Labels["team"] = "shop";
        record.WriteSpec(new RestoreSpec
        {
            BackupName = "b1",
            IncludedNamespaces = new List<string> { "shop", "/^team-(a|b)$/" },
            Objects = new List<string> { "deployments.apps/shop/web" },
            Patches = new List<ObjectPatchSpec> { new() { Target = "deployments.apps/shop/web", Type = "json", Patch = "[{\"op\":\"remove\",\"path\":\"/spec/replicas\"}]" } },
        });

        var info = RestoreInfo.FromRecord(record, null, Now);
        var manifest = RestoreManifest.Parse(info.Manifest);

        Assert.StartsWith("apiVersion: velero.io/v1", info.Manifest, StringComparison.Ordinal);
        Assert.Equal("r1", manifest.Name);
        Assert.Equal("b1", manifest.Spec.BackupName);
        Assert.Equal(new[] { "shop", "/^team-(a|b)$/" }, manifest.Spec.IncludedNamespaces);
        Assert.Equal(new[] { "deployments.apps/shop/web" }, manifest.Spec.Objects);
        Assert.Equal("json", Assert.Single(manifest.Spec.Patches!).Type);
        Assert.Equal("shop", manifest.Labels!["team"]);
        Assert.Equal("why", manifest.Annotations![RestoreRecord.AnnotationPrefix + "description"]);
        Assert.Equal(RestorePhase.Completed, manifest.Status!.Phase);
    }

    [Fact]
    public void AnUnreadableSpecStillShowsTheStatus()
    {
        var record = new RestoreRecord { Name = "r1", Phase = RestorePhase.Failed, CreationTimestamp = Now, FailureReason = "boom" };
        record.Spec = new JsonObject { ["backupName"] = "b1", ["includedNamespaces"] = 5 };

        var info = RestoreInfo.FromRecord(record, null, Now);

        Assert.Null(info.Spec);
        Assert.Equal("b1", info.Backup);
        Assert.Equal("boom", info.FailureReason);
        Assert.Empty(info.IncludedNamespaces);
    }

    [Fact]
    public void AFolderWithoutRecordTakesItsCountsFromTheResults()
    {
        var results = new RestoreResults();
        results.Warnings.Add("shop", "w1");
        results.Warnings.AddVelero("w2");
        results.Errors.Add(string.Empty, "e1");

        var info = RestoreInfo.WithoutRecord("velero-made", results, new StorageLocationOptions { Location = "/data" });

        Assert.Equal(("velero-made", RestoreInfo.UnknownStatus, string.Empty), (info.Name, info.Status, info.Phase));
        Assert.False(info.HasRecord);
        Assert.Equal((2, 1), (info.Warnings, info.Errors));
        Assert.Equal("/data", info.StorageLocation);
        Assert.Contains("Velero", info.StatusNote);
    }
}

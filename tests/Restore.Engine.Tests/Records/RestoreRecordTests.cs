using System;
using System.Text.Json.Nodes;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Records;

public class RestoreRecordTests
{
    [Fact]
    public void RoundTripsEveryField()
    {
        var record = new RestoreRecord
        {
            Name = "web-20250101",
            Uid = "u-1",
            CreationTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Description = "DR drill",
            CreatedBy = "system:admin",
            BackupTimestamp = new DateTimeOffset(2024, 12, 31, 23, 0, 0, TimeSpan.Zero),
            Spec = new JsonObject { ["backupName"] = "nightly-1", ["scheduleName"] = "nightly" },
            Phase = RestorePhase.PartiallyFailed,
            FailureReason = "1 error",
            Warnings = 2,
            Errors = 1,
            StartTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 1, TimeSpan.Zero),
            CompletionTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 9, TimeSpan.Zero),
            TotalItems = 10,
            ItemsRestored = 10,
            Canceled = true,
            LastUpdateTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 9, TimeSpan.Zero),
        };
        record.Labels["team"] = "payments";
        record.ValidationErrors.Add("none really");
        record.Targets.Add(new RestoreTargetStatus { Name = "prod", Server = "https://10.0.0.1", Phase = RestorePhase.PartiallyFailed, TotalItems = 10, ItemsRestored = 10, Warnings = 2, Errors = 1, FailureReason = "1 error" });

        var json = record.ToJson();
        var back = RestoreRecord.FromJson(JsonNode.Parse(json.ToJsonString()));

        Assert.Equal(json.ToJsonString(), back.ToJson().ToJsonString());
        Assert.Equal("nightly-1", back.BackupName);
        Assert.Equal("nightly", back.ScheduleName);
        Assert.Equal("payments", back.Labels["team"]);
        Assert.Equal("prod", Assert.Single(back.Targets).Name);
    }

    [Fact]
    public void IsAVeleroRestoreObjectWithKubernetesTimestamps()
    {
        var record = new RestoreRecord { Name = "r", CreationTimestamp = new DateTimeOffset(2025, 5, 1, 12, 30, 45, 123, TimeSpan.FromHours(2)) };
        var json = record.ToJson();
        Assert.Equal("velero.io/v1", (string?)json["apiVersion"]);
        Assert.Equal("Restore", (string?)json["kind"]);
        Assert.Equal("2025-05-01T10:30:45Z", (string?)json["metadata"]!["creationTimestamp"]);
        Assert.Equal("New", (string?)json["status"]!["phase"]);
        Assert.Null(json["status"]!["errors"]);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"kind\":\"Backup\"}")]
    [InlineData("[]")]
    public void RejectsWhatIsNotARestore(string text) =>
        Assert.Throws<FormatException>(() => RestoreRecord.FromJson(JsonNode.Parse(text)));

    [Theory]
    [InlineData("Completed", true)]
    [InlineData("PartiallyFailed", true)]
    [InlineData("Failed", true)]
    [InlineData("FailedValidation", true)]
    [InlineData("InProgress", false)]
    [InlineData("New", false)]
    [InlineData(null, false)]
    public void KnowsTerminalPhases(string? phase, bool terminal) => Assert.Equal(terminal, RestorePhase.IsTerminal(phase));
}

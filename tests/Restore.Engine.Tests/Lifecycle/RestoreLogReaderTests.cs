using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Api;
using Restore.Engine.Common;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

/// <summary>Get-RestoreLog's parsing (RestoreLogReader): Velero's text and JSON layouts, level and tail selection.</summary>
public class RestoreLogReaderTests
{
    // Lines in the shape of docs/velero-compatibility.md#restore-log.
    private const string VeleroLog =
        "time=\"2025-03-04T10:11:12Z\" level=info msg=\"starting restore\" logSource=\"pkg/controller/restore_controller.go:571\" restore=velero/r1\n" +
        "time=\"2025-03-04T10:11:13Z\" level=info msg=\"Attempting to restore Pod: web-0.\" groupResource=pods logSource=\"pkg/restore/restore.go:1530\" namespace=shop original name=web-0 restore=velero/r1\n" +
        "\n" +
        "time=\"2025-03-04T10:11:20Z\" level=warning msg=\"Namespace shop, resource restore warning: could not restore, ConfigMap:cfg already exists. Warning: the in-cluster version is different than the backed-up version\" logSource=\"pkg/controller/restore_controller.go:613\" restore=velero/r1\n" +
        "time=\"2025-03-04T10:11:21Z\" level=error msg=\"error restoring web\" error=\"the server said no\" logSource=\"pkg/restore/restore.go:1\" restore=velero/r1\n" +
        "time=\"2025-03-04T10:11:22Z\" level=info msg=\"restore completed\" logSource=\"pkg/controller/restore_controller.go:620\" restore=velero/r1\n";

    [Fact]
    public void TextLinesBecomeEntriesWithTheirItemFields()
    {
        var entries = RestoreLogReader.Parse("r1", VeleroLog);

        Assert.Equal(5, entries.Count);
        Assert.Equal(new[] { 1, 2, 4, 5, 6 }, entries.Select(e => e.LineNumber));
        Assert.All(entries, e => Assert.Equal("r1", e.Restore));
        var item = entries[1];
        Assert.Equal(new DateTime(2025, 3, 4, 10, 11, 13, DateTimeKind.Utc), item.Time);
        Assert.Equal(DateTimeKind.Utc, item.Time!.Value.Kind);
        Assert.Equal("Info", item.Level);
        Assert.Equal("Attempting to restore Pod: web-0.", item.Message);
        Assert.Equal(("shop", "pods", "web-0"), (item.Namespace, item.Resource, item.ItemName));
        Assert.Equal("velero/r1", item.Fields["restore"]);
        Assert.Equal("web-0", item.Fields["original name"]);
        Assert.Null(item.Error);
        Assert.False(item.Unparsed);
        Assert.Equal("Warning", entries[2].Level);
        Assert.Equal(("the server said no", "Error"), (entries[3].Error, entries[3].Level));
        Assert.StartsWith("time=\"2025-03-04T10:11:12Z\" level=info", entries[0].Line, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLinesAreReadToo()
    {
        const string line = "{\"error.message\":\"boom\",\"level\":\"warning\",\"logSource\":\"pkg/x.go:1\",\"msg\":\"could not restore\",\"namespace\":\"shop\",\"resource\":\"configmaps\",\"name\":\"cfg\",\"progress\":3,\"time\":\"2025-03-04T10:11:20Z\"}";

        var entry = Assert.Single(RestoreLogReader.Parse("r1", line + "\n"));

        Assert.Equal(("Warning", "could not restore"), (entry.Level, entry.Message));
        Assert.Equal(new DateTime(2025, 3, 4, 10, 11, 20, DateTimeKind.Utc), entry.Time);
        Assert.Equal(("shop", "configmaps", "cfg", "boom"), (entry.Namespace, entry.Resource, entry.ItemName, entry.Error));
        Assert.Equal("3", entry.Fields["progress"]);
        Assert.False(entry.Fields.ContainsKey("msg"));
        Assert.False(entry.Unparsed);
    }

    [Theory]
    [InlineData("panic: runtime error")]
    [InlineData("{\"no\":\"level\"}")]
    [InlineData("{broken json")]
    public void OtherLinesAreKeptAsInfo(string line)
    {
        var entry = Assert.Single(RestoreLogReader.Parse("r1", line));

        Assert.True(entry.Unparsed);
        Assert.Equal(("Info", line, (DateTime?)null), (entry.Level, entry.Message, entry.Time));
    }

    [Fact]
    public void WindowsLineEndsAndAMissingLastNewlineAreFine()
    {
        var lines = RestoreLogReader.Lines("a\r\nb\r\nc");

        Assert.Equal(new[] { "a", "b", "c" }, lines);
        Assert.Empty(RestoreLogReader.Lines(string.Empty));
        Assert.Empty(RestoreLogReader.Lines(null));
    }

    [Fact]
    public void OurOwnLinesReadBackAsWritten()
    {
        var written = new EngineLogEntry(
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            EngineLogLevel.Warning,
            "could not restore \"cfg\": already exists",
            new[] { new KeyValuePair<string, string>("original name", "cfg"), new KeyValuePair<string, string>("namespace", "shop") });
        var line = VeleroLogFormat.Format(written, new[] { new KeyValuePair<string, string>("restore", "velero/r9") });

        var entry = RestoreLogReader.ParseLine("r9", line, 7);

        Assert.Equal((written.Message, "Warning", "shop", "cfg", 7), (entry.Message, entry.Level, entry.Namespace, entry.ItemName, entry.LineNumber));
        Assert.Equal(written.Time.UtcDateTime, entry.Time);
        Assert.Equal(line, entry.Line);
    }

    [Theory]
    [InlineData(EngineLogLevel.Trace, null, 5)]
    [InlineData(EngineLogLevel.Warning, null, 2)]
    [InlineData(EngineLogLevel.Error, null, 1)]
    [InlineData(EngineLogLevel.Trace, 2, 2)]
    [InlineData(EngineLogLevel.Warning, 1, 1)]
    [InlineData(EngineLogLevel.Info, 0, 0)]
    [InlineData(EngineLogLevel.Info, 50, 5)]
    public void LevelIsAMinimumAndTailCountsAfterIt(object levelValue, int? tail, int expected)
    {
        var level = (EngineLogLevel)levelValue;
        var selected = RestoreLogReader.Select(RestoreLogReader.Parse("r1", VeleroLog), level, tail);

        Assert.Equal(expected, selected.Count);
        Assert.All(selected, e => Assert.True(Enum.Parse<EngineLogLevel>(e.Level) >= level));
        if (tail is > 0 && expected > 0)
        {
            // The tail is the end of the log.
            Assert.Equal(RestoreLogReader.Parse("r1", VeleroLog).Where(e => Enum.Parse<EngineLogLevel>(e.Level) >= level).Last().LineNumber, selected[^1].LineNumber);
        }
    }
}

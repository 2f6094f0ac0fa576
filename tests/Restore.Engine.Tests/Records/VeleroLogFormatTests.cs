using System;
using System.Collections.Generic;
using Restore.Engine.Common;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Records;

public class VeleroLogFormatTests
{
    private static readonly DateTimeOffset When = new(2025, 3, 4, 10, 11, 12, TimeSpan.Zero);

    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [Fact]
    public void FormatsLikeLogrusWithSortedFieldsAndUnquotedKeyWithSpace()
    {
        var entry = new EngineLogEntry(When, EngineLogLevel.Info, "Attempting to restore Pod: web-0.", new[]
        {
            F("original name", "web-0"), F("namespace", "shop"), F("groupResource", "pods"),
        });

        var line = VeleroLogFormat.Format(entry, new[] { F("restore", "velero/r1") });

        Assert.Equal(
            "time=\"2025-03-04T10:11:12Z\" level=info msg=\"Attempting to restore Pod: web-0.\" groupResource=pods namespace=shop original name=web-0 restore=velero/r1",
            line);
    }

    [Theory]
    [InlineData("abc-._/@^+XYZ09", "abc-._/@^+XYZ09")]
    [InlineData("", "")]
    [InlineData("has space", "\"has space\"")]
    [InlineData("colon:x", "\"colon:x\"")]
    [InlineData("quote\"back\\slash", "\"quote\\\"back\\\\slash\"")]
    [InlineData("line\nbreak\ttab", "\"line\\nbreak\\ttab\"")]
    [InlineData("bell\u0007", "\"bell\\a\"")]
    [InlineData("ctl\u0001", "\"ctl\\x01\"")]
    [InlineData("é", "\"é\"")]
    [InlineData("nbsp\u00a0", "\"nbsp\\u00a0\"")]
    public void QuotesValuesOnlyWhenLogrusWould(string value, string expected)
    {
        var line = VeleroLogFormat.Format(new EngineLogEntry(When, EngineLogLevel.Warning, string.Empty, new[] { F("k", value) }));
        Assert.Equal("time=\"2025-03-04T10:11:12Z\" level=warning k=" + expected, line);
    }

    [Theory]
    [InlineData(EngineLogLevel.Trace, "trace")]
    [InlineData(EngineLogLevel.Debug, "debug")]
    [InlineData(EngineLogLevel.Info, "info")]
    [InlineData(EngineLogLevel.Warning, "warning")]
    [InlineData(EngineLogLevel.Error, "error")]
    public void LevelNamesRoundTrip(object levelValue, string name)
    {
        var level = (EngineLogLevel)levelValue;
        Assert.Equal(name, VeleroLogFormat.LevelName(level));
        Assert.Equal(level, VeleroLogFormat.ParseLevel(name));
    }

    [Fact]
    public void ParsesWhatItFormats()
    {
        var entry = new EngineLogEntry(When, EngineLogLevel.Error, "error restoring pods/shop/web-0: \"boom\"", new[]
        {
            F("original name", "web-0"), F("namespace", "shop"), F("progress", string.Empty), F("error", "a\tb"),
        });

        var parsed = VeleroLogFormat.Parse(VeleroLogFormat.Format(entry));

        Assert.NotNull(parsed);
        Assert.Equal(When, parsed!.Time);
        Assert.Equal(EngineLogLevel.Error, parsed.Level);
        Assert.Equal(entry.Message, parsed.Message);
        Assert.Contains(F("original name", "web-0"), parsed.Fields);
        Assert.Contains(F("progress", string.Empty), parsed.Fields);
        Assert.Contains(F("error", "a\tb"), parsed.Fields);
    }

    [Fact]
    public void ParsesARealVeleroLine()
    {
        var parsed = VeleroLogFormat.Parse("time=\"2025-03-04T10:11:20Z\" level=warning msg=\"Namespace shop, resource restore warning: could not restore, ConfigMap:cfg already exists. Warning: the in-cluster version is different than the backed-up version\" logSource=\"pkg/controller/restore_controller.go:613\" restore=velero/r1");
        Assert.NotNull(parsed);
        Assert.Equal(EngineLogLevel.Warning, parsed!.Level);
        Assert.StartsWith("Namespace shop, resource restore warning", parsed.Message, StringComparison.Ordinal);
        Assert.Contains(F("logSource", "pkg/controller/restore_controller.go:613"), parsed.Fields);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a log line")]
    [InlineData("level=info msg=x")]
    [InlineData("time=\"2025-03-04T10:11:20Z\" level=info msg=\"unterminated")]
    public void RejectsLinesInAnotherFormat(string line) => Assert.Null(VeleroLogFormat.Parse(line));

    [Theory]
    [InlineData("\"a\\x41\\u00e9\\U0001F600\"", "aAé😀")]
    [InlineData("\"\\'\"", "'")]
    public void UnquotesGoEscapes(string quoted, string expected)
    {
        Assert.True(GoQuote.TryUnquote(quoted, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("\"\\q\"")]
    [InlineData("\"\\x4\"")]
    [InlineData("noquotes")]
    public void RejectsBadGoQuotes(string quoted) => Assert.False(GoQuote.TryUnquote(quoted, out _));
}

using System;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Velero;

public class GoDurationTests
{
    [Theory]
    [InlineData("4h0m0s", 4 * 3600.0)]
    [InlineData("4h", 4 * 3600.0)]
    [InlineData("90s", 90.0)]
    [InlineData("1.5h", 5400.0)]
    [InlineData("1h30m", 5400.0)]
    [InlineData("300ms", 0.3)]
    [InlineData("0", 0.0)]
    [InlineData("-1m", -60.0)]
    [InlineData("+2s", 2.0)]
    [InlineData("1m0.5s", 60.5)]
    [InlineData(".5s", 0.5)]
    [InlineData("2us", 0.000002)]
    [InlineData("2\u00b5s", 0.000002)]
    public void Parses_go_durations(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(seconds, value.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("5", "time: missing unit in duration \"5\"")]
    [InlineData("5d", "time: unknown unit \"d\" in duration \"5d\"")]
    [InlineData("h", "time: invalid duration \"h\"")]
    [InlineData("1.h2", "time: missing unit in duration \"1.h2\"")]
    public void Rejects_bad_durations_with_go_messages(string text, string message)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }

    [Theory]
    [InlineData(4 * 3600.0, "4h0m0s")]
    [InlineData(90.0, "1m30s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0.5, "500ms")]
    [InlineData(0.0015, "1.5ms")]
    [InlineData(0.000002, "2\u00b5s")]
    [InlineData(0.0, "0s")]
    [InlineData(-60.0, "-1m0s")]
    [InlineData(3661.25, "1h1m1.25s")]
    public void Formats_like_go(double seconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond))));
    }

    [Theory]
    [InlineData("4h", "4h0m0s")]
    [InlineData("90m", "1h30m0s")]
    [InlineData("720h", "720h0m0s")]
    public void Normalizes_round_trip(string text, string normalized)
    {
        Assert.Equal(normalized, GoDuration.Normalize(text));
        Assert.Equal(GoDuration.Parse(text), GoDuration.Parse(normalized));
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Records;

public class RestoreLogBufferTests
{
    private sealed class Collector : IEngineLog
    {
        public List<EngineLogEntry> Entries { get; } = new();

        public void Write(EngineLogEntry entry)
        {
            lock (Entries)
            {
                Entries.Add(entry);
            }
        }
    }

    [Fact]
    public void WritesVeleroLinesWithTheRestoreFieldAndForwards()
    {
        var next = new Collector();
        var log = new RestoreLogBuffer("velero", "r1", next);
        log.Info("starting restore");
        log.Warning("could not restore", ("namespace", "shop"));

        var lines = log.GetText().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith(" level=info msg=\"starting restore\" restore=velero/r1", lines[0], StringComparison.Ordinal);
        Assert.Contains(" namespace=shop restore=velero/r1", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, next.Entries.Count);
        Assert.Equal(2, log.Version);
        Assert.Equal(log.GetText(), GzipJson.DecodeText(log.GetGzip()));
    }

    [Fact]
    public void DropsLinesBelowTheThresholdButStillForwardsThem()
    {
        var next = new Collector();
        var log = new RestoreLogBuffer("velero", "r1", next, EngineLogLevel.Info);
        log.Debug("noise");
        Assert.Equal(string.Empty, log.GetText());
        Assert.Single(next.Entries);
    }

    [Fact]
    public async Task KeepsWholeLinesUnderConcurrentWriters()
    {
        var log = new RestoreLogBuffer("velero", "r1");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                log.Info("item", ("worker", w.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        })));

        var lines = log.GetText().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, l => Assert.NotNull(VeleroLogFormat.Parse(l)));
    }

    [Fact]
    public void ALogOfManyChunksKeepsEveryLineInOrderAcrossChunkBoundaries()
    {
        var log = new RestoreLogBuffer("velero", "r1");
        var messages = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            // Multi-byte characters and lengths that do not divide the chunk size put lines across chunk edges.
            var message = $"item {i} \u00fc\u00df \U0001F600 " + new string('x', i % 97);
            messages.Add(message);
            log.Info(message);
        }

        var huge = new string('\u00e9', 70_000); // one line longer than a chunk
        messages.Add(huge);
        log.Info(huge);

        var text = log.GetText();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(messages.Count, lines.Length);
        for (var i = 0; i < messages.Count; i++)
        {
            Assert.Contains("msg=\"" + messages[i] + "\"", lines[i], StringComparison.Ordinal);
        }

        Assert.Equal(text, GzipJson.DecodeText(log.GetGzip()));
    }
}


using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Archive;
using Restore.TestSupport;
using Xunit;
using static Restore.Engine.Tests.Archive.ArchiveTestData;

namespace Restore.Engine.Tests.Archive;

/// <summary>Truncated, damaged and oversized archives: each ends in a typed error that names the entry.</summary>
public class ArchiveDamageAndLimitTests
{
    private static readonly byte[] Sample = new VeleroBackupBuilder("b")
        .AddItem("configmaps", "a", "one", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"k\":\"" + new string('v', 5000) + "\"}}")
        .AddItem("configmaps", "a", "two", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}")
        .BuildTarball();

    private static async Task<int> Drain(byte[] tarball, ArchiveLimits? limits = null)
    {
        using var reader = await BackupArchiveReader.OpenAsync(new MemoryStream(tarball), limits, null, CancellationToken.None);
        var count = 0;
        while (await reader.ReadNextAsync(CancellationToken.None) is { } entry)
        {
            await entry.ReadContentAsync(CancellationToken.None);
            count++;
        }

        return count;
    }

    [Fact]
    public async Task TheIntactSampleReads()
    {
        Assert.Equal(5, await Drain(Sample));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(40)]
    [InlineData(200)]
    public async Task ATruncatedGzipIsReportedNotSilentlyAccepted(int bytesCut)
    {
        var truncated = Sample.Take(Sample.Length - bytesCut).ToArray();

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(truncated));

        Assert.Contains(error.Problem, new[] { ArchiveProblem.Truncated, ArchiveProblem.CorruptGzip });
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.75)]
    public async Task ATarballCutInsideAnEntryNamesIt(double fraction)
    {
        // A properly closed gzip around a tar cut short: only the tar layer can tell.
        var tar = Tar(t =>
        {
            t.AddFile("resources/configmaps/namespaces/a/first.json", Json("{}"), Time);
            t.AddFile("resources/configmaps/namespaces/a/big.json", Encoding.UTF8.GetBytes(new string('x', 20000)), Time);
        });
        var cut = 1024 + 512 + (int)(20000 * fraction);

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(GoTarWriter.GoGzip(tar.Take(cut).ToArray())));

        Assert.Equal(ArchiveProblem.Truncated, error.Problem);
        Assert.Equal("resources/configmaps/namespaces/a/big.json", error.EntryPath);
        Assert.Contains("resources/configmaps/namespaces/a/big.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATarballCutInsideAHeaderIsTruncated()
    {
        var tar = Tar(t => t.AddFile("resources/configmaps/namespaces/a/first.json", Json("{}"), Time), finish: false);

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(GoTarWriter.GoGzip(tar.Concat(new byte[100].Select(_ => (byte)'a')).ToArray())));

        Assert.Equal(ArchiveProblem.Truncated, error.Problem);
        Assert.Contains("first.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongGzipChecksumIsCorruption()
    {
        var damaged = (byte[])Sample.Clone();
        damaged[^8] ^= 0xff;

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(damaged));

        // zlib checks the trailer's CRC-32 itself.
        Assert.Equal(ArchiveProblem.CorruptGzip, error.Problem);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongGzipLengthIsCorruption()
    {
        var damaged = (byte[])Sample.Clone();
        damaged[^2] ^= 0xff;

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(damaged));

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DamagedDeflateDataIsReported()
    {
        var damaged = (byte[])Sample.Clone();
        for (var i = 20; i < 60; i++)
        {
            damaged[i] ^= 0x5a;
        }

        await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(damaged));
    }

    [Fact]
    public async Task TrailingGarbageAfterTheGzipStreamIsReported()
    {
        var extended = Sample.Concat(Encoding.ASCII.GetBytes("garbage that is not gzip")).ToArray();

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(extended));

        // GZipStream may swallow the garbage itself, so the trailer check cannot always tell it from truncation.
        Assert.Contains(error.Problem, new[] { ArchiveProblem.Truncated, ArchiveProblem.CorruptGzip });
        Assert.Contains("truncated or damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyStreamIsNotGzip()
    {
        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(Array.Empty<byte>()));

        Assert.Equal(ArchiveProblem.NotGzip, error.Problem);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUncompressedTarIsNotGzip()
    {
        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => Drain(Tar(t => t.AddFile("a.json", Json("{}"), Time))));

        Assert.Equal(ArchiveProblem.NotGzip, error.Problem);
    }

    public static TheoryData<string, object, string> LimitCases() => new()
    {
        { nameof(ArchiveLimits.MaxEntrySize), new ArchiveLimits { MaxEntrySize = 4096 }, "resources/configmaps/namespaces/a/one.json" },
        { nameof(ArchiveLimits.MaxEntries), new ArchiveLimits { MaxEntries = 2 }, "resources/configmaps/namespaces/a/one.json" },
        { nameof(ArchiveLimits.MaxTotalSize), new ArchiveLimits { MaxTotalSize = 4096 }, "resources/configmaps/namespaces/a/one.json" },
    };

    [Theory]
    [MemberData(nameof(LimitCases))]
    public async Task EachLimitStopsTheReadAndNamesTheEntry(string limitName, object limits, string entry)
    {
        var error = await Assert.ThrowsAsync<ArchiveLimitExceededException>(() => Drain(Sample, (ArchiveLimits)limits));

        Assert.Equal(limitName, error.LimitName);
        Assert.Contains(limitName, error.Message, StringComparison.Ordinal);
        Assert.Equal(entry, error.EntryPath);
        Assert.True(error.Actual > error.Limit);
    }

    [Fact]
    public async Task AnOversizedPaxHeaderIsRefused()
    {
        var tarball = TarGz(tar => tar.AddFile("resources/pods/namespaces/a/" + new string('p', 3000) + ".json", Json("{}"), Time, TarHeaderFormat.Pax));

        var error = await Assert.ThrowsAsync<ArchiveLimitExceededException>(() => Drain(tarball, new ArchiveLimits { MaxHeaderSize = 1024 }));

        Assert.Equal(nameof(ArchiveLimits.MaxHeaderSize), error.LimitName);
    }

    [Fact]
    public async Task ADecompressionBombIsStoppedByTheRatioLimit()
    {
        var bomb = ZeroBomb(8L * 1024 * 1024);

        var error = await Assert.ThrowsAsync<ArchiveLimitExceededException>(() => Drain(bomb, new ArchiveLimits { CompressionRatioGraceBytes = 1024 * 1024 }));

        Assert.Equal(nameof(ArchiveLimits.MaxCompressionRatio), error.LimitName);
        Assert.Equal("resources/configmaps/namespaces/a/bomb.json", error.EntryPath);
        Assert.Contains("decompression bomb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDefaultLimitsStopABombOfZerosEvenWithinTheEntrySizeLimit()
    {
        // 30 MiB entries stay under the default entry limit; the reader goes past the grace bytes. An attacker
        // compresses as hard as gzip can (about 1000:1 for zeros).
        var tar = new MemoryStream();
        using (var gzip = new GoGzipStream(tar, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var writer = new GoTarWriter(gzip);
            for (var i = 0; i < 3; i++)
            {
                writer.AddFile($"resources/configmaps/namespaces/a/zeros-{i}.json", new byte[30 * 1024 * 1024], Time);
            }

            writer.Finish();
        }

        var error = await Assert.ThrowsAsync<ArchiveLimitExceededException>(() => Drain(tar.ToArray()));

        Assert.Equal(nameof(ArchiveLimits.MaxCompressionRatio), error.LimitName);
    }

    [Fact]
    public async Task AnEntryLargerThanTheLimitIsRefusedBeforeItIsRead()
    {
        // The header claims 4 GiB; only a little data follows, which is never reached.
        var tar = Tar(t => t.AddEntry("resources/configmaps/namespaces/a/huge.json", (byte)'0', new byte[1024], Time, sizeOverride: 4L * 1024 * 1024 * 1024), finish: false);

        var error = await Assert.ThrowsAsync<ArchiveLimitExceededException>(() => Drain(GoTarWriter.GoGzip(tar)));

        Assert.Equal(nameof(ArchiveLimits.MaxEntrySize), error.LimitName);
        Assert.Equal(4d * 1024 * 1024 * 1024, error.Actual);
        Assert.Equal("resources/configmaps/namespaces/a/huge.json", error.EntryPath);
    }
}

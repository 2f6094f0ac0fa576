using System;
using System.Linq;
using System.Text;
using Restore.Engine.Archive;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Archive;

public class TarFormatTests
{
    [Theory]
    [InlineData("00000000006\0", 6)]
    [InlineData("     1750 \0", 1000)]
    [InlineData("\0\0\0\0\0\0\0\0\0\0\0\0", 0)]
    [InlineData("77777777777\0", 8589934591)]
    public void ParsesOctalNumbers(string field, long expected)
    {
        var block = new byte[12];
        Encoding.ASCII.GetBytes(field, 0, field.Length, block, 0);
        Assert.True(TarFormat.TryParseNumber(block, 0, 12, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void ParsesBase256Numbers()
    {
        var block = new byte[12];
        block[0] = 0x80;
        block[7] = 0x02; // 2 << 32 = 8 GiB
        Assert.True(TarFormat.TryParseNumber(block, 0, 12, out var value));
        Assert.Equal(8L * 1024 * 1024 * 1024, value);

        block[0] = 0xff; // negative
        Assert.False(TarFormat.TryParseNumber(block, 0, 12, out _));
    }

    [Theory]
    [InlineData("0000x00\0")]
    [InlineData("9\0\0\0\0\0\0\0")]
    public void RejectsNonOctalDigits(string field)
    {
        var block = Encoding.ASCII.GetBytes(field);
        Assert.False(TarFormat.TryParseNumber(block, 0, block.Length, out _));
    }

    [Fact]
    public void ParsesPaxRecords()
    {
        var data = Encoding.UTF8.GetBytes("30 mtime=1700000000.123456789\n23 path=a/b/ünï.json\n11 size=42\n");
        var records = TarFormat.ParsePaxRecords(data, out var error);
        Assert.Null(error);
        Assert.Equal("a/b/ünï.json", records!["path"]);
        Assert.Equal("42", records["size"]);
    }

    [Theory]
    [InlineData("99 path=x\n")]
    [InlineData("x path=x\n")]
    [InlineData("9 pathx\n")]
    [InlineData("8 pathx\n")]
    public void RejectsMalformedPaxRecords(string text)
    {
        Assert.Null(TarFormat.ParsePaxRecords(Encoding.UTF8.GetBytes(text), out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void VerifiesHeaderChecksums()
    {
        using var output = new System.IO.MemoryStream();
        new GoTarWriter(output).AddFile("a.json", new byte[] { 1 }, DateTime.UnixEpoch);
        var header = output.ToArray();
        Assert.True(TarFormat.ChecksumMatches(header, 0));
        header[0] ^= 1;
        Assert.False(TarFormat.ChecksumMatches(header, 0));
    }

    [Theory]
    [InlineData("./a/b", "a/b", false)]
    [InlineData("a//b/./c", "a/b/c", false)]
    [InlineData("dir/", "dir", true)]
    [InlineData("./", "", true)]
    [InlineData("resources/x/cluster/system:node:a.json", "resources/x/cluster/system:node:a.json", false)]
    [InlineData("a/..b/c..", "a/..b/c..", false)]
    public void NormalisesEntryNames(string raw, string expected, bool directory)
    {
        Assert.Equal(expected, ArchivePath.Normalize(raw, 0, out var isDirectory));
        Assert.Equal(directory, isDirectory);
    }
}

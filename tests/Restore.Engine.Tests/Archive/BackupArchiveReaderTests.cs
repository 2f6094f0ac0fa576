using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Archive;
using Restore.TestSupport;
using Xunit;
using static Restore.Engine.Tests.Archive.ArchiveTestData;

namespace Restore.Engine.Tests.Archive;

public class BackupArchiveReaderTests
{
    private static async Task<List<(string Path, string Content)>> ReadAll(byte[] tarball, ArchiveLimits? limits = null)
    {
        using var reader = await BackupArchiveReader.OpenAsync(Stream(tarball), limits, null, CancellationToken.None);
        var result = new List<(string, string)>();
        while (await reader.ReadNextAsync(CancellationToken.None) is { } entry)
        {
            result.Add((entry.Path, Encoding.UTF8.GetString(await entry.ReadContentAsync(CancellationToken.None))));
        }

        Assert.True(reader.IsComplete);
        return result;
    }

    [Fact]
    public async Task StreamsAVeleroBackupInOrderWithIdenticalPreferredVersionCopies()
    {
        var builder = new VeleroBackupBuilder("b1")
            .AddItem("deployments.apps", "shop", "web", new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = "web" } })
            .AddItem("namespaces", string.Empty, "shop", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace" });

        var entries = await ReadAll(builder.BuildTarball());

        Assert.Equal(
            new[]
            {
                "metadata/version",
                "resources/deployments.apps/namespaces/shop/web.json",
                "resources/deployments.apps/v1-preferredversion/namespaces/shop/web.json",
                "resources/namespaces/cluster/shop.json",
                "resources/namespaces/v1-preferredversion/cluster/shop.json",
            },
            entries.Select(e => e.Path));
        Assert.Equal("1.1.0\n", entries[0].Content);
        Assert.Equal(entries[1].Content, entries[2].Content);
        Assert.Equal("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"}}", entries[1].Content);
    }

    [Fact]
    public async Task LoadsContentsWithoutDirectoryEntries()
    {
        var tarball = new VeleroBackupBuilder("b1")
            .AddItem("configmaps", "a", "one", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}")
            .AddItem("clusterroles.rbac.authorization.k8s.io", string.Empty, "system:node-proxier", "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\"}")
            .BuildTarball();

        var contents = await BackupArchiveReader.LoadAsync(Stream(tarball), null, CancellationToken.None);

        Assert.Equal("1.1.0", contents.MetadataVersion);
        Assert.Equal(2, contents.ItemCount);
        Assert.Equal("system:node-proxier", Assert.Single(contents.GetItems("clusterroles.rbac.authorization.k8s.io")).Name);
        Assert.Equal(new[] { "v1-preferredversion" }, contents.GetVersionDirectories("configmaps"));
        Assert.Empty(contents.Warnings);
    }

    public static TheoryData<string, TarHeaderFormat> HeaderCases() => new()
    {
        { "resources/pods/namespaces/a/short.json", TarHeaderFormat.Auto },
        { "resources/pods/namespaces/a/" + new string('p', 90) + ".json", TarHeaderFormat.Auto },
        { "resources/pods/namespaces/" + new string('n', 60) + "/" + new string('p', 90) + ".json", TarHeaderFormat.Auto },
        { "resources/pods/namespaces/a/" + new string('q', 200) + ".json", TarHeaderFormat.Auto },
        { "resources/pods/namespaces/a/forced-pax.json", TarHeaderFormat.Pax },
        { "resources/pods/namespaces/a/" + new string('g', 180) + ".json", TarHeaderFormat.GnuLongName },
        { "resources/pods/namespaces/a/v7.json", TarHeaderFormat.V7 },
        { "resources/configmaps/namespaces/a/ünïcode-名前.json", TarHeaderFormat.Auto },
    };

    [Theory]
    [MemberData(nameof(HeaderCases))]
    public async Task ReadsUstarPaxGnuAndV7Names(string path, TarHeaderFormat format)
    {
        var tarball = TarGz(tar => tar.AddFile(path, Json("{}"), Time, format));

        var entry = Assert.Single(await ReadAll(tarball));

        Assert.Equal(path, entry.Path);
        Assert.Equal("{}", entry.Content);
    }

    [Fact]
    public async Task AcceptsDirectoryEntriesAndDotSlashPrefixes()
    {
        var tarball = TarGz(tar =>
        {
            tar.AddEntry("./", (byte)'5', Array.Empty<byte>(), Time);
            tar.AddEntry("./resources/", (byte)'5', Array.Empty<byte>(), Time);
            tar.AddEntry("./resources/pods/namespaces/a/", (byte)'5', Array.Empty<byte>(), Time);
            tar.AddFile("./resources/pods/namespaces/a/p.json", Json("{}"), Time);
            tar.AddFile("resources//pods/./namespaces/a/q.json", Json("{}"), Time);
        });

        using var reader = await BackupArchiveReader.OpenAsync(Stream(tarball), null, null, CancellationToken.None);
        var paths = new List<string>();
        while (await reader.ReadNextAsync(CancellationToken.None) is { } entry)
        {
            paths.Add(entry.Path);
        }

        Assert.Equal(new[] { "resources/pods/namespaces/a/p.json", "resources/pods/namespaces/a/q.json" }, paths);
        Assert.Empty(reader.Warnings);
    }

    [Theory]
    [InlineData('1', "hard link")]
    [InlineData('2', "symbolic link")]
    [InlineData('3', "character device")]
    [InlineData('4', "block device")]
    [InlineData('6', "FIFO")]
    [InlineData('S', "GNU sparse file")]
    [InlineData('Z', "type 'Z'")]
    public async Task SkipsSpecialEntriesWithAWarningThatNamesThem(char type, string description)
    {
        var tarball = TarGz(tar =>
        {
            tar.AddEntry("resources/pods/namespaces/a/evil.json", (byte)type, type is '1' or '2' ? Array.Empty<byte>() : Json("{\"x\":1}"), Time, linkName: "/etc/passwd");
            tar.AddFile("resources/pods/namespaces/a/good.json", Json("{}"), Time);
        });

        using var reader = await BackupArchiveReader.OpenAsync(Stream(tarball), null, null, CancellationToken.None);
        var paths = new List<string>();
        while (await reader.ReadNextAsync(CancellationToken.None) is { } entry)
        {
            paths.Add(entry.Path);
        }

        Assert.Equal(new[] { "resources/pods/namespaces/a/good.json" }, paths);
        var warning = Assert.Single(reader.Warnings);
        Assert.Contains(description, warning, StringComparison.Ordinal);
        Assert.Contains("resources/pods/namespaces/a/evil.json", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("/resources/pods/namespaces/a/p.json")]
    [InlineData("../evil.json")]
    [InlineData("resources/../../evil.json")]
    [InlineData("resources/pods/namespaces/a/../../../x.json")]
    [InlineData("resources/pods\\..\\..\\x.json")]
    [InlineData("C:/Windows/evil.dll")]
    [InlineData("c:evil")]
    [InlineData("\\\\server\\share\\evil")]
    public async Task RefusesEntriesThatLeaveTheArchive(string path)
    {
        var tarball = TarGz(tar =>
        {
            tar.AddFile("resources/pods/namespaces/a/first.json", Json("{}"), Time);
            tar.AddFile(path, Json("{}"), Time, TarHeaderFormat.Pax);
        });

        var error = await Assert.ThrowsAsync<ArchiveSecurityException>(() => ReadAll(tarball));

        Assert.Equal(path, error.EntryPath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("resources/pods/namespaces/a/bell\u0007.json")]
    [InlineData("resources/pods/namespaces/a/new\nline.json")]
    public async Task RefusesControlCharactersInNames(string path)
    {
        var tarball = TarGz(tar => tar.AddFile(path, Json("{}"), Time, TarHeaderFormat.Pax));

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => ReadAll(tarball));

        Assert.Equal(ArchiveProblem.BadName, error.Problem);
    }

    [Theory]
    [InlineData("system:node-proxier")]
    [InlineData("what?*")]
    [InlineData("a<b>c|d\"e")]
    [InlineData("CON")]
    [InlineData("aux")]
    [InlineData("trailing.")]
    [InlineData("trailing ")]
    public async Task KeepsNamesThatWindowsCannotStoreBecauseNothingIsExtracted(string name)
    {
        var tarball = new VeleroBackupBuilder("b").AddItem("clusterroles.rbac.authorization.k8s.io", string.Empty, name, "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\"}").BuildTarball();

        var contents = await BackupArchiveReader.LoadAsync(Stream(tarball), null, CancellationToken.None);

        var item = Assert.Single(contents.GetItems("clusterroles.rbac.authorization.k8s.io"));
        Assert.Equal(name, item.Name);
        Assert.True(contents.TryGetFile(item.Path, out var bytes));
        Assert.StartsWith("{\"apiVersion\"", Encoding.UTF8.GetString(bytes.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreferredVersionCopiesShareTheUnversionedBytesAndDifferentCopiesDoNot()
    {
        var tarball = TarGz(
            ("resources/configmaps/namespaces/a/c.json", "{\"n\":1}"),
            ("resources/configmaps/v1-preferredversion/namespaces/a/c.json", "{\"n\":1}"),
            ("resources/configmaps/v2/namespaces/a/c.json", "{\"n\":2}"),
            ("resources/configmaps/namespaces/a/d.json", "{\"n\":3}"));

        var contents = await BackupArchiveReader.LoadAsync(Stream(tarball), null, CancellationToken.None);

        Assert.True(contents.TryGetFile("resources/configmaps/namespaces/a/c.json", out var unversioned));
        Assert.True(contents.TryGetFile("resources/configmaps/v1-preferredversion/namespaces/a/c.json", out var preferred));
        Assert.True(contents.TryGetFile("resources/configmaps/v2/namespaces/a/c.json", out var other));
        Assert.True(contents.TryGetFile("resources/configmaps/namespaces/a/d.json", out var next));
        Assert.True(unversioned.Equals(preferred));
        Assert.Equal("{\"n\":2}", Encoding.UTF8.GetString(other.Span));

        // The shared copy's block was given back, so the following item is intact and counted once.
        Assert.Equal("{\"n\":3}", Encoding.UTF8.GetString(next.Span));
        Assert.Equal(21, contents.TotalBytes);
    }

    [Fact]
    public void AnEntryLimitNoArrayCanHoldIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArchiveLimits { MaxEntrySize = 3L * 1024 * 1024 * 1024 }.Validate());

    [Fact]
    public async Task DuplicateEntriesKeepTheFirstCopyAndWarn()
    {
        var tarball = TarGz(
            ("resources/configmaps/namespaces/a/c.json", "{\"n\":1}"),
            ("resources/configmaps/namespaces/a/c.json", "{\"n\":2}"));

        var contents = await BackupArchiveReader.LoadAsync(Stream(tarball), null, CancellationToken.None);

        Assert.True(contents.TryGetFile("resources/configmaps/namespaces/a/c.json", out var bytes));
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(bytes.Span));
        Assert.Contains(contents.Warnings, w => w.Contains("duplicate entry resources/configmaps/namespaces/a/c.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SkippedContentIsNotReadButTheNextEntryIs()
    {
        var big = new string('x', 300_000);
        var tarball = TarGz(("resources/configmaps/namespaces/a/big.json", big), ("resources/configmaps/namespaces/a/small.json", "{}"));

        using var reader = await BackupArchiveReader.OpenAsync(Stream(tarball), null, null, CancellationToken.None);
        var first = await reader.ReadNextAsync(CancellationToken.None);
        Assert.Equal(300_000, first!.Size);
        var second = await reader.ReadNextAsync(CancellationToken.None);

        Assert.Equal("{}", Encoding.UTF8.GetString(await second!.ReadContentAsync(CancellationToken.None)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.ReadContentAsync(CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => second.ReadContentAsync(CancellationToken.None));
        Assert.Null(await reader.ReadNextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AcceptsAnArchiveWithoutTheEndMarkerWhenTheGzipIsComplete()
    {
        var tarball = TarGz(tar => tar.AddFile("resources/pods/namespaces/a/p.json", Json("{}"), Time), finish: false);

        Assert.Single(await ReadAll(tarball));
    }

    [Fact]
    public async Task ReportsDataAfterASingleZeroBlock()
    {
        var tarball = GoTarWriter.GoGzip(Tar(tar =>
        {
            tar.AddFile("resources/pods/namespaces/a/p.json", Json("{}"), Time);
            tar.AddRaw(new byte[512]);
            tar.AddFile("resources/pods/namespaces/a/q.json", Json("{}"), Time);
        }));

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => ReadAll(tarball));

        Assert.Equal(ArchiveProblem.BadHeader, error.Problem);
        Assert.Contains("resources/pods/namespaces/a/p.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportsABadHeaderChecksumNamingThePreviousEntry()
    {
        var tarball = TarGz(tar =>
        {
            tar.AddFile("resources/pods/namespaces/a/p.json", Json("{}"), Time);
            tar.AddEntry("resources/pods/namespaces/a/q.json", (byte)'0', Json("{}"), Time, corruptChecksum: true);
        });

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => ReadAll(tarball));

        Assert.Equal(ArchiveProblem.BadHeader, error.Problem);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Contains("resources/pods/namespaces/a/p.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesExtendedGnuSparseFiles()
    {
        var tar = Tar(t => t.AddEntry("resources/pods/namespaces/a/sparse.json", (byte)'S', Json("{}"), Time));
        tar[482] = 1; // isextended: more sparse headers follow, which we do not parse.
        FixChecksum(tar, 0);

        var error = await Assert.ThrowsAsync<ArchiveFormatException>(() => ReadAll(GoTarWriter.GoGzip(tar)));

        Assert.Equal(ArchiveProblem.UnsupportedEntry, error.Problem);
        Assert.Equal("resources/pods/namespaces/a/sparse.json", error.EntryPath);
    }

    [Fact]
    public async Task HonoursCancellation()
    {
        var tarball = TarGz(("resources/pods/namespaces/a/p.json", "{}"));
        using var cancel = new CancellationTokenSource();
        using var reader = await BackupArchiveReader.OpenAsync(Stream(tarball), null, null, CancellationToken.None);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadNextAsync(cancel.Token));
    }

    [Fact]
    public void RejectsNonPositiveLimits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArchiveLimits { MaxEntrySize = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArchiveLimits { MaxCompressionRatio = 0.5 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArchiveLimits { CompressionRatioGraceBytes = -1 }.Validate());
        new ArchiveLimits().Validate();
    }

    internal static void FixChecksum(byte[] tar, int headerOffset)
    {
        long sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 148 and < 156 ? (byte)' ' : tar[headerOffset + i];
        }

        var digits = Convert.ToString(sum, 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(digits, 0, 6, tar, headerOffset + 148);
    }
}

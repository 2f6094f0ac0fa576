using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Archive;

/// <summary>The test backup builder writes what Velero writes (docs/velero-compatibility.md#backup-files, #file-encoding, #tarball-format, #tarball-paths).</summary>
public class VeleroBackupBuilderTests
{
    private static byte[] Gunzip(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static string Field(byte[] block, int offset, int length) => Encoding.ASCII.GetString(block, offset, length);

    [Fact]
    public void WritesUstarHeadersLikeGoArchiveTar()
    {
        var time = new DateTime(2025, 1, 1, 0, 0, 0, 600, DateTimeKind.Utc); // rounds up, as Go rounds ModTime
        var tar = Gunzip(new VeleroBackupBuilder("b").WithoutVersionFile().WithArchiveTime(time).AddItem("pods", "a", "p", "{}", preferredCopy: false).BuildTarball());
        var header = tar.AsSpan(0, 512).ToArray();

        Assert.Equal("resources/pods/namespaces/a/p.json", Field(header, 0, 100).TrimEnd('\0'));
        Assert.Equal("0000755\0", Field(header, 100, 8));
        Assert.Equal("0000000\0", Field(header, 108, 8));
        Assert.Equal("0000000\0", Field(header, 116, 8));
        Assert.Equal("00000000002\0", Field(header, 124, 12));
        Assert.Equal(Convert.ToString(new DateTimeOffset(time).ToUnixTimeSeconds() + 1, 8).PadLeft(11, '0') + "\0", Field(header, 136, 12));
        Assert.Matches("^[0-7]{6}\0 $", Field(header, 148, 8));
        Assert.Equal('0', (char)header[156]);
        Assert.Equal("ustar\u000000", Field(header, 257, 8));
        Assert.Equal(new string('\0', 64), Field(header, 265, 64));
        Assert.Equal("0000000\00000000\0", Field(header, 329, 16));
        Assert.Equal("{}", Encoding.ASCII.GetString(tar, 512, 2));
        // Two zero blocks end the archive; Go writes no padding to a record size.
        Assert.Equal(512 + 512 + 1024, tar.Length);
        Assert.All(tar.Skip(1024), b => Assert.Equal(0, b));
    }

    [Fact]
    public void SplitsLongNamesIntoPrefixAndUsesPaxWhenThatIsImpossible()
    {
        var splittable = "resources/pods/namespaces/" + new string('n', 60) + "/" + new string('p', 60) + ".json";
        var unsplittable = "resources/pods/namespaces/a/" + new string('q', 120) + ".json";
        var tar = Gunzip(new VeleroBackupBuilder("b").WithoutVersionFile()
            .AddItem("pods", new string('n', 60), new string('p', 60), "{}", preferredCopy: false)
            .AddItem("pods", "a", new string('q', 120), "{}", preferredCopy: false)
            .BuildTarball());

        Assert.Equal(new string('p', 60) + ".json", Field(tar, 0, 100).TrimEnd('\0'));
        Assert.Equal(splittable.Substring(0, splittable.LastIndexOf('/')), Field(tar, 345, 155).TrimEnd('\0'));
        var pax = tar.AsSpan(1024, 512).ToArray();
        Assert.Equal('x', (char)pax[156]);
        Assert.Equal("resources/pods/namespaces/a/PaxHeaders.0/" + new string('q', 59), Field(pax, 0, 100).TrimEnd('\0'));
        var record = Encoding.UTF8.GetString(tar, 1536, 512).TrimEnd('\0');
        Assert.Equal($"{record.Length} path={unsplittable}\n", record);
    }

    [Fact]
    public void WritesEachItemTwiceWithIdenticalBytesAndTheVersionFileFirst()
    {
        var tar = Gunzip(new VeleroBackupBuilder("b")
            .AddItem("deployments.apps", "shop", "web", new JsonObject { ["kind"] = "Deployment", ["apiVersion"] = "apps/v1", ["metadata"] = new JsonObject { ["name"] = "web", ["annotations"] = new JsonObject { ["z"] = "<&>", ["a"] = "1" } } })
            .BuildTarball());

        Assert.Equal("metadata/version", Field(tar, 0, 100).TrimEnd('\0'));
        Assert.Equal("1.1.0\n", Encoding.ASCII.GetString(tar, 512, 6));
        Assert.Equal("resources/deployments.apps/namespaces/shop/web.json", Field(tar, 1024, 100).TrimEnd('\0'));
        var item = Encoding.UTF8.GetString(tar, 1536, 512).TrimEnd('\0');
        // Go marshals unstructured objects with sorted keys and HTML-safe escapes.
        Assert.Equal("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{\"a\":\"1\",\"z\":\"\\u003c\\u0026\\u003e\"},\"name\":\"web\"}}", item);
        Assert.Equal("resources/deployments.apps/v1-preferredversion/namespaces/shop/web.json", Field(tar, 2048, 100).TrimEnd('\0'));
        Assert.Equal(item, Encoding.UTF8.GetString(tar, 2560, 512).TrimEnd('\0'));
    }

    [Fact]
    public void WritesMetadataAsKubernetesPrettyJsonAndFilesAsOneGzipMemberWithANewline()
    {
        var files = new VeleroBackupBuilder("nightly-1").WithSchedule("nightly").WithVolumeInfo("null").BuildFiles("/p/");

        var metadata = Encoding.UTF8.GetString(files["p/backups/nightly-1/velero-backup.json"]);
        Assert.StartsWith("{\n  \"kind\": \"Backup\",\n  \"apiVersion\": \"velero.io/v1\",\n  \"metadata\": {\n    \"name\": \"nightly-1\",", metadata, StringComparison.Ordinal);
        Assert.Contains("\"velero.io/schedule-name\": \"nightly\"", metadata, StringComparison.Ordinal);
        Assert.Contains("\"hooks\": {},", metadata, StringComparison.Ordinal);
        Assert.EndsWith("}", metadata, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", metadata, StringComparison.Ordinal);

        var volumeInfo = files["p/backups/nightly-1/nightly-1-volumeinfo.json.gz"];
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, volumeInfo.Take(10));
        Assert.Equal("null\n", Encoding.UTF8.GetString(Gunzip(volumeInfo)));
        Assert.Equal("{\"errors\":{},\"warnings\":{}}\n", Encoding.UTF8.GetString(Gunzip(files["p/backups/nightly-1/nightly-1-results.gz"])));
    }

    [ToolFact("tar")]
    public void GnuTarReadsTheBuiltArchive()
    {
        var longName = new string('x', 150);
        var folder = Path.Combine(Path.GetTempPath(), "restore-gnutar-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var file = Path.Combine(folder, "b.tar.gz");
            File.WriteAllBytes(file, new VeleroBackupBuilder("b").AddItem("clusterroles.rbac.authorization.k8s.io", string.Empty, longName, "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\"}").BuildTarball());
            var start = new ProcessStartInfo(ToolLocator.Find("tar")!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-tzf", file })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var listing = process.StandardOutput.ReadToEnd();
            process.WaitForExit();

            Assert.Equal(0, process.ExitCode);
            Assert.Equal(
                new[]
                {
                    "metadata/version",
                    $"resources/clusterroles.rbac.authorization.k8s.io/cluster/{longName}.json",
                    $"resources/clusterroles.rbac.authorization.k8s.io/v1-preferredversion/cluster/{longName}.json",
                },
                listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task AHundredThousandItemBackupReadsBackCompletelyWithTheDefaultLimits()
    {
        var builder = new VeleroBackupBuilder("big");
        for (var i = 0; i < 100_000; i++)
        {
            builder.AddItem("configmaps", "ns-" + (i % 50), "cm-" + i, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"k\":\"" + i + "\"}}");
        }

        var items = 0L;
        var result = await Restore.Engine.Archive.BackupItemScanner.ScanAsync(new MemoryStream(builder.BuildTarball()), null, null, _ => items++, null, null, System.Threading.CancellationToken.None);

        // Small items are mostly tar padding and compress very well: the default ratio limit must still let them through.
        Assert.Equal(100_000, builder.ItemCount);
        Assert.Equal((100_000L, 100_000L), (result.ItemCount, items));
        Assert.Empty(result.Warnings);
    }
}

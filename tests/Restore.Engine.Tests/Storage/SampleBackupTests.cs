using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

/// <summary>The committed examples/backups sample: what the generator produces, and readable by the engine.</summary>
public sealed class SampleBackupTests : IDisposable
{
    private readonly string generated = Path.Combine(Path.GetTempPath(), "restore-sample-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(generated))
        {
            Directory.Delete(generated, recursive: true);
        }
    }

    [Fact]
    public void TheCommittedSampleIsWhatTheGeneratorProduces()
    {
        SampleBackup.Write(generated);
        var committed = SampleBackup.CommittedLocation;

        var expectedFiles = Files(generated);
        Assert.Equal(expectedFiles, Files(committed));
        foreach (var file in expectedFiles)
        {
            // Compare content, not compressed bytes: zlib builds differ between platforms.
            var expected = Content(Path.Combine(generated, file));
            var actual = Content(Path.Combine(committed, file));
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"examples/backups/{file} differs from the generator; run 'dotnet run --project tests/Restore.Benchmark -- sample'.");
        }
    }

    [Fact]
    public async Task TheSampleReadsAsAVeleroBackup()
    {
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = SampleBackup.CommittedLocation }, NullEngineLog.Instance);
        await location.VerifyAsync(CancellationToken.None);
        var store = new BackupStore(location, null);

        var backup = Assert.Single(await store.ListBackupsAsync(CancellationToken.None));
        var items = new List<BackupItem>();
        using (var tarball = await store.OpenTarballAsync(SampleBackup.Name, CancellationToken.None))
        {
            await BackupItemScanner.ScanAsync(tarball, null, null, i => items.Add(BackupItem.From(SampleBackup.Name, i)), null, null, CancellationToken.None);
        }

        Assert.Equal(("sample", "Completed", 9), (backup.Name, backup.Phase, backup.ItemsBackedUp));
        Assert.Equal(new[] { "demo" }, backup.IncludedNamespaces);
        Assert.Equal(
            new[]
            {
                "ClusterRole /demo:web-reader", "ConfigMap demo/web-config", "Deployment demo/web", "Namespace /demo",
                "PersistentVolumeClaim demo/web-data", "PersistentVolume /pvc-3f1c2a9e-5b7d-4e8a-9c0f-1a2b3c4d5e6f",
                "Secret demo/web-credentials", "ServiceAccount demo/web", "Service demo/web",
            },
            items.Select(i => $"{i.Kind} {i.Namespace}/{i.Name}"));
        Assert.All(items, i => Assert.Null(i.DecodeError));
        Assert.Contains("pvc-3f1c2a9e", Encoding.UTF8.GetString((await store.ReadOptionalBackupFileAsync("sample", BackupFile.VolumeInfo, CancellationToken.None))!), StringComparison.Ordinal);
    }

    // restores/ is where the README's quick start keeps its records (git ignores it): not part of the sample.
    private static List<string> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith("restores/", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();

    private static byte[] Content(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(path);
        }

        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}

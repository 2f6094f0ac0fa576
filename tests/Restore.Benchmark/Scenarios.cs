using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.TestSupport;

namespace Restore.Benchmark;

/// <summary>One generated backup of the restore benchmark.</summary>
public sealed class Scenario
{
    private Scenario(string name, string description, int items, Func<VeleroBackupBuilder, VeleroBackupBuilder> fill)
    {
        Name = name;
        Description = description;
        Items = items;
        Fill = fill;
    }

    /// <summary>Short name, also the backup's name.</summary>
    public string Name { get; }

    /// <summary>What is in it.</summary>
    public string Description { get; }

    /// <summary>Items in the backup (Namespace objects included).</summary>
    public int Items { get; }

    /// <summary>Adds the items to a builder.</summary>
    public Func<VeleroBackupBuilder, VeleroBackupBuilder> Fill { get; }

    /// <summary>The realistic mix of <paramref name="items"/> items (see <see cref="BenchmarkItems.AddRestoreMix"/>).</summary>
    public static Scenario Mix(int items) => new(
        "mix-" + Short(items),
        $"{items:N0} items: Secrets, ConfigMaps, Deployments, Services, ServiceAccounts in {Math.Max(10, items / 100):N0} namespaces",
        items,
        b => BenchmarkItems.AddRestoreMix(b, items));

    /// <summary>Velero issue #6845: <paramref name="secrets"/> Secrets in one namespace.</summary>
    public static Scenario Secrets(int secrets) => new(
        "secrets-" + Short(secrets),
        $"{secrets:N0} Secrets in one namespace (Velero issue #6845)",
        secrets + 1,
        b => BenchmarkItems.AddSecrets(b, secrets, "vault"));

    /// <summary>A scenario from its name: <c>mix-10k</c>, <c>mix-2500</c>, <c>secrets-31k</c>.</summary>
    public static Scenario Parse(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        var number = dash < 0 ? string.Empty : name.Substring(dash + 1);
        var count = number.EndsWith('k') ? int.Parse(number[..^1], CultureInfo.InvariantCulture) * 1000 : int.Parse(number, CultureInfo.InvariantCulture);
        return name.Substring(0, Math.Max(dash, 0)) switch
        {
            "mix" => Mix(count),
            "secrets" => Secrets(count),
            _ => throw new ArgumentException($"unknown scenario '{name}': use mix-<n> or secrets-<n>"),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static string Short(int n) => n % 1000 == 0 ? (n / 1000).ToString(CultureInfo.InvariantCulture) + "k" : n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A scenario's backup written to a local folder and, when s3rver runs, to a bucket.</summary>
public sealed class PreparedBackup : IDisposable
{
    private PreparedBackup(Scenario scenario, string folder, string? bucket, double buildSeconds, long tarballBytes)
    {
        Scenario = scenario;
        Folder = folder;
        Bucket = bucket;
        BuildSeconds = buildSeconds;
        TarballBytes = tarballBytes;
    }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }

    /// <summary>The storage location folder.</summary>
    public string Folder { get; }

    /// <summary>The s3rver bucket, or null.</summary>
    public string? Bucket { get; }

    /// <summary>Seconds to generate and write the backup.</summary>
    public double BuildSeconds { get; }

    /// <summary>Size of the compressed tarball.</summary>
    public long TarballBytes { get; }

    /// <summary>Generates the backup and writes it to <paramref name="scratch"/> (and to a new bucket of <paramref name="s3"/>).</summary>
    public static async Task<PreparedBackup> CreateAsync(Scenario scenario, string scratch, S3rverServer? s3)
    {
        var clock = Stopwatch.StartNew();
        var builder = scenario.Fill(new VeleroBackupBuilder(scenario.Name));
        var folder = Path.Combine(scratch, "backup-" + scenario.Name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        builder.WriteToFolder(folder);
        string? bucket = null;
        if (s3 is not null)
        {
            bucket = await s3.CreateBucketAsync();
            using var store = S3ObjectStore.Create(s3.Options(bucket), NullEngineLog.Instance);
            await builder.WriteToAsync(store);
        }

        var tarball = new FileInfo(Path.Combine(folder, "backups", scenario.Name, scenario.Name + ".tar.gz")).Length;
        return new PreparedBackup(scenario, folder, bucket, clock.Elapsed.TotalSeconds, tarball);
    }

    /// <summary>Arguments naming the local folder location for a child process.</summary>
    public IReadOnlyList<string> FolderArgs() => new[] { "--location", Folder, "--backup", Scenario.Name };

    /// <summary>Arguments naming the s3rver location for a child process.</summary>
    public IReadOnlyList<string> S3Args(S3rverServer s3) => new[] { "--location", "s3://" + Bucket, "--endpoint", s3.Endpoint, "--backup", Scenario.Name };

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Xunit;
using Xunit.Sdk;

namespace Restore.TestSupport;

/// <summary>
/// One s3rver shared by a test collection, started on first use and killed on dispose. Test assemblies declare
/// <c>[CollectionDefinition(S3rverFixture.Collection)] public class S3rverCollection : ICollectionFixture&lt;S3rverFixture&gt; {}</c>
/// (xunit needs the definition in the test assembly).
/// </summary>
public sealed class S3rverFixture : IDisposable
{
    /// <summary>The collection name to use with <c>[Collection]</c>.</summary>
    public const string Collection = "s3rver";

    private readonly Lazy<S3rverServer> server = new(() => S3rverServer.Start());

    /// <summary>The running server (started now if needed). Throws when s3rver is unavailable; guard tests with <see cref="S3rverFactAttribute"/>.</summary>
    public S3rverServer Server => server.Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (server.IsValueCreated)
        {
            server.Value.Dispose();
        }
    }
}

/// <summary>A fact that needs s3rver; reported as skipped, with the reason, when node or the npm packages are missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class S3rverFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public S3rverFactAttribute()
    {
        if (S3rverServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>Data row <c>"local"</c>: the test runs against a local folder location.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class LocalStoreAttribute : DataAttribute
{
    private readonly object[] extra;

    /// <summary>Creates the row; <paramref name="extra"/> follows the store kind.</summary>
    public LocalStoreAttribute(params object[] extra) => this.extra = extra;

    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => new[] { Row(TestStorage.Local, extra) };

    internal static object[] Row(string kind, object[] extra)
    {
        var row = new object[extra.Length + 1];
        row[0] = kind;
        Array.Copy(extra, 0, row, 1, extra.Length);
        return row;
    }
}

/// <summary>Data row <c>"s3"</c>: the test runs against s3rver; skipped with the reason when s3rver is unavailable.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class S3StoreAttribute : DataAttribute
{
    private readonly object[] extra;

    /// <summary>Creates the row; <paramref name="extra"/> follows the store kind.</summary>
    public S3StoreAttribute(params object[] extra)
    {
        this.extra = extra;
        if (S3rverServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }

    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => new[] { LocalStoreAttribute.Row(TestStorage.S3, extra) };
}

/// <summary>
/// A fresh, empty storage location for one test: a temporary folder, a new bucket in s3rver or a new container in Azurite. Write test
/// backups through <see cref="RawStore"/>; open the location under test with <see cref="Open"/>.
/// </summary>
public sealed class TestStorage : IDisposable
{
    /// <summary>Kind name of local folder locations.</summary>
    public const string Local = "local";

    /// <summary>Kind name of s3rver locations.</summary>
    public const string S3 = "s3";

    /// <summary>Kind name of Azurite locations (the process-wide <see cref="AzuriteServer.Shared"/>).</summary>
    public const string Azure = "azure";

    private readonly string? folder;

    private TestStorage(string kind, StorageLocationOptions options, IObjectStore rawStore, string prefix, string? folder)
    {
        Kind = kind;
        Options = options;
        RawStore = rawStore;
        Prefix = prefix;
        this.folder = folder;
    }

    /// <summary><see cref="Local"/>, <see cref="S3"/> or <see cref="Azure"/>.</summary>
    public string Kind { get; }

    /// <summary>Options for the location under test.</summary>
    internal StorageLocationOptions Options { get; }

    /// <summary>An unguarded store on the same bucket or folder, for setting up test data.</summary>
    internal IObjectStore RawStore { get; }

    /// <summary>The location's prefix inside the bucket (always empty for folders).</summary>
    public string Prefix { get; }

    /// <summary>The temporary folder of a local location.</summary>
    public string? Folder => folder;

    /// <summary>Creates an empty location of <paramref name="kind"/>; S3 and Azure locations get <paramref name="prefix"/>.</summary>
    public static async Task<TestStorage> CreateAsync(string kind, S3rverFixture? s3, string prefix = "")
    {
        if (kind == Local)
        {
            var folder = Path.Combine(Path.GetTempPath(), "restore-test-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new TestStorage(kind, new StorageLocationOptions { Location = folder }, new LocalFolderObjectStore(folder), string.Empty, folder);
        }

        if (kind == Azure)
        {
            var azurite = AzuriteServer.Shared;
            var container = await azurite.CreateContainerAsync();
            var azureRaw = Restore.Engine.Storage.Azure.AzureBlobObjectStore.Create(azurite.Options(container), NullEngineLog.Instance);
            return new TestStorage(kind, azurite.Options(container, prefix), azureRaw, prefix, null);
        }

        if (kind != S3 || s3 is null)
        {
            throw new ArgumentException($"Unknown store kind '{kind}' or no s3rver fixture.", nameof(kind));
        }

        var server = s3.Server;
        var bucket = await server.CreateBucketAsync();
        var options = server.Options(bucket, prefix);
        var raw = S3ObjectStore.Create(server.Options(bucket), NullEngineLog.Instance);
        return new TestStorage(kind, options, raw, prefix, null);
    }

    /// <summary>Opens the location under test.</summary>
    internal StorageLocation Open(IEngineLog? log = null) => StorageLocation.Open(Options, log ?? NullEngineLog.Instance);

    /// <summary>Writes a backup into the location.</summary>
    public Task WriteAsync(VeleroBackupBuilder backup) => backup.WriteToAsync(RawStore, Prefix);

    /// <inheritdoc />
    public void Dispose()
    {
        RawStore.Dispose();
        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

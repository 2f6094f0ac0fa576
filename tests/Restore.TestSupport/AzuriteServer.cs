using System;
using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Restore.Engine.Storage;
using Xunit;
using Xunit.Sdk;

namespace Restore.TestSupport;

/// <summary>
/// A real Azure Blob Storage API server for tests: Azurite from npm (pinned in tests/azurite/package.json), its blob
/// service only, run with node on 127.0.0.1 and a free port, data in a temporary folder, killed on dispose. It knows one
/// account, <see cref="Account"/>, with Azurite's published development key.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    /// <summary>Azurite's development account.</summary>
    public const string Account = "devstoreaccount1";

    /// <summary>Azurite's published development key (not a secret: it is in Azurite's README).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Regex Listening = new(@"listens on https?://([0-9.]+):(\d+)", RegexOptions.CultureInvariant);
    private static readonly Lazy<AzuriteServer> SharedServer = new(() =>
    {
        var server = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private readonly NodeServerProcess process;
    private int containerCounter;

    private AzuriteServer(NodeServerProcess process)
    {
        this.process = process;
    }

    /// <summary>tests/azurite, where package.json pins Azurite.</summary>
    public static string PackageDirectory => Path.Combine(ToolLocator.RepoRoot, "tests", "azurite");

    /// <summary>Azurite's blob service entry script; its presence means <c>npm ci</c> ran.</summary>
    public static string BlobScript => Path.Combine(PackageDirectory, "node_modules", "azurite", "dist", "src", "blob", "main.js");

    /// <summary>Why Azurite cannot run here (null when it can): node missing or the npm packages not installed.</summary>
    public static string? UnavailableReason { get; } = FindUnavailableReason();

    /// <summary>One server for the whole test process, started on first use and killed when the process exits.</summary>
    public static AzuriteServer Shared => SharedServer.Value;

    /// <summary>The port.</summary>
    public int Port => process.Port;

    /// <summary>The account's blob service URL, path style: <c>http://127.0.0.1:port/devstoreaccount1</c>.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}/{Account}";

    /// <summary>Starts Azurite's blob service.</summary>
    public static AzuriteServer Start()
    {
        if (UnavailableReason is not null)
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        var data = Path.Combine(Path.GetTempPath(), "restore-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var arguments = new[] { BlobScript, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", data, "--skipApiVersionCheck", "--disableProductStyleUrl" };
        return new AzuriteServer(NodeServerProcess.Start("Azurite", PackageDirectory, arguments, Listening, TimeSpan.FromSeconds(180), data));
    }

    /// <summary>
    /// Options for a location in this server: <c>http://127.0.0.1:port/devstoreaccount1/container[/prefix]</c> with the
    /// account key, or through <paramref name="serviceUrl"/> (a fault proxy in front of Azurite) when given.
    /// </summary>
    internal StorageLocationOptions Options(string container, string prefix = "", string? serviceUrl = null, int maxRetries = 1)
    {
        var options = new StorageLocationOptions
        {
            Location = (serviceUrl ?? ServiceUrl) + "/" + container + (prefix.Length == 0 ? string.Empty : "/" + prefix),
            AccessKeyId = Account,
            MaxRetries = maxRetries,
        };
        return options.WithSecretAccessKey(AccountKey);
    }

    /// <summary>Creates a new, empty container with a unique name.</summary>
    public async Task<string> CreateContainerAsync(string? name = null)
    {
        name ??= $"c{Interlocked.Increment(ref containerCounter)}-{Guid.NewGuid().ToString("N").Substring(0, 12)}";
        await CreateServiceClient().GetBlobContainerClient(name).CreateAsync();
        return name;
    }

    /// <summary>A raw SDK client on the account, for test setup.</summary>
    public BlobServiceClient CreateServiceClient() => new(new Uri(ServiceUrl), new StorageSharedKeyCredential(Account, AccountKey));

    /// <summary>A container SAS made from the account key, with the given permissions (for example "rl" or "racwdl").</summary>
    public string ContainerSas(string container, string permissions)
    {
        var builder = new BlobSasBuilder(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(2)) { BlobContainerName = container, Resource = "c" };
        builder.SetPermissions(permissions);
        return builder.ToSasQueryParameters(new StorageSharedKeyCredential(Account, AccountKey)).ToString();
    }

    /// <inheritdoc />
    public void Dispose() => process.Dispose();

    private static string? FindUnavailableReason() => NodeServerProcess.UnavailableReason("Azurite", BlobScript, "azurite", "Azure storage tests");
}

/// <summary>A fact that needs Azurite; reported as skipped, with the reason, when node or the npm packages are missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AzuriteFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public AzuriteFactAttribute()
    {
        if (AzuriteServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>Data row <c>"azure"</c>: the test runs against Azurite; skipped with the reason when Azurite is unavailable.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class AzureStoreAttribute : DataAttribute
{
    private readonly object[] extra;

    /// <summary>Creates the row; <paramref name="extra"/> follows the store kind.</summary>
    public AzureStoreAttribute(params object[] extra)
    {
        this.extra = extra;
        if (AzuriteServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }

    /// <inheritdoc />
    public override System.Collections.Generic.IEnumerable<object[]> GetData(MethodInfo testMethod) => new[] { LocalStoreAttribute.Row(TestStorage.Azure, extra) };
}

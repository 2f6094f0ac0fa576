using System;
using System.IO;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Storage;
using Xunit;

namespace Restore.TestSupport;

/// <summary>
/// A real Google Cloud Storage JSON API server for tests: the Cloud Storage emulator of firebase-tools (npm, pinned in
/// tests/gcs/package.json), started by tests/gcs/gcs-emulator.js with node on 127.0.0.1 and a free port, killed on dispose.
/// It takes requests without credentials and creates a bucket on first use, so "bucket not found" cannot be shown with it.
/// </summary>
public sealed class GcsEmulatorServer : IDisposable
{
    private static readonly Regex Listening = new(@"listening on ([0-9.]+):(\d+)", RegexOptions.CultureInvariant);
    private static readonly HttpClient Http = new();
    private readonly NodeServerProcess process;
    private int bucketCounter;

    private GcsEmulatorServer(NodeServerProcess process, string endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    /// <summary>tests/gcs, where package.json pins firebase-tools.</summary>
    public static string PackageDirectory => Path.Combine(ToolLocator.RepoRoot, "tests", "gcs");

    /// <summary>tests/gcs/gcs-emulator.js: starts only the emulator's storage server.</summary>
    public static string Script => Path.Combine(PackageDirectory, "gcs-emulator.js");

    /// <summary>The installed emulator module; its presence means <c>npm ci</c> ran.</summary>
    public static string PackageModule => Path.Combine(PackageDirectory, "node_modules", "firebase-tools", "lib", "emulator", "storage", "index.js");

    /// <summary>Why the emulator cannot run here (null when it can): node missing or the npm packages not installed.</summary>
    public static string? UnavailableReason { get; } = FindUnavailableReason();

    /// <summary>Base URL, <c>http://127.0.0.1:port</c>: what <c>-Endpoint</c> takes.</summary>
    public string Endpoint { get; }

    /// <summary>Starts the emulator.</summary>
    public static GcsEmulatorServer Start()
    {
        if (UnavailableReason is not null)
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        var process = NodeServerProcess.Start("The GCS emulator", PackageDirectory, new[] { Script, "0" }, Listening, TimeSpan.FromSeconds(60));
        return new GcsEmulatorServer(process, $"http://127.0.0.1:{process.Port}");
    }

    /// <summary>A fresh bucket name (the emulator creates buckets on first use).</summary>
    public string NewBucket() => $"bucket-{Interlocked.Increment(ref bucketCounter)}-{Guid.NewGuid().ToString("N").Substring(0, 8)}";

    /// <summary>Options for a location in this emulator (plain http, so no credentials; few retries).</summary>
    internal StorageLocationOptions Options(string bucket, string prefix = "", string? endpoint = null) => new()
    {
        Location = "gs://" + bucket + (prefix.Length == 0 ? string.Empty : "/" + prefix),
        Endpoint = endpoint ?? Endpoint,
        MaxRetries = 1,
    };

    /// <summary>Uploads an object with one media request, independent of the store under test (and of its chunking).</summary>
    public async Task UploadAsync(string bucket, string key, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var uri = $"{Endpoint}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={Uri.EscapeDataString(key)}";
        using var response = await Http.PostAsync(uri, body);
        Assert.True(response.IsSuccessStatusCode, $"upload of {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Reads an object directly from the emulator; null when it does not exist.</summary>
    public async Task<byte[]?> DownloadAsync(string bucket, string key)
    {
        using var response = await Http.GetAsync($"{Endpoint}/storage/v1/b/{bucket}/o/{Uri.EscapeDataString(key)}?alt=media");
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await response.Content.ReadAsByteArrayAsync();
    }

    /// <inheritdoc />
    public void Dispose() => process.Dispose();

    private static string? FindUnavailableReason() => NodeServerProcess.UnavailableReason("The GCS emulator", PackageModule, "gcs", "GCS tests");
}

/// <summary>One GCS emulator shared by a test collection, started on first use and killed on dispose.</summary>
public sealed class GcsEmulatorFixture : IDisposable
{
    /// <summary>The collection name to use with <c>[Collection]</c>.</summary>
    public const string Collection = "gcs-emulator";

    private readonly Lazy<GcsEmulatorServer> server = new(GcsEmulatorServer.Start);

    /// <summary>The running emulator (started now if needed).</summary>
    public GcsEmulatorServer Server => server.Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (server.IsValueCreated)
        {
            server.Value.Dispose();
        }
    }
}

/// <summary>A fact that needs the GCS emulator; reported as skipped, with the reason, when node or the npm packages are missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GcsEmulatorFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public GcsEmulatorFactAttribute()
    {
        if (GcsEmulatorServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}

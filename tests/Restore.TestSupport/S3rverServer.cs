using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Restore.Engine.Storage;

namespace Restore.TestSupport;

/// <summary>
/// A real S3 server for tests: s3rver from npm (pinned in tests/s3/package.json), run with node on 127.0.0.1
/// and a free port, data in a temporary folder, killed on dispose. Its only credentials are S3RVER/S3RVER.
/// </summary>
public sealed class S3rverServer : IDisposable
{
    /// <summary>s3rver's built-in access key id (and secret).</summary>
    public const string AccessKey = "S3RVER";

    private static readonly Regex Listening = new(@"listening on ([0-9.]+):(\d+)", RegexOptions.CultureInvariant);
    private readonly NodeServerProcess process;
    private int bucketCounter;

    private S3rverServer(NodeServerProcess process, string endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    /// <summary>tests/s3, where package.json pins s3rver.</summary>
    public static string PackageDirectory => Path.Combine(ToolLocator.RepoRoot, "tests", "s3");

    /// <summary>tests/s3/s3rver.js: starts s3rver with a listing fix (see the script).</summary>
    public static string Script => Path.Combine(PackageDirectory, "s3rver.js");

    /// <summary>The installed package's own entry script; its presence means <c>npm ci</c> ran.</summary>
    public static string PackageScript => Path.Combine(PackageDirectory, "node_modules", "s3rver", "bin", "s3rver.js");

    /// <summary>Why s3rver cannot run here (null when it can): node missing or the npm packages not installed.</summary>
    public static string? UnavailableReason { get; } = FindUnavailableReason();

    /// <summary>Base URL, <c>http://127.0.0.1:port</c> (or https).</summary>
    public string Endpoint { get; }

    /// <summary>Starts s3rver; with <paramref name="tlsKeyPem"/> and <paramref name="tlsCertPem"/> it serves HTTPS.</summary>
    public static S3rverServer Start(string? tlsKeyPem = null, string? tlsCertPem = null)
    {
        if (UnavailableReason is not null)
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        var data = Path.Combine(Path.GetTempPath(), "restore-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);

        // s3rver's continuation tokens use DES, which OpenSSL 3 (Node 17 and later) keeps in its legacy provider.
        var arguments = new List<string> { "--openssl-legacy-provider", Script, "-d", data, "-a", "127.0.0.1", "-p", "0", "--silent", "--no-vhost-buckets" };
        if (tlsKeyPem is not null && tlsCertPem is not null)
        {
            arguments.AddRange(new[] { "--key", tlsKeyPem, "--cert", tlsCertPem });
        }

        var process = NodeServerProcess.Start("s3rver", PackageDirectory, arguments, Listening, TimeSpan.FromSeconds(30), data);
        return new S3rverServer(process, $"{(tlsKeyPem is null ? "http" : "https")}://127.0.0.1:{process.Port}");
    }

    /// <summary>Options for a location in this server (credentials S3RVER/S3RVER, few retries).</summary>
    internal StorageLocationOptions Options(string bucket, string prefix = "")
    {
        var options = new StorageLocationOptions
        {
            Location = "s3://" + bucket + (prefix.Length == 0 ? string.Empty : "/" + prefix),
            Endpoint = Endpoint,
            AccessKeyId = AccessKey,
            MaxRetries = 1,
        };
        return options.WithSecretAccessKey(AccessKey);
    }

    /// <summary>Creates a new, empty bucket with a unique name.</summary>
    public async Task<string> CreateBucketAsync(string? name = null)
    {
        name ??= $"bucket-{Interlocked.Increment(ref bucketCounter)}-{Guid.NewGuid().ToString("N").Substring(0, 8)}";
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>A raw AWSSDK client for test setup (path style, no flexible checksums).</summary>
    public AmazonS3Client CreateClient() => new(
        new BasicAWSCredentials(AccessKey, AccessKey),
        new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <inheritdoc />
    public void Dispose() => process.Dispose();

    private static string? FindUnavailableReason() => NodeServerProcess.UnavailableReason("s3rver", PackageScript, "s3", "S3 tests");
}

using System;
using System.Diagnostics;
using System.Globalization;
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
    private readonly Process process;
    private readonly string dataDirectory;
    private int bucketCounter;

    private S3rverServer(Process process, string dataDirectory, string endpoint)
    {
        this.process = process;
        this.dataDirectory = dataDirectory;
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
        var start = new ProcessStartInfo(ToolLocator.Find("node", "NODE")!)
        {
            WorkingDirectory = PackageDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // s3rver's continuation tokens use DES, which OpenSSL 3 (Node 17 and later) keeps in its legacy provider.
        foreach (var argument in new[] { "--openssl-legacy-provider", Script, "-d", data, "-a", "127.0.0.1", "-p", "0", "--silent", "--no-vhost-buckets" })
        {
            start.ArgumentList.Add(argument);
        }

        if (tlsKeyPem is not null && tlsCertPem is not null)
        {
            start.ArgumentList.Add("--key");
            start.ArgumentList.Add(tlsKeyPem);
            start.ArgumentList.Add("--cert");
            start.ArgumentList.Add(tlsCertPem);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var scheme = tlsKeyPem is null ? "http" : "https";
        var readLine = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                var match = Listening.Match(line);
                if (match.Success)
                {
                    return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                }
            }

            return -1;
        });
        if (!readLine.Wait(TimeSpan.FromSeconds(30)) || readLine.Result <= 0)
        {
            Kill(process);
            Directory.Delete(data, recursive: true);
            var error = stderr.IsCompleted ? stderr.Result : "(no output)";
            throw new InvalidOperationException($"s3rver did not start within 30 s: {error}");
        }

        // Keep draining stdout so node never blocks on a full pipe.
        _ = Task.Run(() => process.StandardOutput.ReadToEnd());
        return new S3rverServer(process, data, $"{scheme}://127.0.0.1:{readLine.Result}");
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
    public void Dispose()
    {
        Kill(process);
        process.Dispose();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string? FindUnavailableReason()
    {
        if (ToolLocator.Find("node", "NODE") is null)
        {
            return "'node' was not found on PATH or in $NODE; install Node.js and run 'npm ci' in tests/s3 to run the S3 tests.";
        }

        return File.Exists(PackageScript)
            ? null
            : $"s3rver is not installed ({PackageScript} is missing); run 'npm ci' in tests/s3 to run the S3 tests.";
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Storage;

/// <summary>
/// What the AWS SDK puts on the wire for a custom endpoint. s3rver ignores checksum headers, so only
/// the raw requests show whether an SDK upgrade brought back flexible checksums or aws-chunked bodies,
/// which stores such as older MinIO, Ceph RGW and NetApp reject or store verbatim.
/// </summary>
public sealed class S3WireFormatTests
{
    [Fact]
    public async Task APutToACustomEndpointSendsAPlainBodyWithoutFlexibleChecksums()
    {
        using var server = new RecordingS3Server();
        using var store = S3ObjectStore.Create(server.Options(), NullEngineLog.Instance);
        var body = new byte[] { 1, 2, 3, 4, 5 };

        await store.PutAsync("restores/r1/x", new MemoryStream(body), CancellationToken.None);

        var put = Assert.Single(server.Requests, r => r.Method == "PUT");
        Assert.Equal(body, put.Body);
        Assert.DoesNotContain(put.Headers.Keys, h => h.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(put.Headers.Keys, h => h.Equals("x-amz-sdk-checksum-algorithm", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("aws-chunked", put.Header("Content-Encoding") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("STREAMING", put.Header("x-amz-content-sha256") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AGetFromACustomEndpointAsksForNoChecksum()
    {
        using var server = new RecordingS3Server();
        using var store = S3ObjectStore.Create(server.Options(), NullEngineLog.Instance);

        using (var stream = await store.OpenReadAsync("backups/b/b.tar.gz", CancellationToken.None))
        {
            Assert.Equal(RecordingS3Server.GetBody, await ReadAll(stream));
        }

        var get = Assert.Single(server.Requests, r => r.Method == "GET");
        Assert.Null(get.Header("x-amz-checksum-mode"));
    }

    private static async Task<byte[]> ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>Answers every PUT with 200 and every GET with <see cref="GetBody"/>, keeping each request.</summary>
    private sealed class RecordingS3Server : IDisposable
    {
        public static readonly byte[] GetBody = { 9, 8, 7 };

        private readonly List<RecordedRequest> requests = new();
        private readonly LoopbackHttpServer server;

        public RecordingS3Server() => server = new LoopbackHttpServer(AnswerAsync);

        public IReadOnlyList<RecordedRequest> Requests
        {
            get
            {
                lock (requests)
                {
                    return requests.ToList();
                }
            }
        }

        public StorageLocationOptions Options() => new StorageLocationOptions
        {
            Location = "s3://bucket",
            Endpoint = server.Url,
            Region = "us-east-1",
            AccessKeyId = "key",
            MaxRetries = 0,
        }.WithSecretAccessKey("secret");

        public void Dispose() => server.Dispose();

        private async Task AnswerAsync(HttpListenerContext context)
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            lock (requests)
            {
                requests.Add(new RecordedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? string.Empty, headers, body.ToArray()));
            }

            var response = context.Response;
            response.StatusCode = 200;
            var answer = context.Request.HttpMethod == "GET" ? GetBody : Array.Empty<byte>();
            // A single-part ETag is the body's MD5, and the SDK checks a GET's body against it.
#pragma warning disable CA5351
            response.Headers["ETag"] = "\"" + Convert.ToHexString(System.Security.Cryptography.MD5.HashData(answer)).ToLowerInvariant() + "\"";
#pragma warning restore CA5351
            response.Headers["Last-Modified"] = DateTime.UtcNow.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            response.ContentLength64 = answer.Length;
            await response.OutputStream.WriteAsync(answer);
            response.Close();
        }
    }
}

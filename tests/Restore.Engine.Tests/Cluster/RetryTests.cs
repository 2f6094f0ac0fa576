using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Restore.Engine.Cluster;
using Xunit;
using static Restore.Engine.Tests.Cluster.KubernetesClientTests;

namespace Restore.Engine.Tests.Cluster;

public class RetryTests
{
    private static readonly JsonObject Pod = TestKubeServer.Object("Pod", "web", "shop");

    [Fact]
    public async Task RetriesA429AfterTheRetryAfterDelay()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, index) => index == 0
            ? TestKubeServer.Json(context, 429, TestKubeServer.Status(429, "TooManyRequests", "slow down"), retryAfter: "7")
            : TestKubeServer.Json(context, 200, Pod));
        var clock = new FakeClock();
        using var client = Client(server, clock: clock);

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal(2, server.RequestCount);
        Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, clock.Delays);
    }

    [Fact]
    public async Task UsesRetryAfterSecondsFromTheStatusWhenThereIsNoHeader()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, index) => index == 0
            ? TestKubeServer.Json(context, 503, TestKubeServer.Status(503, "ServiceUnavailable", "busy", new JsonObject { ["retryAfterSeconds"] = 4 }))
            : TestKubeServer.Json(context, 200, Pod));
        var clock = new FakeClock();
        using var client = Client(server, clock: clock);

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal(new[] { TimeSpan.FromSeconds(4) }, clock.Delays);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task RetriesServerErrorsWithJitteredBackoff(int status)
    {
        await using var server = await TestKubeServer.StartAsync((context, _, index) => index == 0
            ? TestKubeServer.Json(context, status, TestKubeServer.Status(status, "InternalError", "oops"))
            : TestKubeServer.Json(context, 200, Pod));
        var clock = new FakeClock();
        using var client = Client(server, clock: clock, configure: o => o.InitialRetryDelay = TimeSpan.FromMilliseconds(400));

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal(2, server.RequestCount);
        var delay = Assert.Single(clock.Delays);
        Assert.InRange(delay, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task RetriesADroppedConnectionOnANewClientCertificateSession()
    {
        await using var server = await TestKubeServer.StartAsync((context, seen, index) =>
        {
            if (index == 0)
            {
                context.Abort();
                return Task.CompletedTask;
            }

            return seen.ClientCertificateTrusted
                ? TestKubeServer.Json(context, 200, Pod)
                : TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "Unauthorized"));
        });
        var (certificate, key) = server.Certificates.IssueClient("restorer", TestKeyForm.RsaPkcs1);
        var clock = new FakeClock();
        using var client = Client(server, new ClusterCredentials { ClientCertificateData = certificate, ClientKeyData = key }, clock: clock);

        var pod = await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal("web", (string?)pod["metadata"]!["name"]);
        Assert.Equal(2, server.RequestCount);
        Assert.All(server.Requests, r => Assert.Equal("restorer", r.ClientCertificateSubject));
        Assert.Single(clock.Delays);
    }

    [Fact]
    public async Task GivesUpAfterMaxRetriesWithExponentialBackoff()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 503, TestKubeServer.Status(503, "ServiceUnavailable", "etcd is sad")));
        var clock = new FakeClock();
        using var client = Client(server, clock: clock, configure: o =>
        {
            o.MaxRetries = 3;
            o.InitialRetryDelay = TimeSpan.FromSeconds(1);
        });

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, server.RequestCount);
        Assert.Contains("4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, clock.Delays.Count);
        Assert.InRange(clock.Delays[0], TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        Assert.InRange(clock.Delays[1], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(clock.Delays[2], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task DoesNotWaitBeyondTheRetryBudget()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 429, TestKubeServer.Status(429, "TooManyRequests", "slow down"), retryAfter: "3600"));
        var clock = new FakeClock();
        using var client = Client(server, clock: clock, configure: o => o.MaxRetryDuration = TimeSpan.FromMinutes(2));

        var error = await Assert.ThrowsAsync<KubernetesTooManyRequestsException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        Assert.Equal(1, error.Attempts);
        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task TheRetryBudgetBoundsTotalTime()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 503, TestKubeServer.Status(503, "ServiceUnavailable", "down"), retryAfter: "10"));
        var clock = new FakeClock();
        using var client = Client(server, clock: clock, configure: o =>
        {
            o.MaxRetries = 100;
            o.MaxRetryDuration = TimeSpan.FromSeconds(35);
        });

        await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        // Three 10-second waits fit in 35 seconds; a fourth would not.
        Assert.Equal(3, clock.Delays.Count);
        Assert.Equal(4, server.RequestCount);
    }

    [Theory]
    [InlineData(400, "BadRequest")]
    [InlineData(404, "NotFound")]
    [InlineData(409, "AlreadyExists")]
    [InlineData(422, "Invalid")]
    public async Task DoesNotRetryClientErrors(int status, string reason)
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, status, TestKubeServer.Status(status, reason, "no")));
        var clock = new FakeClock();
        using var client = Client(server, clock: clock);

        var error = await Assert.ThrowsAnyAsync<KubernetesApiException>(() => client.CreateAsync(Resources.Pods, "shop", Pod, CancellationToken.None));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(1, server.RequestCount);
        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task CancellingDuringARetryWaitStopsAtOnce()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 503, TestKubeServer.Status(503, "ServiceUnavailable", "down"), retryAfter: "30"));
        var clock = new BlockingClock();
        using var client = Client(server, clock: clock);
        using var cancel = new CancellationTokenSource();

        var call = client.GetAsync(Resources.Pods, "shop", "web", cancel.Token);
        await clock.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.Single(clock.Delays));
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task CancellingDuringARealRetryAfterWaitReturnsQuickly()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 429, TestKubeServer.Status(429, "TooManyRequests", "slow down"), retryAfter: "60"));
        using var client = Client(server, clock: SystemKubeClock.Instance);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(Resources.Pods, "shop", "web", cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task CancellingWhileTheBodyIsReadIsACancellation()
    {
        await using var server = await TestKubeServer.StartAsync(async (context, _, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"items\":[");
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        using var client = Client(server, configure: o => o.MaxRetries = 0);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListAsync(Resources.Pods, "shop", null, cancel.Token));
    }

    [Fact]
    public async Task ATimedOutAttemptIsRetriedAndThenReported()
    {
        await using var server = await TestKubeServer.StartAsync(async (context, _, _) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        using var client = Client(server, configure: o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = 1;
        });

        var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        Assert.Equal("Timeout", error.Reason);
        Assert.Equal(2, error.Attempts);
        Assert.Contains("within 0.3 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedConnectionIsRetriedThenNamesTheServer()
    {
        // Find a port nobody listens on.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var clock = new FakeClock();
        using var client = new KubernetesClient(
            new ClusterConnectionSettings { Server = new Uri($"https://127.0.0.1:{port}"), ContextName = "gone" },
            new KubernetesClientOptions { Clock = clock, MaxRetries = 2 });

        var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.ListAsync(Resources.Pods, "shop", null, CancellationToken.None));

        Assert.Equal("ConnectionFailed", error.Reason);
        Assert.Equal(3, error.Attempts);
        Assert.StartsWith("gone: list pods in namespace shop failed: the connection to https://127.0.0.1:" + port, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A401RereadsTheTokenFileOnce()
    {
        using var dir = new TempDir();
        var tokenFile = dir.Write("token", "old-token");
        var accepted = "old-token";
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => seen.Authorization == "Bearer " + Volatile.Read(ref accepted)
            ? TestKubeServer.Json(context, 200, Pod)
            : TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "Unauthorized")));
        using var client = Client(server, new ClusterCredentials { TokenFile = tokenFile });
        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        // The token rotates; the client still holds the old one in its one-minute cache.
        File.WriteAllText(tokenFile, "new-token\n");
        Volatile.Write(ref accepted, "new-token");
        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal(new[] { "Bearer old-token", "Bearer old-token", "Bearer new-token" }, server.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A401WithAStaticTokenIsNotRetried()
    {
        await using var server = await TestKubeServer.StartAsync((context, _, _) => TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "Unauthorized")));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<KubernetesUnauthorizedException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        Assert.Equal(1, server.RequestCount);
        Assert.Contains("(authentication: Token)", error.Message, StringComparison.Ordinal);
    }
}

using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class RateLimiterTests
{
    [Fact]
    public async Task BurstGoesAtOnceThenQpsApplies()
    {
        var clock = new FakeClock { AdvanceOnDelay = false };
        var limiter = new TokenBucketRateLimiter(qps: 2, burst: 3, clock);

        for (var i = 0; i < 6; i++)
        {
            await limiter.WaitAsync(CancellationToken.None);
        }

        // Three from the bucket, then each waiter reserves the next token: 0.5 s, 1 s, 1.5 s away.
        Assert.Equal(new[] { 0.5, 1.0, 1.5 }, clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task TokensRefillOverTime()
    {
        var clock = new FakeClock();
        var limiter = new TokenBucketRateLimiter(qps: 10, burst: 5, clock);
        for (var i = 0; i < 5; i++)
        {
            await limiter.WaitAsync(CancellationToken.None);
        }

        clock.Advance(TimeSpan.FromSeconds(0.3));
        for (var i = 0; i < 3; i++)
        {
            await limiter.WaitAsync(CancellationToken.None);
        }

        Assert.Empty(clock.Delays);
        await limiter.WaitAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(0.1), Assert.Single(clock.Delays));
    }

    [Fact]
    public async Task RaisingTheLimitShortensTheWait()
    {
        var clock = new FakeClock { AdvanceOnDelay = false };
        var limiter = new TokenBucketRateLimiter(qps: 1, burst: 1, clock);
        await limiter.WaitAsync(CancellationToken.None);

        limiter.Update(qps: 1000, burst: 1000);
        await limiter.WaitAsync(CancellationToken.None);

        Assert.Equal(TimeSpan.FromMilliseconds(1), Assert.Single(clock.Delays));
        Assert.Equal((1000.0, 1000), (limiter.Qps, limiter.Burst));
    }

    [Fact]
    public async Task ZeroQpsMeansUnlimited()
    {
        var clock = new FakeClock();
        var limiter = new TokenBucketRateLimiter(qps: 0, burst: 1, clock);

        for (var i = 0; i < 1000; i++)
        {
            await limiter.WaitAsync(CancellationToken.None);
        }

        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task ACancelledWaiterGivesItsTokenBack()
    {
        var clock = new BlockingClock();
        var limiter = new TokenBucketRateLimiter(qps: 1, burst: 1, clock);
        await limiter.WaitAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = limiter.WaitAsync(cancel.Token);
        await clock.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        // Had the token not been returned, the next waiter would be 2 s away.
        using var cancelNext = new CancellationTokenSource();
        var next = limiter.WaitAsync(cancelNext.Token);
        cancelNext.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        Assert.Equal(new[] { 1.0, 1.0 }, clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenThrowsWithoutTakingAToken()
    {
        var clock = new FakeClock();
        var limiter = new TokenBucketRateLimiter(qps: 1, burst: 1, clock);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.WaitAsync(new CancellationToken(true)));
        await limiter.WaitAsync(CancellationToken.None);

        Assert.Empty(clock.Delays);
    }

    [Fact]
    public async Task TheClientWaitsForTheLimiterAndCallersCanRaiseIt()
    {
        var clock = new FakeClock { AdvanceOnDelay = false };
        var handler = new StubHandler((_, _) => StubHandler.Json(200, "{\"kind\":\"Pod\"}"));
        using var client = new KubernetesClient(
            new ClusterConnectionSettings { Server = new Uri("https://k") },
            new KubernetesClientOptions { Clock = clock, Qps = 1, Burst = 2 },
            handler,
            true);

        for (var i = 0; i < 4; i++)
        {
            await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);
        }

        Assert.Equal(new[] { 1.0, 2.0 }, clock.Delays.Select(d => d.TotalSeconds));
        client.SetRateLimit(0, 1);
        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);
        Assert.Equal(2, clock.Delays.Count);
        Assert.Equal(5, handler.Requests.Count);
    }

    [Fact]
    public void DefaultsAreQps100Burst200()
    {
        var options = new KubernetesClientOptions();

        Assert.Equal((100.0, 200), (options.Qps, options.Burst));
        Assert.True(options.MaxConnectionsPerServer >= 32);
    }

    [Fact]
    public void BackoffDoublesUpToTheCapWithJitter()
    {
        var backoff = new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), new Random(7));

        for (var retry = 1; retry <= 6; retry++)
        {
            var ceiling = Math.Min(5, Math.Pow(2, retry - 1));
            Assert.InRange(backoff.Next(retry, null).TotalSeconds, ceiling / 2, ceiling);
        }

        Assert.Equal(TimeSpan.FromSeconds(42), backoff.Next(1, TimeSpan.FromSeconds(42)));
    }
}

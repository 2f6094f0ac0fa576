using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Xunit;

namespace Restore.Engine.Tests.Execution;

public class BoundedParallelTests
{
    [Theory]
    [InlineData(1, 20)]
    [InlineData(4, 20)]
    [InlineData(8, 3)]
    public async Task RunsEveryItemOnceAndNeverExceedsTheDegree(int degree, int count)
    {
        var inFlight = 0;
        var peak = 0;
        var seen = new ConcurrentBag<int>();
        await BoundedParallel.ForEachAsync(Enumerable.Range(0, count).ToList(), degree, async (i, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            await Task.Delay(2);
            seen.Add(i);
            Interlocked.Decrement(ref inFlight);
        }, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, count), seen.OrderBy(i => i));
        Assert.True(peak <= degree, $"peak {peak} > degree {degree}");
        if (degree > 1 && count >= degree)
        {
            Assert.True(peak > 1, "work never overlapped");
        }
    }

    [Fact]
    public async Task StopsStartingItemsAfterCancellation()
    {
        using var cts = new CancellationTokenSource();
        var started = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BoundedParallel.ForEachAsync(Enumerable.Range(0, 100).ToList(), 2, async (i, token) =>
        {
            if (Interlocked.Increment(ref started) == 5)
            {
                cts.Cancel();
            }

            await Task.Yield();
        }, cts.Token));

        Assert.InRange(started, 5, 7);
    }

    [Fact]
    public async Task RethrowsTheFirstUnexpectedFailure()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => BoundedParallel.ForEachAsync(Enumerable.Range(0, 10).ToList(), 3, (i, _) =>
            i == 4 ? throw new InvalidOperationException("item 4") : Task.CompletedTask, CancellationToken.None));
        Assert.Equal("item 4", ex.Message);
    }

    [Fact]
    public async Task OncePerKeyRunsAStepOnlyOnce()
    {
        var once = new OncePerKey<int>();
        var runs = 0;
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => once.RunAsync("ns", async () =>
        {
            Interlocked.Increment(ref runs);
            await Task.Delay(5);
            return 42;
        }))));

        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal(42, r));
        Assert.True(once.HasStarted("ns"));
        Assert.False(once.HasStarted("other"));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

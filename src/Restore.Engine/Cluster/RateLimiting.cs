using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Cluster;

/// <summary>Time source for the client; tests inject one to observe waits without sleeping.</summary>
internal interface IKubeClock
{
    /// <summary>Wall-clock time, for credential expiry.</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>Monotonic time since an arbitrary start, for rate limiting and retry budgets.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Waits; must honour <paramref name="cancellationToken"/>.</summary>
    Task Delay(TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>The real clock.</summary>
internal sealed class SystemKubeClock : IKubeClock
{
    public static readonly SystemKubeClock Instance = new();

    private readonly Stopwatch stopwatch = Stopwatch.StartNew();

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => stopwatch.Elapsed;

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
}

/// <summary>
/// A token bucket: <c>burst</c> requests may go at once, then <c>qps</c> per second. Waiters reserve
/// their token up front (the bucket may go negative), so they are served in arrival order without a
/// thundering herd; a cancelled waiter gives its token back.
/// </summary>
internal sealed class TokenBucketRateLimiter
{
    private readonly object gate = new();
    private readonly IKubeClock clock;
    private double qps;
    private double burst;
    private double tokens;
    private TimeSpan last;

    public TokenBucketRateLimiter(double qps, int burst, IKubeClock clock)
    {
        this.clock = clock;
        last = clock.Elapsed;
        Update(qps, burst);
        tokens = this.burst;
    }

    /// <summary>Requests per second; 0 or less means unlimited.</summary>
    public double Qps
    {
        get
        {
            lock (gate)
            {
                return qps;
            }
        }
    }

    /// <summary>Bucket size.</summary>
    public int Burst
    {
        get
        {
            lock (gate)
            {
                return (int)burst;
            }
        }
    }

    /// <summary>Changes the rate. Tokens already in the bucket are kept, up to the new burst.</summary>
    public void Update(double qps, int burst)
    {
        if (double.IsNaN(qps) || double.IsInfinity(qps))
        {
            throw new ArgumentOutOfRangeException(nameof(qps), "QPS must be a finite number (0 or less for unlimited).");
        }

        lock (gate)
        {
            Refill();
            this.qps = qps;
            this.burst = Math.Max(1, burst);
            tokens = Math.Min(tokens, this.burst);
        }
    }

    /// <summary>Takes a token, waiting as long as needed. Honours cancellation.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TimeSpan wait;
        lock (gate)
        {
            if (qps <= 0)
            {
                return Task.CompletedTask;
            }

            Refill();
            tokens -= 1;

            // Tolerate floating-point dust so a refilled token is not "a femtosecond away".
            if (tokens >= -1e-9)
            {
                return Task.CompletedTask;
            }

            wait = TimeSpan.FromTicks((long)Math.Ceiling(-tokens / qps * TimeSpan.TicksPerSecond));
        }

        return WaitSlowAsync(wait, cancellationToken);
    }

    private async Task WaitSlowAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await clock.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (gate)
            {
                tokens = Math.Min(burst, tokens + 1);
            }

            throw;
        }
    }

    private void Refill()
    {
        var now = clock.Elapsed;
        var elapsed = (now - last).TotalSeconds;
        last = now;
        if (elapsed > 0 && qps > 0)
        {
            tokens = Math.Min(burst, tokens + (elapsed * qps));
        }
    }
}

/// <summary>Backoff delays: exponential with jitter, or the server's Retry-After.</summary>
internal sealed class RetryBackoff
{
    private readonly Random random;
    private readonly object gate = new();

    public RetryBackoff(TimeSpan initialDelay, TimeSpan maxDelay, Random? random = null)
    {
        InitialDelay = initialDelay;
        MaxDelay = maxDelay;
        this.random = random ?? new Random();
    }

    public TimeSpan InitialDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based). A Retry-After wins (it is the
    /// server's explicit request); otherwise initial × 2^(retry-1), capped, with "equal jitter" so parallel
    /// clients spread out while still backing off.
    /// </summary>
    public TimeSpan Next(int retry, TimeSpan? retryAfter)
    {
        if (retryAfter.HasValue && retryAfter.Value > TimeSpan.Zero)
        {
            return retryAfter.Value;
        }

        var exponent = Math.Min(Math.Max(retry - 1, 0), 30);
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, exponent));
        double fraction;
        lock (gate)
        {
            fraction = random.NextDouble();
        }

        return TimeSpan.FromMilliseconds((ceiling / 2) + (fraction * ceiling / 2));
    }
}

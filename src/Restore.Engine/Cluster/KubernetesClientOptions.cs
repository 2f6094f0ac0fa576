using System;
using System.Threading;
using Restore.Engine.Common;

namespace Restore.Engine.Cluster;

/// <summary>Tuning for a <see cref="KubernetesClient"/>. Defaults suit a restore that runs many requests in parallel.</summary>
internal sealed class KubernetesClientOptions
{
    /// <summary>Client-side rate limit in requests per second (token bucket refill rate); 0 or less disables it. Default 100.</summary>
    public double Qps { get; set; } = 100;

    /// <summary>Token bucket size: requests that may go at once before <see cref="Qps"/> applies. Default 200.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Retries after the first attempt for 429, 5xx (500, 502, 503, 504) and dropped connections. Default 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// Upper bound on the time one call may spend, first attempt to last retry, including waits; a retry
    /// that would end after it is not made. Default 2 minutes.
    /// </summary>
    public TimeSpan MaxRetryDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First backoff delay (before jitter); doubles per retry. Default 250 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Largest backoff delay when the server sends no Retry-After. Default 15 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeout for one HTTP attempt (including reading the body). Default 60 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Parallel connections to the API server. Default 64.</summary>
    public int MaxConnectionsPerServer { get; set; } = 64;

    /// <summary>Items per page when listing. Default 500 (as kubectl).</summary>
    public int ListPageSize { get; set; } = 500;

    /// <summary>Longest time an exec credential plugin may run. Default 2 minutes.</summary>
    public TimeSpan ExecTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The User-Agent header; null for <c>Restore/&lt;version&gt;</c>.</summary>
    public string? UserAgent { get; set; }

    /// <summary>Where retries, warnings (such as disabled TLS verification) and plugin runs are logged.</summary>
    public IEngineLog Log { get; set; } = NullEngineLog.Instance;

    /// <summary>The time source (tests inject a fake to observe waits).</summary>
    internal IKubeClock Clock { get; set; } = SystemKubeClock.Instance;

    /// <summary>Random source for jitter (tests inject a seeded one).</summary>
    internal Random? JitterRandom { get; set; }

    /// <summary>
    /// Test seam: adjusts the options of every client created in this asynchronous flow, so fault tests can shorten
    /// timeouts of clients the engine builds itself. Unset outside tests.
    /// </summary>
    internal static AsyncLocal<Action<KubernetesClientOptions>?> TestOverrides { get; } = new();

    /// <summary>Checks the values and returns a copy the client can keep.</summary>
    internal KubernetesClientOptions Validate()
    {
        if (TestOverrides.Value is { } adjust)
        {
            var adjusted = (KubernetesClientOptions)MemberwiseClone();
            adjust(adjusted);
            return adjusted.ValidateValues();
        }

        return ValidateValues();
    }

    private KubernetesClientOptions ValidateValues()
    {
        if (Burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Burst), Burst, "Burst must be at least 1.");
        }

        if (MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries cannot be negative.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "RequestTimeout must be positive.");
        }

        if (MaxConnectionsPerServer < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConnectionsPerServer), MaxConnectionsPerServer, "MaxConnectionsPerServer must be at least 1.");
        }

        if (ListPageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ListPageSize), ListPageSize, "ListPageSize must be at least 1.");
        }

        return (KubernetesClientOptions)MemberwiseClone();
    }
}

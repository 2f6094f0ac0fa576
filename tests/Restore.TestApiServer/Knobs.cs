using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Restore.TestApiServer;

/// <summary>What an injected fault does to a request.</summary>
public enum FaultAction
{
    /// <summary>Answer with an error Status of <see cref="FaultRule.StatusCode"/> (and Retry-After when set).</summary>
    Status,

    /// <summary>Abort the connection without a response (the client sees a reset/EOF).</summary>
    ResetConnection,

    /// <summary>Hold the request for <see cref="FaultRule.HangFor"/> (forever by default) before handling it, to trigger client timeouts.</summary>
    Hang,
}

/// <summary>
/// A fault injected into matching requests, at a rate and optionally a limited number of times.
/// Filters that are null match everything. Discovery and OpenAPI requests are never faulted unless
/// <see cref="ServerKnobs.FaultsIncludeDiscovery"/> is set, so clients can still find resources.
/// </summary>
public sealed class FaultRule
{
    private int fired;

    /// <summary>What happens.</summary>
    public FaultAction Action { get; init; } = FaultAction.Status;

    /// <summary>The status code for <see cref="FaultAction.Status"/> (e.g. 500, 503, 429, 504).</summary>
    public int StatusCode { get; init; } = 500;

    /// <summary>Fraction of matching requests affected, 0..1.</summary>
    public double Rate { get; init; } = 1.0;

    /// <summary>Retry-After seconds (header and details.retryAfterSeconds); 429 defaults to 1.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>How long <see cref="FaultAction.Hang"/> holds the request.</summary>
    public TimeSpan HangFor { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Only requests with this HTTP method (GET, POST, ...).</summary>
    public string? Method { get; init; }

    /// <summary>Only requests with this Kubernetes verb (get, list, create, update, patch, delete, watch, ...).</summary>
    public string? Verb { get; init; }

    /// <summary>Only this resource: "configmaps" or "deployments.apps".</summary>
    public string? Resource { get; init; }

    /// <summary>Only this namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Fire at most this many times (then the rule is spent).</summary>
    public int? MaxCount { get; init; }

    /// <summary>How many times the rule fired.</summary>
    public int FiredCount => Volatile.Read(ref fired);

    internal bool Matches(RequestInfo info)
        => (Method is null || string.Equals(Method, info.Method, StringComparison.OrdinalIgnoreCase))
            && (Verb is null || Verb == info.Verb)
            && (Resource is null || Resource == info.GroupResource)
            && (Namespace is null || Namespace == info.Namespace);

    internal bool TryFire(Func<double> random)
    {
        if (Rate < 1.0 && random() >= Rate)
        {
            return false;
        }

        if (MaxCount is { } max)
        {
            if (Interlocked.Increment(ref fired) > max)
            {
                return false;
            }
        }
        else
        {
            Interlocked.Increment(ref fired);
        }

        return true;
    }
}

/// <summary>Makes matching requests fail with 403 Forbidden, as RBAC would.</summary>
public sealed class ForbidRule
{
    /// <summary>"configmaps", "deployments.apps" or "deployments/status"; "*" for every resource.</summary>
    public required string Resource { get; init; }

    /// <summary>Only this verb (create, get, list, update, patch, delete, ...), null for all.</summary>
    public string? Verb { get; init; }

    /// <summary>Only this namespace, null for all.</summary>
    public string? Namespace { get; init; }

    /// <summary>Only this user, null for all.</summary>
    public string? User { get; init; }

    internal bool Matches(string verb, string group, string resource, string subresource, string ns, string user)
    {
        // Like RBAC, a rule for "deployments" does not cover "deployments/status"; both
        // "deployments.apps/status" and "deployments/status.apps" name the subresource.
        var qualified = ApiErrors.Qualified(group, resource);
        var matchesResource = subresource.Length == 0
            ? Resource == qualified
            : Resource == qualified + "/" + subresource || Resource == ApiErrors.Qualified(group, resource + "/" + subresource);
        return (Resource == "*" || matchesResource)
            && (Verb is null || Verb == verb)
            && (Namespace is null || Namespace == ns)
            && (User is null || User == user);
    }
}

/// <summary>
/// Runtime switches for tests and benchmarks: latency, fault injection, Forbidden rules and the
/// timing of namespace termination and CRD establishment. Thread-safe; changes apply to the next request.
/// </summary>
public sealed class ServerKnobs
{
    private readonly object gate = new();
    private readonly List<ExecRecord> execLog = new();
    private Random random = new();
    private FaultRule[] faults = Array.Empty<FaultRule>();
    private ForbidRule[] forbidden = Array.Empty<ForbidRule>();

    /// <summary>Added to every request before it is handled.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>A random extra 0..jitter on top of <see cref="Latency"/>.</summary>
    public TimeSpan LatencyJitter { get; set; }

    /// <summary>How long a deleted namespace stays Terminating before its contents and itself are removed.</summary>
    public TimeSpan NamespaceTerminationDelay { get; set; }

    /// <summary>How long after creation a CRD becomes Established (and its resource is served).</summary>
    public TimeSpan CrdEstablishDelay { get; set; }

    /// <summary>
    /// How long after creation a pod runs (phase Running, every container running), as a kubelet would start it; null
    /// (the default) leaves pods Pending. The pod annotation <c>restore-test.local/running-after-ms</c> (a number or
    /// <c>never</c>) overrides it per pod.
    /// </summary>
    public TimeSpan? PodRunningDelay { get; set; }

    /// <summary>
    /// How long after creation a running pod's containers become Ready; null for as soon as they run. The annotation
    /// <c>restore-test.local/ready-after-ms</c> (a number or <c>never</c>) overrides it per pod.
    /// </summary>
    public TimeSpan? PodReadyDelay { get; set; }

    /// <summary>Scripted answers for <c>pods/exec</c>, tried in order (see <see cref="ExecScript"/>); set them before the execs they answer.</summary>
    public List<ExecScript> ExecScripts { get; } = new();

    /// <summary>Every exec answered, in order.</summary>
    public IReadOnlyList<ExecRecord> ExecLog
    {
        get
        {
            lock (execLog)
            {
                return execLog.ToList();
            }
        }
    }

    /// <summary>When true, faults also hit /version, /api, /apis and /openapi requests.</summary>
    public bool FaultsIncludeDiscovery { get; set; }

    /// <summary>The active fault rules, in match order.</summary>
    public IReadOnlyList<FaultRule> Faults => Volatile.Read(ref faults);

    /// <summary>The active Forbidden rules.</summary>
    public IReadOnlyList<ForbidRule> Forbidden => Volatile.Read(ref forbidden);

    /// <summary>Makes fault rates reproducible.</summary>
    public void SetRandomSeed(int seed)
    {
        lock (gate)
        {
            random = new Random(seed);
        }
    }

    /// <summary>Adds a fault rule and returns it (its <see cref="FaultRule.FiredCount"/> tells how often it hit).</summary>
    public FaultRule AddFault(FaultRule rule)
    {
        lock (gate)
        {
            faults = faults.Append(rule).ToArray();
        }

        return rule;
    }

    /// <summary>Fails matching requests with <paramref name="statusCode"/> (500, 503, 429 with Retry-After, 504...).</summary>
    public FaultRule FailRequests(int statusCode, double rate = 1.0, int? retryAfterSeconds = null, string? verb = null, string? resource = null, int? maxCount = null)
        => AddFault(new FaultRule { Action = FaultAction.Status, StatusCode = statusCode, Rate = rate, RetryAfterSeconds = retryAfterSeconds, Verb = verb, Resource = resource, MaxCount = maxCount });

    /// <summary>Aborts the connection of matching requests.</summary>
    public FaultRule ResetConnections(double rate = 1.0, string? verb = null, string? resource = null, int? maxCount = null)
        => AddFault(new FaultRule { Action = FaultAction.ResetConnection, Rate = rate, Verb = verb, Resource = resource, MaxCount = maxCount });

    /// <summary>Holds matching requests for <paramref name="duration"/> (infinite: until the client gives up).</summary>
    public FaultRule HangRequests(TimeSpan duration, double rate = 1.0, string? verb = null, string? resource = null, int? maxCount = null)
        => AddFault(new FaultRule { Action = FaultAction.Hang, HangFor = duration, Rate = rate, Verb = verb, Resource = resource, MaxCount = maxCount });

    /// <summary>Removes every fault rule.</summary>
    public void ClearFaults()
    {
        lock (gate)
        {
            faults = Array.Empty<FaultRule>();
        }
    }

    /// <summary>Forbids <paramref name="verb"/> (all when null) on <paramref name="resource"/> ("configmaps", "deployments.apps").</summary>
    public ForbidRule Forbid(string resource, string? verb = null, string? @namespace = null, string? user = null)
    {
        var rule = new ForbidRule { Resource = resource, Verb = verb, Namespace = @namespace, User = user };
        lock (gate)
        {
            forbidden = forbidden.Append(rule).ToArray();
        }

        return rule;
    }

    /// <summary>Removes one Forbidden rule.</summary>
    public void Allow(ForbidRule rule)
    {
        lock (gate)
        {
            forbidden = forbidden.Where(r => !ReferenceEquals(r, rule)).ToArray();
        }
    }

    /// <summary>Removes every Forbidden rule.</summary>
    public void ClearForbidden()
    {
        lock (gate)
        {
            forbidden = Array.Empty<ForbidRule>();
        }
    }

    /// <summary>Resets every knob to its default (no latency, no faults, no Forbidden rules, no delays).</summary>
    public void Reset()
    {
        Latency = TimeSpan.Zero;
        LatencyJitter = TimeSpan.Zero;
        NamespaceTerminationDelay = TimeSpan.Zero;
        CrdEstablishDelay = TimeSpan.Zero;
        FaultsIncludeDiscovery = false;
        ClearFaults();
        ClearForbidden();
    }

    internal void RecordExec(ExecRecord record)
    {
        lock (execLog)
        {
            execLog.Add(record);
        }
    }

    internal bool IsForbidden(string verb, string group, string resource, string subresource, string ns, string user)
    {
        foreach (var rule in Volatile.Read(ref forbidden))
        {
            if (rule.Matches(verb, group, resource, subresource, ns, user))
            {
                return true;
            }
        }

        return false;
    }

    internal FaultRule? PickFault(RequestInfo info)
    {
        if (info.IsDiscovery && !FaultsIncludeDiscovery)
        {
            return null;
        }

        foreach (var rule in Volatile.Read(ref faults))
        {
            if (rule.Matches(info) && rule.TryFire(NextRandom))
            {
                return rule;
            }
        }

        return null;
    }

    internal TimeSpan NextLatency()
    {
        var latency = Latency;
        var jitter = LatencyJitter;
        return jitter > TimeSpan.Zero ? latency + TimeSpan.FromTicks((long)(jitter.Ticks * NextRandom())) : latency;
    }

    private double NextRandom()
    {
        lock (gate)
        {
            return random.NextDouble();
        }
    }
}

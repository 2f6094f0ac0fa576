using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

/// <summary>A clock whose waits return at once and are recorded, so backoff and rate limits are observable without sleeping.</summary>
internal sealed class FakeClock : IKubeClock
{
    private readonly object gate = new();
    private readonly DateTimeOffset start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private TimeSpan elapsed;

    public List<TimeSpan> Delays { get; } = new();

    /// <summary>False to keep time still during waits (as if the waiters ran concurrently).</summary>
    public bool AdvanceOnDelay { get; set; } = true;

    public DateTimeOffset UtcNow
    {
        get
        {
            lock (gate)
            {
                return start + elapsed;
            }
        }
    }

    public TimeSpan Elapsed
    {
        get
        {
            lock (gate)
            {
                return elapsed;
            }
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (gate)
        {
            elapsed += by;
        }
    }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            Delays.Add(delay);
            if (AdvanceOnDelay)
            {
                elapsed += delay;
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>A clock that records waits and blocks in them until cancelled (to test cancellation during waits).</summary>
internal sealed class BlockingClock : IKubeClock
{
    public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => TimeSpan.Zero;

    public async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        Delays.Enqueue(delay);
        Waiting.TrySetResult();
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
    }
}

/// <summary>Captures engine log entries.</summary>
internal sealed class ListLog : IEngineLog
{
    public ConcurrentQueue<EngineLogEntry> Entries { get; } = new();

    public void Write(EngineLogEntry entry) => Entries.Enqueue(entry);

    public string AllText => string.Join("\n", Entries.Select(e => e.Message + " " + string.Join(" ", e.Fields.Select(f => f.Key + "=" + f.Value))));
}

/// <summary>Runs only where a POSIX shell exists; exec plugin tests write their plugins as shell scripts.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixShellFactAttribute : FactAttribute
{
    public UnixShellFactAttribute()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || !File.Exists("/bin/sh"))
        {
            Skip = "Exec plugin tests use /bin/sh scripts as plugins; no POSIX shell on this platform.";
        }
    }
}

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "restore-kube-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public string WriteBytes(string relative, byte[] content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    public string WriteScript(string relative, string script)
    {
        var full = Write(relative, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Resources
{
    public static readonly ApiResourceInfo Pods = new("", "v1", "pods", "Pod", true, new[] { "po" }, "pod", new[] { "get", "list", "create" });
    public static readonly ApiResourceInfo Namespaces = new("", "v1", "namespaces", "Namespace", false, new[] { "ns" }, "namespace");
    public static readonly ApiResourceInfo ClusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false);
    public static readonly ApiResourceInfo Deployments = new("apps", "v1", "deployments", "Deployment", true, new[] { "deploy" }, "deployment");
    public static readonly ApiResourceInfo ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true, new[] { "cm" }, "configmap");
}

/// <summary>An in-memory handler for tests that need no network: answers from a function and records requests.</summary>
internal sealed class StubHandler : System.Net.Http.HttpMessageHandler
{
    private readonly Func<System.Net.Http.HttpRequestMessage, string, System.Net.Http.HttpResponseMessage> respond;

    public StubHandler(Func<System.Net.Http.HttpRequestMessage, string, System.Net.Http.HttpResponseMessage> respond) => this.respond = respond;

    public ConcurrentQueue<(System.Net.Http.HttpRequestMessage Request, string Body)> Requests { get; } = new();

    public static System.Net.Http.HttpResponseMessage Json(int status, string json) => new((System.Net.HttpStatusCode)status)
    {
        Content = new System.Net.Http.StringContent(json, System.Text.Encoding.UTF8, "application/json"),
    };

    protected override async Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request, body));
        return respond(request, body);
    }
}

using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Planning;

namespace Restore.Engine.Execution;

/// <summary>Whether a target namespace can take items.</summary>
internal sealed class NamespaceState
{
    private NamespaceState(bool ready, bool created, string? error, string? dependentError)
    {
        Ready = ready;
        Created = created;
        Error = error;
        DependentError = dependentError ?? error;
    }

    public bool Ready { get; }

    /// <summary>True when this restore created it.</summary>
    public bool Created { get; }

    /// <summary>The Velero error of the namespace itself.</summary>
    public string? Error { get; }

    /// <summary>The Velero error each of its items gets.</summary>
    public string? DependentError { get; }

    public static NamespaceState Existing { get; } = new(true, false, null, null);

    public static NamespaceState NewlyCreated { get; } = new(true, true, null, null);

    public static NamespaceState Failed(string error, string? dependentError = null) => new(false, false, error, dependentError);
}

/// <summary>
/// Makes sure each target namespace exists before its items, once per namespace however many items ask at the same
/// time (docs/velero-compatibility.md#namespace-creation): missing ones are created from the backup's copy, a terminating one is waited for (polling every
/// second) up to the termination timeout, after which it and its items fail with Velero's messages.
/// </summary>
internal sealed class NamespaceEnsurer
{
    private readonly OncePerKey<NamespaceState> once = new();
    private readonly ConcurrentDictionary<string, PlannedItem> planned = new(StringComparer.Ordinal);
    private readonly KubernetesClient client;
    private readonly TimeSpan terminationTimeout;
    private readonly IEngineLog log;

    public NamespaceEnsurer(KubernetesClient client, TimeSpan terminationTimeout, IEngineLog log)
    {
        this.client = client;
        this.terminationTimeout = terminationTimeout;
        this.log = log;
    }

    /// <summary>Makes a planned namespace object known before any item that needs the namespace is applied; the first one wins.</summary>
    public void Register(PlannedItem item) => planned.TryAdd(item.TargetName, item);

    public Task<NamespaceState> EnsureAsync(string name, CancellationToken runToken) =>
        once.RunAsync(name, () => EnsureCoreAsync(name, runToken));

    private async Task<NamespaceState> EnsureCoreAsync(string name, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var waiting = false;
        while (true)
        {
            JsonObject? live;
            try
            {
                live = await client.TryGetAsync(ClusterConnection.Namespaces, null, name, ct).ConfigureAwait(false);
            }
            catch (KubernetesApiException ex)
            {
                return NamespaceState.Failed($"error getting namespace {name}: {ClusterItemApplier.ApiText(ex)}");
            }

            if (live is null)
            {
                try
                {
                    await client.CreateAsync(ClusterConnection.Namespaces, null, BuildNamespace(name), ct).ConfigureAwait(false);
                    return NamespaceState.NewlyCreated;
                }
                catch (KubernetesAlreadyExistsException ex) when (ex.Attempts > 1)
                {
                    // Our own first attempt went through before the connection dropped.
                    return NamespaceState.NewlyCreated;
                }
                catch (KubernetesAlreadyExistsException)
                {
                    continue;
                }
                catch (KubernetesApiException ex)
                {
                    return NamespaceState.Failed($"error creating namespace {name}: {ClusterItemApplier.ApiText(ex)}");
                }
            }

            if (!IsTerminating(live))
            {
                return NamespaceState.Existing;
            }

            var remaining = terminationTimeout - watch.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return NamespaceState.Failed(
                    $"timed out waiting for terminating namespace {name} to disappear before restoring",
                    $"skipping polling for terminating namespace {name}");
            }

            if (!waiting)
            {
                waiting = true;
                log.Info($"Namespace {name} is terminating; waiting up to {ClusterItemApplier.Describe(terminationTimeout)} for it to disappear before restoring into it", ("namespace", name));
            }

            await Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
    }

    private JsonObject BuildNamespace(string name) =>
        planned.TryGetValue(name, out var item) && item.ParseObject() is { } obj
            ? obj
            : new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };

    private static bool IsTerminating(JsonObject ns) =>
        ns["metadata"]?["deletionTimestamp"] is not null || (ns["status"]?["phase"] as JsonValue)?.ToString() == "Terminating";
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Actions;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>Exec hook counts, as Velero's hook tracker keeps them (attempted when grouped, failed when they end badly).</summary>
internal sealed class HookCounter
{
    private int attempted;
    private int failed;

    public int Attempted => Volatile.Read(ref attempted);

    public int Failed => Volatile.Read(ref failed);

    public void AddAttempted(int count) => Interlocked.Add(ref attempted, count);

    public void AddFailed() => Interlocked.Increment(ref failed);
}

/// <summary>Runs one pod's exec hooks; the seam the runner's tests replace.</summary>
internal interface IPodHookClient
{
    /// <summary>The pod as it is now; null when it is gone.</summary>
    Task<JsonObject?> GetPodAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Runs a command in a container (see <see cref="KubernetesClient.ExecAsync"/>).</summary>
    Task<PodExecResult> ExecAsync(string ns, string pod, string container, IReadOnlyList<string> command, CancellationToken cancellationToken);
}

/// <summary>The cluster's pods through our client.</summary>
internal sealed class ClusterPodHookClient : IPodHookClient
{
    private static readonly ApiResourceInfo Pods = new(string.Empty, "v1", "pods", "Pod", true);
    private readonly KubernetesClient client;

    public ClusterPodHookClient(KubernetesClient client) => this.client = client;

    public Task<JsonObject?> GetPodAsync(string ns, string name, CancellationToken cancellationToken) => client.TryGetAsync(Pods, ns, name, cancellationToken);

    public Task<PodExecResult> ExecAsync(string ns, string pod, string container, IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        client.ExecAsync(ns, pod, container, command, cancellationToken);
}

/// <summary>
/// Post-restore exec hooks (docs/velero-compatibility.md#restore-hooks), as Velero's wait-exec handler runs them:
/// each restored pod gets its own task that watches the pod and, once a container is running (Ready, when any of its
/// hooks asks for that), runs that container's hooks one after another through <c>pods/exec</c>. A pod's wait is
/// bounded by the largest <c>waitTimeout</c> of its hooks (none: until the pod runs or the restore is stopped); a
/// hook whose own <c>waitTimeout</c> has passed when its turn comes fails without running. A command runs at most
/// <c>execTimeout</c> (default 30 s). A failure with <c>onError: Fail</c> stops every hook not yet run in this restore
/// and is an error (the restore ends PartiallyFailed); with <c>Continue</c> (the default) it is a warning. Every hook
/// counts as attempted; failed, timed out and never-run hooks count as failed. The target waits for all of them
/// before it finishes, as Velero's finalizer does.
/// </summary>
internal sealed class ExecHookRunner : IDisposable
{
    /// <summary>Velero's default exec timeout.</summary>
    public static readonly TimeSpan DefaultExecTimeout = TimeSpan.FromSeconds(30);

    private const int MaxLoggedOutput = 1024;
    private readonly RunState run;
    private readonly TargetState target;
    private readonly IPodHookClient client;
    private readonly RestoreHookRules rules;
    private readonly CancellationTokenSource stopAll;
    private readonly List<Task> running = new();
    private readonly object gate = new();
    private string? stopReason;

    public ExecHookRunner(RunState run, TargetState target, IPodHookClient client, RestoreHookRules rules, CancellationToken runToken)
    {
        this.run = run;
        this.target = target;
        this.client = client;
        this.rules = rules;
        stopAll = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        RunToken = runToken;
    }

    /// <summary>How often a waiting pod is read again, at most.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    private CancellationToken RunToken { get; }

    /// <summary>Starts the hooks of a pod that was just created (nothing when it has none).</summary>
    public void PodCreated(JsonObject pod)
    {
        var warnings = new List<string>();
        var hooks = rules.ExecHooks(pod, warnings);
        var ns = ItemJson.String(pod, "metadata", "namespace") ?? string.Empty;
        var name = ItemJson.Name(pod);
        foreach (var warning in warnings)
        {
            run.Warning(target, new ResultMessage(ResultBucket.Namespace, ns, $"pod {ns}/{name}: {warning}"));
        }

        if (hooks.Count == 0)
        {
            return;
        }

        run.Hooks.AddAttempted(hooks.Count);
        run.Changed();
        var containers = new HashSet<string>((ItemJson.Array(pod, "spec", "containers") ?? new JsonArray()).OfType<JsonObject>().Select(c => ItemJson.AsString(c["name"]) ?? string.Empty), StringComparer.Ordinal);
        var task = Task.Run(() => RunPodAsync(ns, name, containers, hooks), CancellationToken.None);
        lock (gate)
        {
            running.Add(task);
        }
    }

    /// <summary>Pods whose hooks are still running.</summary>
    public int Pending
    {
        get
        {
            lock (gate)
            {
                return running.Count(t => !t.IsCompleted);
            }
        }
    }

    /// <summary>
    /// Stops hooks still running (a target that ends early does not wait for them). The token source is not disposed:
    /// a pod's task may still be reading it while it winds down.
    /// </summary>
    public void Dispose() => stopAll.Cancel();

    /// <summary>Waits for every pod's hooks to end; throws <see cref="OperationCanceledException"/> when the run is stopped.</summary>
    public async Task WaitAsync()
    {
        Task[] all;
        lock (gate)
        {
            all = running.ToArray();
        }

        if (all.Length > 0)
        {
            target.Log.Info($"Waiting for the exec hooks of {all.Length} pod(s)");
        }

        await Task.WhenAll(all).ConfigureAwait(false);
        RunToken.ThrowIfCancellationRequested();
    }

    private async Task RunPodAsync(string ns, string name, HashSet<string> containers, IReadOnlyList<ExecHook> hooks)
    {
        var pod = $"{ns}/{name}";
        var started = Stopwatch.StartNew();
        var pending = new List<ExecHook>();
        foreach (var hook in hooks)
        {
            if (containers.Contains(hook.Container))
            {
                pending.Add(hook);
            }
            else
            {
                Fail(ns, pod, hook, $"pod {pod} has no container {hook.Container}");
            }
        }

        var maxWait = pending.Any(h => h.WaitTimeout <= TimeSpan.Zero) ? (TimeSpan?)null : pending.Select(h => h.WaitTimeout).DefaultIfEmpty(TimeSpan.Zero).Max();
        var byContainer = pending.GroupBy(h => h.Container, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        string? endReason = null;
        var delay = TimeSpan.FromMilliseconds(100);
        try
        {
            while (byContainer.Count > 0)
            {
                if (stopAll.IsCancellationRequested)
                {
                    endReason = stopReason ?? "the restore was stopped";
                    break;
                }

                var current = await client.GetPodAsync(ns, name, stopAll.Token).ConfigureAwait(false);
                if (current is null)
                {
                    endReason = $"pod {pod} was deleted before all hooks were executed";
                    break;
                }

                var phase = ItemJson.String(current, "status", "phase");
                if (phase is "Succeeded" or "Failed")
                {
                    endReason = $"pod {pod} entered phase {phase} before some post-restore exec hooks ran";
                    break;
                }

                foreach (var container in byContainer.Keys.ToList())
                {
                    var containerHooks = byContainer[container];
                    if (!IsUp(current, container, containerHooks.Any(h => h.WaitForReady)))
                    {
                        continue;
                    }

                    while (containerHooks.Count > 0)
                    {
                        var hook = containerHooks[0];
                        containerHooks.RemoveAt(0);
                        if (stopAll.IsCancellationRequested)
                        {
                            containerHooks.Insert(0, hook);
                            break;
                        }

                        if (hook.WaitTimeout > TimeSpan.Zero && started.Elapsed > hook.WaitTimeout)
                        {
                            Fail(ns, pod, hook, $"{Label(hook)} in pod {pod} expired before executing (waitTimeout {GoDuration.Format(hook.WaitTimeout)})");
                            continue;
                        }

                        await ExecuteAsync(ns, name, pod, hook).ConfigureAwait(false);
                    }

                    if (containerHooks.Count == 0)
                    {
                        byContainer.Remove(container);
                    }
                }

                if (byContainer.Count == 0)
                {
                    break;
                }

                if (maxWait is { } limit && started.Elapsed >= limit)
                {
                    endReason = $"the containers did not become ready within the wait timeout ({GoDuration.Format(limit)})";
                    break;
                }

                var wait = maxWait is { } l && l - started.Elapsed < delay ? l - started.Elapsed : delay;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stopAll.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(PollInterval.Ticks, delay.Ticks * 2));
            }
        }
        catch (OperationCanceledException) when (stopAll.IsCancellationRequested)
        {
            endReason = stopReason ?? "the restore was stopped";
        }
        catch (KubernetesApiException ex)
        {
            endReason = $"could not read pod {pod}: {ClusterItemApplier.ApiText(ex)}";
        }

        if (RunToken.IsCancellationRequested)
        {
            // Ctrl+C: what did not run is neither done nor failed.
            return;
        }

        foreach (var hook in byContainer.Values.SelectMany(h => h))
        {
            Fail(ns, pod, hook, $"{Label(hook)} in pod {pod} not executed: {endReason}");
        }
    }

    private async Task ExecuteAsync(string ns, string name, string pod, ExecHook hook)
    {
        var timeout = hook.ExecTimeout > TimeSpan.Zero ? hook.ExecTimeout : DefaultExecTimeout;
        var command = string.Join(" ", hook.Command);
        target.Log.Info(
            "Running exec hook",
            ("namespace", ns),
            ("pod", name),
            ("container", hook.Container),
            ("hook", hook.Name),
            ("hookSource", hook.Source),
            ("command", command),
            ("timeout", GoDuration.Format(timeout)));
        if (hook.Command.Count == 0)
        {
            Fail(ns, pod, hook, $"{Label(hook)} in pod {pod} failed to execute: command is required");
            return;
        }

        using var execTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopAll.Token);
        execTimeout.CancelAfter(timeout);
        PodExecResult result;
        try
        {
            result = await client.ExecAsync(ns, name, hook.Container, hook.Command, execTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (execTimeout.IsCancellationRequested && !stopAll.IsCancellationRequested)
        {
            Fail(ns, pod, hook, $"{Label(hook)} in pod {pod} failed to execute: timed out after {GoDuration.Format(timeout)}");
            return;
        }
        catch (KubernetesApiException ex)
        {
            Fail(ns, pod, hook, $"{Label(hook)} in pod {pod} failed to execute: {ClusterItemApplier.ApiText(ex)}");
            return;
        }

        var fields = new List<(string, string)>
        {
            ("namespace", ns),
            ("pod", name),
            ("container", hook.Container),
            ("hook", hook.Name),
            ("command", command),
            ("exitCode", result.ExitCode.ToString(CultureInfo.InvariantCulture)),
            ("stdout", Trim(result.Stdout)),
            ("stderr", Trim(result.Stderr)),
        };
        if (result.Succeeded)
        {
            target.Log.Info("Exec hook succeeded", fields.ToArray());
            return;
        }

        target.Log.Info("Exec hook failed", fields.ToArray());
        var why = result.Failure ?? $"command terminated with exit code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}";
        Fail(ns, pod, hook, $"{Label(hook)} in pod {pod} failed to execute: {why}");
    }

    private void Fail(string ns, string pod, ExecHook hook, string message)
    {
        run.Hooks.AddFailed();
        if (hook.OnError == HookOnError.Fail)
        {
            run.Error(target, new ResultMessage(ResultBucket.Namespace, ns, message));
            lock (gate)
            {
                if (stopReason is null)
                {
                    stopReason = $"{Label(hook)} in pod {pod} failed with onError Fail";
                    stopAll.Cancel();
                }
            }
        }
        else
        {
            run.Warning(target, new ResultMessage(ResultBucket.Namespace, ns, message));
        }
    }

    private static string Label(ExecHook hook) => $"hook {hook.Name} in container {hook.Container}";

    private static bool IsUp(JsonObject pod, string container, bool waitForReady)
    {
        foreach (var status in (ItemJson.Array(pod, "status", "containerStatuses") ?? new JsonArray()).OfType<JsonObject>())
        {
            if (ItemJson.AsString(status["name"]) != container)
            {
                continue;
            }

            return waitForReady ? ItemJson.IsTrue(status["ready"]) : ItemJson.Object(status, "state", "running") is not null;
        }

        return false;
    }

    private static string Trim(string text)
    {
        text = text.Trim();
        return text.Length <= MaxLoggedOutput ? text : text.Substring(0, MaxLoggedOutput) + "…";
    }
}

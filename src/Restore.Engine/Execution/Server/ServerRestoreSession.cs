using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution.Server;

/// <summary>
/// A restore through the Velero server in one or more clusters (docs/velero-compatibility.md#server-restores): every
/// cluster is checked first (nothing is created anywhere unless every cluster passes), then each gets its ConfigMaps and
/// its Restore object, and <see cref="FollowAsync"/> reads them until every one has reached a terminal phase. Velero
/// cannot cancel a restore, so stopping to follow never stops the server.
/// </summary>
internal sealed class ServerRestoreSession : IDisposable
{
    private readonly IEngineLog log;

    private ServerRestoreSession(string name, string veleroNamespace, IReadOnlyList<ServerRestoreTarget> targets, IEngineLog log)
    {
        Name = name;
        VeleroNamespace = veleroNamespace;
        Targets = targets;
        this.log = log;
    }

    public string Name { get; }

    public string VeleroNamespace { get; }

    public IReadOnlyList<ServerRestoreTarget> Targets { get; }

    /// <summary>How often <see cref="FollowAsync"/> reads the Restore objects.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>True when every target has reached a terminal phase.</summary>
    public bool IsDone => Targets.All(t => t.IsTerminal);

    /// <summary>
    /// Checks every cluster, then creates the restore in each. <paramref name="requests"/> pairs a context (null: the
    /// kubeconfig's current one) with its request; all requests have the same restore name.
    /// </summary>
    /// <exception cref="ServerRestoreException">A check failed in at least one cluster; nothing was created.</exception>
    /// <exception cref="KubeConfigException">A context cannot be loaded.</exception>
    /// <exception cref="KubernetesApiException">A cluster could not be asked.</exception>
    public static async Task<ServerRestoreSession> StartAsync(
        string name,
        IReadOnlyList<(string? Context, RestoreRequest Request)> requests,
        string veleroNamespace,
        string? kubeConfig,
        StorageAddress? location,
        string? locationText,
        IEngineLog log,
        CancellationToken cancellationToken)
    {
        var targets = new List<ServerRestoreTarget>();
        try
        {
            foreach (var (context, request) in requests)
            {
                var settings = KubeConfig.Load(kubeConfig, context);
                var client = new KubernetesClient(settings, new KubernetesClientOptions { Log = log });
                var target = new ServerRestoreTarget(settings.ContextName ?? context ?? settings.DisplayName, settings, client, request);
                targets.Add(target);
                target.ConfigMaps = ServerRestoreObjects.ConfigMaps(name, veleroNamespace, request, target.Spec);
            }

            var checks = targets.Select(t => CheckAsync(t, name, veleroNamespace, location, locationText, log, cancellationToken)).ToList();
            var problems = (await Task.WhenAll(checks).ConfigureAwait(false)).Where(p => p is not null).Select(p => p!).ToList();
            if (problems.Count == 1)
            {
                throw problems[0];
            }

            if (problems.Count > 1)
            {
                // A fleet starts everywhere or nowhere; every cluster's reason is in the one message.
                throw new ServerRestoreException(problems[0].Problem, string.Join(Environment.NewLine, problems.Select(p => p.Message)), problems[0].Subject);
            }

            var session = new ServerRestoreSession(name, veleroNamespace, targets, log);
            await Task.WhenAll(targets.Select(t => session.CreateAsync(t, cancellationToken))).ConfigureAwait(false);
            return session;
        }
        catch
        {
            foreach (var target in targets)
            {
                target.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Reads every Restore object until all have reached a terminal phase, or <paramref name="timeout"/> passes
    /// (returns false then; the server keeps running). Progress per cluster from <c>status.progress</c>, phase changes
    /// to the log. The ConfigMaps made for a restore are deleted once it has ended there.
    /// </summary>
    public async Task<bool> FollowAsync(IProgress<RunProgress>? progress, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = timeout is { } limit ? DateTimeOffset.UtcNow + limit : (DateTimeOffset?)null;
        var shown = Targets.ToDictionary(t => t, t => t.Phase);
        foreach (var target in Targets)
        {
            Report(progress, target);
        }

        while (true)
        {
            foreach (var target in Targets.Where(t => !t.IsTerminal))
            {
                await RefreshAsync(target, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(shown[target], target.Phase, StringComparison.Ordinal))
                {
                    log.Info($"Restore {Name} in cluster {target.Context}: {shown[target]} -> {target.Phase}", ("cluster", target.Context), ("phase", target.Phase));
                    shown[target] = target.Phase;
                }

                Report(progress, target);
                if (target.IsTerminal)
                {
                    await CleanUpAsync(target, cancellationToken).ConfigureAwait(false);
                }
            }

            if (IsDone)
            {
                return true;
            }

            if (deadline is { } end && DateTimeOffset.UtcNow >= end)
            {
                return false;
            }

            var wait = deadline is { } stop ? TimeSpan.FromTicks(Math.Max(0, Math.Min(PollInterval.Ticks, (stop - DateTimeOffset.UtcNow).Ticks))) : PollInterval;
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var target in Targets)
        {
            target.Dispose();
        }
    }

    private static async Task<ServerRestoreException?> CheckAsync(ServerRestoreTarget target, string name, string veleroNamespace, StorageAddress? location, string? locationText, IEngineLog log, CancellationToken cancellationToken)
    {
        try
        {
            await ServerRestorePreflight.CheckAsync(target, name, veleroNamespace, location, locationText, log, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ServerRestoreException problem)
        {
            return problem;
        }
    }

    private static void Report(IProgress<RunProgress>? progress, ServerRestoreTarget target)
    {
        if (progress is null)
        {
            return;
        }

        var counts = (target.Current?["status"] as JsonObject)?["progress"] as JsonObject;
        progress.Report(new RunProgress
        {
            Target = target.Context,
            Phase = target.Phase,
            ItemsDone = RestoreSpecJson.Int(counts?["itemsRestored"], "itemsRestored") ?? 0,
            TotalItems = RestoreSpecJson.Int(counts?["totalItems"], "totalItems") ?? 0,
        });
    }

    private async Task CreateAsync(ServerRestoreTarget target, CancellationToken cancellationToken)
    {
        var request = target.Request;
        var restore = ServerRestoreObjects.Restore(Name, VeleroNamespace, target.Spec, request.Labels, request.Description, target.CreatedBy);
        try
        {
            foreach (var map in target.ConfigMaps)
            {
                await target.Client.CreateAsync(VeleroServerApi.ConfigMaps, VeleroNamespace, map, cancellationToken).ConfigureAwait(false);
            }

            target.Current = await target.Client.CreateAsync(VeleroServerApi.Restores, VeleroNamespace, restore, cancellationToken).ConfigureAwait(false);
            log.Info($"Created Restore {VeleroNamespace}/{Name} in cluster {target.Context} for backup {target.Spec.BackupName ?? "of schedule " + target.Spec.ScheduleName}", ("cluster", target.Context));
        }
        catch (KubernetesApiException ex)
        {
            target.Current = restore;
            target.Problem = $"The Restore could not be created in cluster '{target.Context}': {ex.Message}";
            log.Error(target.Problem, ("cluster", target.Context));
            await CleanUpAsync(target, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshAsync(ServerRestoreTarget target, CancellationToken cancellationToken)
    {
        try
        {
            var current = await target.Client.TryGetAsync(VeleroServerApi.Restores, VeleroNamespace, Name, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                target.Problem = $"The Restore {VeleroNamespace}/{Name} was deleted from cluster '{target.Context}' while it was followed.";
                log.Warning(target.Problem, ("cluster", target.Context));
                return;
            }

            target.Current = current;
        }
        catch (KubernetesApiException ex) when (ex is not KubernetesNotFoundException)
        {
            // A cluster that does not answer for a moment is asked again; the server goes on meanwhile.
            log.Warning($"Cluster {target.Context} did not answer about Restore {Name}: {ex.Message}", ("cluster", target.Context));
        }
    }

    private async Task CleanUpAsync(ServerRestoreTarget target, CancellationToken cancellationToken)
    {
        if (target.CleanedUp || target.ConfigMaps.Count == 0)
        {
            return;
        }

        target.CleanedUp = true;
        await DeleteConfigMapsAsync(target.Client, VeleroNamespace, Name, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the ConfigMaps created for a restore (found by their label); returns how many.</summary>
    internal static async Task<int> DeleteConfigMapsAsync(KubernetesClient client, string veleroNamespace, string name, IEngineLog log, CancellationToken cancellationToken)
    {
        var deleted = 0;
        try
        {
            foreach (var map in await client.ListAsync(VeleroServerApi.ConfigMaps, veleroNamespace, ServerRestoreObjects.ConfigMapSelector(name), cancellationToken).ConfigureAwait(false))
            {
                await client.DeleteAsync(VeleroServerApi.ConfigMaps, veleroNamespace, ServerRestorePreflight.NameOf(map), cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }
        catch (KubernetesApiException ex)
        {
            log.Warning($"The ConfigMaps made for restore {name} could not all be deleted ({ex.Message}); Remove-Restore deletes them later.");
        }

        return deleted;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;

namespace Restore.Engine.Execution.Server;

/// <summary>One Restore object read from a cluster.</summary>
internal sealed class ServerRestoreObject
{
    public ServerRestoreObject(string context, string server, JsonObject restore)
    {
        Context = context;
        Server = server;
        Restore = restore;
    }

    public string Context { get; }

    public string Server { get; }

    public JsonObject Restore { get; }

    public string Name => ServerRestorePreflight.NameOf(Restore);
}

/// <summary>The Restore objects in the clusters' Velero namespaces, for Get-Restore -Context and Remove-Restore -Context.</summary>
internal static class ServerRestoreCatalog
{
    /// <summary>Every Restore object in the Velero namespace of each context; a cluster that cannot be read goes to <paramref name="onProblem"/>.</summary>
    public static async Task<IReadOnlyList<ServerRestoreObject>> ListAsync(string? kubeConfig, IReadOnlyList<string?> contexts, string veleroNamespace, IEngineLog log, Action<string, Exception> onProblem, CancellationToken cancellationToken)
    {
        var reads = contexts.Select(async context =>
        {
            try
            {
                var settings = KubeConfig.Load(kubeConfig, context);
                using var client = new KubernetesClient(settings, new KubernetesClientOptions { Log = log });
                var name = settings.ContextName ?? context ?? settings.DisplayName;
                var server = settings.Server.ToString().TrimEnd('/');
                try
                {
                    var items = await client.ListAsync(VeleroServerApi.Restores, veleroNamespace, null, cancellationToken).ConfigureAwait(false);
                    return items.Select(i => new ServerRestoreObject(name, server, i)).ToList();
                }
                catch (KubernetesNotFoundException)
                {
                    onProblem(name, new ServerRestoreException(ServerRestoreProblem.VeleroNotInstalled, $"Velero is not installed in cluster '{name}': it serves no restores.velero.io (Velero's CRDs are missing).", name));
                }
            }
            catch (Exception ex) when (ex is KubeConfigException or KubernetesApiException)
            {
                onProblem(context ?? string.Empty, ex);
            }

            return new List<ServerRestoreObject>();
        }).ToList();
        var all = await Task.WhenAll(reads).ConfigureAwait(false);
        return all.SelectMany(r => r).ToList();
    }

    /// <summary>
    /// Deletes the Restore object (Velero's finalizer then deletes its files, as <c>velero restore delete</c> does) and
    /// the ConfigMaps made for it. Never any other object. False when the cluster has no such Restore.
    /// </summary>
    public static async Task<bool> DeleteAsync(string? kubeConfig, string? context, string veleroNamespace, string name, IEngineLog log, CancellationToken cancellationToken)
    {
        var settings = KubeConfig.Load(kubeConfig, context);
        using var client = new KubernetesClient(settings, new KubernetesClientOptions { Log = log });
        bool existed;
        try
        {
            await client.DeleteAsync(VeleroServerApi.Restores, veleroNamespace, name, cancellationToken).ConfigureAwait(false);
            existed = true;
        }
        catch (KubernetesNotFoundException)
        {
            existed = false;
        }

        await ServerRestoreSession.DeleteConfigMapsAsync(client, veleroNamespace, name, log, cancellationToken).ConfigureAwait(false);
        return existed;
    }
}

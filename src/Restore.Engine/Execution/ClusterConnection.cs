using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Actions.Csi;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>
/// A connected cluster target: the client (rate limit raised as asked), live discovery with a per-kind resource
/// cache, and the snapshot of cluster facts the restore item actions read.
/// </summary>
internal sealed class ClusterConnection : IDisposable
{
    public static readonly ApiResourceInfo Namespaces = new(string.Empty, "v1", "namespaces", "Namespace", false);
    public static readonly ApiResourceInfo PersistentVolumes = new(string.Empty, "v1", "persistentvolumes", "PersistentVolume", false);
    public static readonly ApiResourceInfo CustomResourceDefinitions = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false);

    private readonly ConcurrentDictionary<string, ApiResourceInfo?> byKind = new(StringComparer.Ordinal);

    private ClusterConnection(KubernetesClient client, DiscoveryCatalog discovery)
    {
        Client = client;
        Discovery = discovery;
    }

    public KubernetesClient Client { get; }

    public DiscoveryCatalog Discovery { get; }

    /// <summary>Client options for a request: the asked-for rate limit (burst defaults to twice the QPS) and the restore's log.</summary>
    public static KubernetesClientOptions ClientOptions(RestoreRequest request, IEngineLog log)
    {
        var options = new KubernetesClientOptions { Log = log };
        var qps = request.Qps ?? RestoreRequest.DefaultQps;
        options.Qps = qps;
        options.Burst = request.Burst ?? (int)Math.Max(1, Math.Min(int.MaxValue / 2, Math.Ceiling(qps * RestoreRequest.DefaultBurstPerQps)));

        // Enough connections for the items in flight plus the flusher's and waits' requests.
        var parallel = request.Parallel == 0 ? Environment.ProcessorCount : request.Parallel;
        options.MaxConnectionsPerServer = Math.Max(options.MaxConnectionsPerServer, parallel + 8);
        return options;
    }

    /// <summary>Connects and reads discovery; throws <see cref="KubernetesApiException"/> or <see cref="KubeConfigException"/>.</summary>
    public static async Task<ClusterConnection> ConnectAsync(TargetSpec target, RestoreRequest request, IEngineLog log, CancellationToken cancellationToken)
    {
        var client = new KubernetesClient(target.Settings!, ClientOptions(request, log));
        try
        {
            var discovery = await client.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            foreach (var failed in discovery.FailedGroupVersions)
            {
                log.Warning($"API group version {failed} could not be discovered; its resources cannot be restored");
            }

            return new ClusterConnection(client, discovery);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The served resource for an object's apiVersion and kind, from live discovery (cached until <see cref="RefreshAsync"/>).</summary>
    public ApiResourceInfo? Resolve(string apiVersion, string kind) =>
        byKind.GetOrAdd(apiVersion + "\n" + kind, _ => Discovery.FindByKind(apiVersion, kind));

    /// <summary>Re-reads discovery (after CRDs were created) and forgets cached lookups.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await Discovery.RefreshAsync(cancellationToken).ConfigureAwait(false);
        byKind.Clear();
    }

    public void Dispose() => Client.Dispose();
}

/// <summary>
/// What the restore item actions ask the target cluster (docs/velero-compatibility.md#item-actions), read once before planning so that planning stays
/// synchronous: ServiceAccounts of namespaces with Secrets, PersistentVolume names, StorageClasses, claims of the
/// target namespaces, and VolumeSnapshotClasses by driver. A list the identity may not read counts as empty.
/// </summary>
internal sealed class ClusterStateSnapshot : ICsiClusterState
{
    private readonly Dictionary<string, IReadOnlyCollection<string>> serviceAccounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> persistentVolumes = new(StringComparer.Ordinal);
    private readonly HashSet<string> storageClasses = new(StringComparer.Ordinal);
    private readonly HashSet<string> claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> snapshotClasses = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> GetServiceAccountNames(string @namespace) =>
        serviceAccounts.TryGetValue(@namespace ?? string.Empty, out var names) ? names : Array.Empty<string>();

    public bool PersistentVolumeExists(string name) => persistentVolumes.Contains(name ?? string.Empty);

    public bool StorageClassExists(string name) => storageClasses.Contains(name ?? string.Empty);

    public bool PersistentVolumeClaimExists(string @namespace, string name) => claims.Contains(@namespace + "/" + name);

    public IReadOnlyList<string> GetVolumeSnapshotClassNames(string driver) =>
        snapshotClasses.TryGetValue(driver ?? string.Empty, out var names) ? names : (IReadOnlyList<string>)Array.Empty<string>();

    /// <summary>
    /// Per-namespace lists run this many at a time: one after the other they cost a round trip each, seconds for a
    /// backup of a thousand namespaces, all before the first create.
    /// </summary>
    private const int SnapshotListsInFlight = 8;

    /// <summary>Reads what the backup's contents will ask about.</summary>
    public static async Task<ClusterStateSnapshot> ReadAsync(ClusterConnection connection, LoadedBackup backup, RestoreSpec spec, IEngineLog log, CancellationToken cancellationToken)
    {
        var state = new ClusterStateSnapshot();
        var contents = backup.Contents;
        var discovery = connection.Discovery;
        var mapping = spec.NamespaceMapping ?? new Dictionary<string, string>();
        var accounts = contents.GroupResources.Contains("secrets") ? discovery.FindByGroupResource("serviceaccounts") : null;
        var pvcs = contents.GroupResources.Contains("persistentvolumeclaims") ? discovery.FindByGroupResource("persistentvolumeclaims") : null;
        var existing = accounts is not null || pvcs is not null ? await ExistingNamespacesAsync(connection, log, cancellationToken).ConfigureAwait(false) : null;
        bool MayHoldObjects(string ns) => existing is null || existing.Contains(ns);

        if (accounts is not null)
        {
            var found = new ConcurrentDictionary<string, List<string>>(StringComparer.Ordinal);
            await BoundedParallel.ForEachAsync(
                contents.GetNamespaces("secrets").Where(n => n.Length > 0 && MayHoldObjects(n)).ToList(),
                SnapshotListsInFlight,
                async (ns, ct) => found[ns] = (await ListNamesAsync(connection, accounts, ns, log, ct).ConfigureAwait(false)).Select(n => n.Name).ToList(),
                cancellationToken).ConfigureAwait(false);
            foreach (var pair in found)
            {
                state.serviceAccounts[pair.Key] = pair.Value;
            }
        }

        if (contents.GroupResources.Contains("persistentvolumes") || contents.GroupResources.Contains("persistentvolumeclaims"))
        {
            if (discovery.FindByGroupResource("persistentvolumes") is { } pvs)
            {
                foreach (var (_, name) in await ListNamesAsync(connection, pvs, null, log, cancellationToken).ConfigureAwait(false))
                {
                    state.persistentVolumes.Add(name);
                }
            }
        }

        if (pvcs is not null)
        {
            var found = new ConcurrentBag<string>();
            string Target(string source) => mapping.TryGetValue(source, out var mapped) ? mapped : source;
            await BoundedParallel.ForEachAsync(
                contents.GetNamespaces("persistentvolumeclaims").Where(n => n.Length > 0 && MayHoldObjects(Target(n))).ToList(),
                SnapshotListsInFlight,
                async (source, ct) =>
                {
                    var target = Target(source);
                    foreach (var (ns, name) in await ListNamesAsync(connection, pvcs, target, log, ct).ConfigureAwait(false))
                    {
                        found.Add(ns + "/" + name);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var claim in found)
            {
                state.claims.Add(claim);
            }
        }

        if (spec.StorageClassMapping is { Count: > 0 } && discovery.FindByGroupResource("storageclasses.storage.k8s.io") is { } classes)
        {
            foreach (var (_, name) in await ListNamesAsync(connection, classes, null, log, cancellationToken).ConfigureAwait(false))
            {
                state.storageClasses.Add(name);
            }
        }

        if (contents.GroupResources.Contains("volumesnapshotcontents.snapshot.storage.k8s.io")
            && discovery.FindByGroupResource("volumesnapshotclasses.snapshot.storage.k8s.io") is { } snapshotClassResource)
        {
            var items = await ListAsync(connection, snapshotClassResource, null, log, cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                var driver = (item["driver"] as JsonValue)?.TryGetValue<string>(out var d) == true ? d : string.Empty;
                if (!state.snapshotClasses.TryGetValue(driver, out var list))
                {
                    list = new List<string>();
                    state.snapshotClasses[driver] = list;
                }

                list.Add(Name(item));
            }
        }

        return state;
    }

    /// <summary>
    /// The namespaces the cluster has, or null when they cannot be listed (then every namespace is asked). Objects can
    /// only exist in these, so a restore into an empty cluster skips a list request per backed-up namespace, which for a
    /// backup of a thousand namespaces was seconds before the first create.
    /// </summary>
    private static async Task<HashSet<string>?> ExistingNamespacesAsync(ClusterConnection connection, IEngineLog log, CancellationToken cancellationToken)
    {
        try
        {
            var items = await connection.Client.ListAsync(ClusterConnection.Namespaces, null, null, cancellationToken).ConfigureAwait(false);
            return new HashSet<string>(items.Select(Name), StringComparer.Ordinal);
        }
        catch (KubernetesApiException ex)
        {
            log.Debug("Could not list namespaces; asking each backed-up namespace instead: " + ex.ApiMessage);
            return null;
        }
    }

    private static async Task<List<(string Namespace, string Name)>> ListNamesAsync(ClusterConnection connection, ApiResourceInfo resource, string? ns, IEngineLog log, CancellationToken cancellationToken)
    {
        var items = await ListAsync(connection, resource, ns, log, cancellationToken).ConfigureAwait(false);
        return items.Select(i => (Namespace(i), Name(i))).ToList();
    }

    private static async Task<IReadOnlyList<JsonObject>> ListAsync(ClusterConnection connection, ApiResourceInfo resource, string? ns, IEngineLog log, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.Client.ListAsync(resource, resource.Namespaced ? ns : null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException ex) when (ex is KubernetesForbiddenException or KubernetesNotFoundException)
        {
            log.Warning($"Could not list {resource.GroupResource}{(ns is null ? string.Empty : " in namespace " + ns)}; the restore goes on as if there were none: {ex.ApiMessage}");
            return Array.Empty<JsonObject>();
        }
    }

    private static string Name(JsonObject item) => (item["metadata"]?["name"] as JsonValue)?.TryGetValue<string>(out var n) == true ? n : string.Empty;

    private static string Namespace(JsonObject item) => (item["metadata"]?["namespace"] as JsonValue)?.TryGetValue<string>(out var n) == true ? n : string.Empty;
}

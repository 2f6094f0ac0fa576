using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>
/// Get-RestorePlan: the same validation, backup loading and planning as a run, then (for clusters) one read per object
/// the plan would create to predict what happens to it (docs/velero-compatibility.md#existing-resource-policy). Nothing is written anywhere.
/// </summary>
internal sealed class RestorePreviewer
{
    private const int DifferencesShown = 5;

    // A group of this many objects is read with one list instead of one read per object.
    private const int ListThreshold = 20;

    // Not a valid object name, so it cannot collide with a listed object.
    private const string ListedMarker = "\u0000listed";

    private readonly StorageLocation location;
    private readonly IEngineLog log;

    public RestorePreviewer(StorageLocation location, IEngineLog log)
    {
        this.location = location;
        this.log = log;
    }

    public async Task<RestorePreview> PlanAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        var prepared = await new RestorePreparation(location, log).PrepareAsync(request, readConfigMaps: true, forRun: false, cancellationToken).ConfigureAwait(false);
        LoadedBackup backup;
        try
        {
            backup = await BackupLoader.LoadAsync(location, prepared.Backup, log, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupLoadException ex) when (ex.InnerException is StorageException storage)
        {
            throw new StorageException(storage.Kind, location.Location, ex.Message, storage.Key, ex);
        }
        catch (BackupLoadException ex)
        {
            throw new StorageException(StorageErrorKind.InvalidBackup, location.Location, ex.Message, null, ex);
        }

        var uid = Guid.NewGuid().ToString();
        var targets = await Task.WhenAll(prepared.Targets.Select(t => PlanTargetAsync(request, prepared, backup, t, uid, cancellationToken))).ConfigureAwait(false);
        return new RestorePreview(prepared.Name, prepared.Backup.Name, prepared.StoredSpec, targets);
    }

    private async Task<TargetPreview> PlanTargetAsync(RestoreRequest request, PreparedRestore prepared, LoadedBackup backup, TargetSpec target, string uid, CancellationToken ct)
    {
        var targetLog = prepared.Targets.Count > 1 ? new FieldLog(log, "target", target.Name) : log;
        if (target.Folder is not null)
        {
            var offline = new RestorePlanRequest(backup.Contents, prepared.PlannerSpec, backup.Catalog)
            {
                RestoreName = prepared.Name,
                BackupFormatVersion = prepared.Backup.FormatVersion,
                BackupVolumes = backup.Volumes,
                RestoreUid = uid,
                ResourceModifiers = target.Modifiers,
                Log = targetLog,
            };
            var folderPlan = await Task.Run(() => new RestorePlanner().Plan(offline, ct), ct).ConfigureAwait(false);
            return new TargetPreview(target.Info, folderPlan, Array.Empty<ItemPrediction>(), null);
        }

        try
        {
            using var connection = await ClusterConnection.ConnectAsync(target, request, targetLog, ct).ConfigureAwait(false);
            target.VeleroConfig = await VeleroConfigMaps.ReadAsync(connection.Client, request.VeleroNamespace, prepared.StoredSpec.EnableApiGroupVersions == true, targetLog, ct).ConfigureAwait(false);

            var state = await ClusterStateSnapshot.ReadAsync(connection, backup, prepared.PlannerSpecFor(target), targetLog, ct).ConfigureAwait(false);
            var planRequest = new RestorePlanRequest(backup.Contents, prepared.PlannerSpecFor(target), new LayeredResourceCatalog(connection.Discovery, backup.Catalog))
            {
                CatalogIsLive = true,
                RestoreName = prepared.Name,
                BackupFormatVersion = prepared.Backup.FormatVersion,
                BackupVolumes = backup.Volumes,
                RestoreUid = uid,
                Cluster = state,
                ResourceModifiers = target.Modifiers,
                Log = targetLog,
            };
            var plan = await Task.Run(() => new RestorePlanner().Plan(planRequest, ct), ct).ConfigureAwait(false);
            var predictions = await PredictAsync(connection, plan, prepared.StoredSpec.ExistingResourcePolicy ?? string.Empty, request, ct).ConfigureAwait(false);
            return new TargetPreview(target.Info, plan, predictions, null);
        }
        catch (Exception ex) when (ex is KubernetesApiException or KubeConfigException or VeleroConfigMapException)
        {
            return new TargetPreview(target.Info, null, Array.Empty<ItemPrediction>(), ex.Message);
        }
    }

    private static async Task<IReadOnlyList<ItemPrediction>> PredictAsync(ClusterConnection connection, RestorePlan plan, string policy, RestoreRequest request, CancellationToken ct)
    {
        var creates = plan.Items.Where(i => i.Decision == PlanDecision.Create).ToList();
        var predictions = new ItemPrediction[creates.Count];
        var degree = request.Parallel == 0 ? Environment.ProcessorCount : request.Parallel;
        var live = await ListBusyGroupsAsync(connection, creates, degree, ct).ConfigureAwait(false);
        var indexes = Enumerable.Range(0, creates.Count).ToList();
        var sensitive = SensitiveSelectors(request, connection.Discovery);
        await BoundedParallel.ForEachAsync(indexes, degree, async (i, token) => predictions[i] = await PredictAsync(connection, creates[i], policy, live, sensitive, token).ConfigureAwait(false), ct).ConfigureAwait(false);
        return predictions;
    }

    /// <summary>The request's sensitive-object patterns, resolved like <c>-Object</c> (short names and kinds work).</summary>
    internal static IReadOnlyList<ObjectSelector> SensitiveSelectors(RestoreRequest request, IResourceCatalog catalog) =>
        (request.SensitiveObjects ?? Array.Empty<string>())
            .Select(p => ObjectSelector.TryParse(p, catalog, out var selector, out _) ? selector : null)
            .Where(s => s is not null)
            .Select(s => s!)
            .ToList();

    /// <summary>
    /// Reads the live objects of big groups (one resource in one namespace) with one paged list instead of a read per
    /// object, so a plan of a large backup costs a few requests. Keys are <c>group-resource/namespace/name</c>; a group
    /// that cannot be listed is left to single reads.
    /// </summary>
    private static async Task<Dictionary<string, JsonObject>> ListBusyGroupsAsync(ClusterConnection connection, IReadOnlyList<PlannedItem> creates, int degree, CancellationToken ct)
    {
        var groups = new Dictionary<string, (ApiResourceInfo Resource, string? Namespace, int Count)>(StringComparer.Ordinal);
        foreach (var item in creates.Where(i => !i.IsNamespace))
        {
            if (Resolve(connection, item) is not { } resource)
            {
                continue;
            }

            var ns = resource.Namespaced ? item.TargetNamespace : null;
            var key = resource.GroupResource + "/" + ns;
            groups[key] = groups.TryGetValue(key, out var g) ? (g.Resource, g.Namespace, g.Count + 1) : (resource, ns, 1);
        }

        var live = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var busy = groups.Values.Where(g => g.Count >= ListThreshold).ToList();
        await BoundedParallel.ForEachAsync(busy, Math.Max(1, Math.Min(degree, 4)), async (group, token) =>
        {
            IReadOnlyList<JsonObject> items;
            try
            {
                items = await connection.Client.ListAsync(group.Resource, group.Namespace, null, token).ConfigureAwait(false);
            }
            catch (KubernetesApiException)
            {
                return;
            }

            lock (live)
            {
                foreach (var obj in items)
                {
                    live[LiveKey(group.Resource, group.Namespace, (obj["metadata"]?["name"] as JsonValue)?.ToString() ?? string.Empty)] = obj;
                }

                // Listed groups answer "missing" for names the list did not return.
                live[LiveKey(group.Resource, group.Namespace, ListedMarker)] = new JsonObject();
            }
        }, ct).ConfigureAwait(false);
        return live;
    }

    private static ApiResourceInfo? Resolve(ClusterConnection connection, PlannedItem item)
    {
        var (apiVersion, kind) = item.SentType;
        return connection.Resolve(apiVersion, kind);
    }

    private static string LiveKey(ApiResourceInfo resource, string? ns, string name) => resource.GroupResource + "/" + ns + "/" + name;

    private static async Task<ItemPrediction> PredictAsync(ClusterConnection connection, PlannedItem item, string policy, Dictionary<string, JsonObject> listed, IReadOnlyList<ObjectSelector> sensitive, CancellationToken ct)
    {
        var none = Array.Empty<FieldDifference>();
        try
        {
            if (item.IsNamespace)
            {
                var existing = await connection.Client.TryGetAsync(ClusterConnection.Namespaces, null, item.TargetName, ct).ConfigureAwait(false);
                if (existing is null)
                {
                    return new ItemPrediction(item, PredictedOutcome.Create, null, none);
                }

                return existing["metadata"]?["deletionTimestamp"] is not null
                    ? new ItemPrediction(item, PredictedOutcome.Failed, $"the namespace {item.TargetName} is terminating; the restore waits for it to disappear (up to the namespace termination timeout)", none)
                    : new ItemPrediction(item, PredictedOutcome.AlreadyExistsSkip, $"the namespace {item.TargetName} already exists", none);
            }

            var (apiVersion, kind) = item.SentType;
            var resource = connection.Resolve(apiVersion, kind);
            if (resource is null)
            {
                return new ItemPrediction(item, PredictedOutcome.Create, $"the cluster does not serve {apiVersion} {kind} yet; its CustomResourceDefinition is restored first", none);
            }

            var ns = resource.Namespaced ? item.TargetNamespace : null;
            JsonObject? live;
            if (listed.ContainsKey(LiveKey(resource, ns, ListedMarker)))
            {
                live = listed.TryGetValue(LiveKey(resource, ns, item.TargetName), out var found) ? found : null;
            }
            else
            {
                live = await connection.Client.TryGetAsync(resource, ns, item.TargetName, ct).ConfigureAwait(false);
            }

            if (live is null)
            {
                return new ItemPrediction(item, PredictedOutcome.Create, null, none);
            }

            // Decoded only here: a missing object needs no comparison.
            var desired = item.ParseObject()!;
            var secret = item.TargetGroupResource == "secrets" || sensitive.Any(s => s.Matches(item.TargetGroupResource, item.SourceNamespace, item.Name));
            if (ObjectComparison.IsEquivalent(desired, live))
            {
                return new ItemPrediction(item, PredictedOutcome.AlreadyExistsSkip, policy == "update" ? ExistingObjectTexts.SameLabelsPatched : ExistingObjectTexts.Same, none);
            }

            var differences = ObjectComparison.Compare(desired, live, redactValues: secret, limit: DifferencesShown);
            if (item.TargetGroupResource == "serviceaccounts")
            {
                // The restore merges rather than patches: predict with the same merge, so one that adds nothing is a skip.
                var labels = PlanObjects.GetObject(desired, "metadata", "labels");
                var merge = ClusterItemApplier.ServiceAccountMergePatch(desired, live, PlanObjects.GetString(labels, RestoreLabels.RestoreName) ?? string.Empty, PlanObjects.GetString(labels, RestoreLabels.BackupName) ?? string.Empty);
                return merge is null
                    ? new ItemPrediction(item, PredictedOutcome.AlreadyExistsSkip, ExistingObjectTexts.ServiceAccountComplete, none)
                    : new ItemPrediction(item, PredictedOutcome.Update, "already exists and differs; the backed-up secrets, labels and annotations are merged into it", differences);
            }

            if (policy == "update")
            {
                return new ItemPrediction(item, PredictedOutcome.Update, "already exists and differs; it is merge-patched to the backed-up version (a patch the server refuses, for example on an immutable field, leaves it as it is with a warning)", differences);
            }

            return new ItemPrediction(
                item,
                PredictedOutcome.DiffersSkip,
                ExistingObjectTexts.DiffersSkipped(differences.Select(d => d.Path)),
                differences,
                ExistingObjectTexts.DiffersWarning(kind, item.TargetName, policy));
        }
        catch (KubernetesApiException ex)
        {
            return new ItemPrediction(item, PredictedOutcome.Failed, "could not check the live object: " + ClusterItemApplier.ApiText(ex), none);
        }
    }
}

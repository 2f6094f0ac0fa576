using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>What happens when the object already exists (docs/velero-compatibility.md#existing-resource-policy).</summary>
internal sealed partial class ClusterItemApplier
{
    /// <summary>
    /// Handles an object that already exists. Returns the live object when it turns out to be this restore's own
    /// earlier create (a retried POST whose first attempt went through), so the caller carries on as created;
    /// otherwise null, with the outcome noted in <paramref name="progress"/>.
    /// </summary>
    private async Task<JsonObject?> HandleExistingAsync(PlannedItem item, ItemProgress progress, ApiResourceInfo resource, string? ns, JsonObject desired, int attempts, CancellationToken ct)
    {
        JsonObject live;
        try
        {
            live = await Client.GetAsync(resource, ns, item.TargetName, ct).ConfigureAwait(false);
        }
        catch (KubernetesApiException ex)
        {
            // Velero: the object exists but cannot be read; warn and leave it alone (no labels, no policy).
            progress.Note("already exists but could not be read; left as it is: " + ApiText(ex));
            AddWarning(item, progress, ApiText(ex));
            return null;
        }

        if (attempts > 1 && Label(live, RestoreLabels.RestoreName) == restoreLabel && ObjectComparison.IsEquivalent(desired, live))
        {
            return live;
        }

        if (ObjectComparison.IsEquivalent(desired, live))
        {
            // Velero only logs this at info: no warning, and the item is skipped.
            progress.Note(policy == "update" ? ExistingObjectTexts.SameLabelsPatched : ExistingObjectTexts.Same);
            if (policy == "update")
            {
                await PatchLabelsAsync(item, progress, resource, ns, ct).ConfigureAwait(false);
            }

            return null;
        }

        if (item.TargetGroupResource == ServiceAccounts)
        {
            await MergeServiceAccountAsync(item, progress, resource, ns, desired, live, ct).ConfigureAwait(false);
            return null;
        }

        var paths = ObjectComparison.Compare(desired, live, redactValues: true, limit: ExistingObjectTexts.PathsShown).Select(d => d.Path).ToList();

        if (policy == "update")
        {
            await UpdateAsync(item, progress, resource, ns, desired, live, "it differs at " + string.Join(", ", paths), ct).ConfigureAwait(false);
            return null;
        }

        // Left as it is with Velero's warning: a warning, not an error, so the outcome is Skipped (the resource list
        // still says failed, by Velero's rule for items with warnings).
        progress.Note(ExistingObjectTexts.DiffersSkipped(paths));
        AddWarning(item, progress, ExistingObjectTexts.DiffersWarning((desired["kind"] as JsonValue)?.ToString() ?? item.Kind, item.TargetName, policy));
        return null;
    }

    /// <summary>Policy update: merge-patch the live object (restore labels blanked) to the backed-up one; on failure warn and patch only the labels.</summary>
    private async Task UpdateAsync(PlannedItem item, ItemProgress progress, ApiResourceInfo resource, string? ns, JsonObject desired, JsonObject live, string differs, CancellationToken ct)
    {
        var from = (JsonObject)live.DeepClone();
        PlanObjects.ResetMetadataAndStatus(from);
        if (from["metadata"] is JsonObject metadata)
        {
            // managedFields are the server's bookkeeping; they are neither compared nor patched.
            metadata.Remove("managedFields");
            if (metadata["labels"] is JsonObject labels)
            {
                labels[RestoreLabels.RestoreName] = string.Empty;
                labels[RestoreLabels.BackupName] = string.Empty;
            }
        }

        var to = (JsonObject)desired.DeepClone();
        (to["metadata"] as JsonObject)?.Remove("managedFields");
        var patch = JsonMergePatch.Create(from, to) as JsonObject;
        if (patch is null || patch.Count == 0)
        {
            progress.Note(ExistingObjectTexts.Same);
            return;
        }

        try
        {
            await Client.PatchAsync(resource, ns, item.TargetName, PatchKind.Merge, patch.ToJsonString(), ct).ConfigureAwait(false);
            progress.Action = ItemRestoreAction.Updated;
            progress.Note($"updated to the backed-up version ({differs})");
        }
        catch (KubernetesApiException ex)
        {
            // Velero: the refused patch is a warning, so the item is left as it is (Skipped) unless the labels patch errs too.
            progress.Note($"already exists and differs from the backed-up version ({differs}); the update was refused, so only the restore labels are patched: {ApiText(ex)}");
            AddWarning(item, progress, ApiText(ex));
            await PatchLabelsAsync(item, progress, resource, ns, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// ServiceAccounts are merged under any policy (docs/velero-compatibility.md#existing-resource-policy): secrets and imagePullSecrets are united by name and the
    /// backed-up labels and annotations are added where the live object lacks the key.
    /// </summary>
    private async Task MergeServiceAccountAsync(PlannedItem item, ItemProgress progress, ApiResourceInfo resource, string? ns, JsonObject desired, JsonObject live, CancellationToken ct)
    {
        var patch = ServiceAccountMergePatch(desired, live, restoreLabel, backupLabel);
        if (patch is null)
        {
            progress.Note(ExistingObjectTexts.ServiceAccountComplete);
            return;
        }

        try
        {
            await Client.PatchAsync(resource, ns, item.TargetName, PatchKind.Merge, patch.ToJsonString(), ct).ConfigureAwait(false);
            progress.Action = ItemRestoreAction.Updated;
            progress.Note("already existed; merged the backed-up secrets, image pull secrets, labels and annotations into it");
        }
        catch (KubernetesApiException ex)
        {
            progress.Note("already exists and differs; merging the backed-up secrets, labels and annotations into it was refused: " + ApiText(ex));
            AddWarning(item, progress, ApiText(ex));
            if (policy == "update")
            {
                await PatchLabelsAsync(item, progress, resource, ns, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Patches only the two restore labels onto the live object; a failure is an error (docs/velero-compatibility.md#existing-resource-policy).</summary>
    private async Task PatchLabelsAsync(PlannedItem item, ItemProgress progress, ApiResourceInfo resource, string? ns, CancellationToken ct)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject
                {
                    [RestoreLabels.BackupName] = backupLabel,
                    [RestoreLabels.RestoreName] = restoreLabel,
                },
            },
        };
        try
        {
            await Client.PatchAsync(resource, ns, item.TargetName, PatchKind.Merge, patch.ToJsonString(), ct).ConfigureAwait(false);
        }
        catch (KubernetesApiException ex)
        {
            AddError(item, progress, ApiText(ex), FailureOf(ex));
        }
    }

    /// <summary>
    /// The merge patch that unites a backed-up ServiceAccount into the live one (docs/velero-compatibility.md#existing-resource-policy); null when the live one already
    /// has everything. The plan's preview uses it too, so it predicts a merge that changes nothing as a skip.
    /// </summary>
    internal static JsonObject? ServiceAccountMergePatch(JsonObject desired, JsonObject live, string restoreLabel, string backupLabel)
    {
        // The restore labels count as present on the live side, as in Velero, so the merge alone never adds them.
        var from = (JsonObject)live.DeepClone();
        PlanObjects.ResetMetadataAndStatus(from);
        PlanObjects.AddRestoreLabels(from, restoreLabel, backupLabel);
        var merged = (JsonObject)from.DeepClone();
        var mergedMeta = merged["metadata"] as JsonObject ?? new JsonObject();
        merged["metadata"] = mergedMeta;
        AddMissingKeys(mergedMeta, "labels", desired["metadata"]?["labels"] as JsonObject);
        AddMissingKeys(mergedMeta, "annotations", desired["metadata"]?["annotations"] as JsonObject);
        UniteByName(merged, "secrets", desired["secrets"] as JsonArray);
        UniteByName(merged, "imagePullSecrets", desired["imagePullSecrets"] as JsonArray);
        return JsonMergePatch.Create(from, merged) is JsonObject { Count: > 0 } patch ? patch : null;
    }

    private static void AddMissingKeys(JsonObject metadata, string field, JsonObject? fromBackup)
    {
        if (fromBackup is null || fromBackup.Count == 0)
        {
            return;
        }

        if (metadata[field] is not JsonObject target)
        {
            target = new JsonObject();
            metadata[field] = target;
        }

        foreach (var pair in fromBackup)
        {
            if (!target.ContainsKey(pair.Key))
            {
                target[pair.Key] = pair.Value?.DeepClone();
            }
        }
    }

    private static void UniteByName(JsonObject merged, string field, JsonArray? fromBackup)
    {
        if (fromBackup is null || fromBackup.Count == 0)
        {
            return;
        }

        if (merged[field] is not JsonArray target)
        {
            target = new JsonArray();
            merged[field] = target;
        }

        var names = new HashSet<string>(target.OfType<JsonObject>().Select(r => (r["name"] as JsonValue)?.ToString() ?? string.Empty), System.StringComparer.Ordinal);
        foreach (var reference in fromBackup.OfType<JsonObject>())
        {
            var name = (reference["name"] as JsonValue)?.ToString() ?? string.Empty;
            if (names.Add(name))
            {
                target.Add(reference.DeepClone());
            }
        }
    }

    private static string? Label(JsonObject obj, string key) => (obj["metadata"]?["labels"]?[key] as JsonValue)?.ToString();
}

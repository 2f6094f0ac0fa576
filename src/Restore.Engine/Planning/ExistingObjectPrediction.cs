using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>What happens to a planned object that already exists in the cluster (docs/velero-compatibility.md#existing-resource-policy).</summary>
internal enum ExistingObjectOutcome
{
    /// <summary>The live object equals the planned one: nothing is sent (with policy <c>update</c>, only the restore labels are patched). Listed as <c>skipped</c>.</summary>
    Unchanged,

    /// <summary>The live object differs and is left alone with a warning. Listed as <c>failed</c>.</summary>
    Conflict,

    /// <summary>The live object is merge-patched to the planned one (policy <c>update</c>, or any ServiceAccount). Listed as <c>updated</c>.</summary>
    Updated,
}

/// <summary>The predicted handling of one existing object.</summary>
internal sealed class ExistingObjectPrediction
{
    internal ExistingObjectPrediction(ExistingObjectOutcome outcome, string resourceListAction, string? warning, byte[]? mergePatchUtf8)
    {
        Outcome = outcome;
        ResourceListAction = resourceListAction;
        Warning = warning;
        MergePatchUtf8 = mergePatchUtf8;
    }

    /// <summary>The outcome.</summary>
    public ExistingObjectOutcome Outcome { get; }

    /// <summary><c>skipped</c>, <c>failed</c> or <c>updated</c>, as the restored resource list would say if every call succeeds.</summary>
    public string ResourceListAction { get; }

    /// <summary>The namespace (or cluster) warning Velero raises, or null.</summary>
    public string? Warning { get; }

    /// <summary>For <see cref="ExistingObjectOutcome.Updated"/> under policy <c>update</c>: the RFC 7386 merge patch from the live object (restore labels blanked) to the planned one; null for ServiceAccounts, which the executor merges.</summary>
    public byte[]? MergePatchUtf8 { get; }
}

/// <summary>
/// Existing objects (docs/velero-compatibility.md#existing-resource-policy) for the plan's predicted outcome: compares a planned object with its live counterpart the way
/// Velero does (live object through the metadata reset with <c>managedFields</c> kept, restore labels copied
/// from the planned object, semantic deep equality) and applies the existing-resource policy.
/// ServiceAccounts are merged by the executor (secrets, image pull secrets, missing labels and annotations);
/// the prediction only says they are updated.
/// </summary>
internal static class ExistingObjects
{
    /// <summary>Predicts the handling of <paramref name="item"/> when <paramref name="liveObjectJson"/> already exists.</summary>
    /// <param name="item">A planned item with its object (<see cref="PlannedItem.ObjectUtf8"/>).</param>
    /// <param name="liveObjectJson">The live object as JSON text.</param>
    /// <param name="existingResourcePolicy">The restore's <c>existingResourcePolicy</c>: empty, <c>none</c> or <c>update</c>.</param>
    /// <exception cref="ArgumentException">The item has no object, or the live JSON is not an object.</exception>
    public static ExistingObjectPrediction Predict(PlannedItem item, string liveObjectJson, string? existingResourcePolicy)
    {
        if (item is null)
        {
            throw new ArgumentNullException(nameof(item));
        }

        var desired = item.ParseObject() ?? throw new ArgumentException("the planned item has no object", nameof(item));
        JsonObject live;
        try
        {
            live = JsonNode.Parse(liveObjectJson ?? string.Empty) as JsonObject ?? throw new ArgumentException("the live object is not a JSON object", nameof(liveObjectJson));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("the live object is not valid JSON: " + ex.Message, nameof(liveObjectJson), ex);
        }

        return Predict(desired, live, item.TargetGroupResource, existingResourcePolicy);
    }

    internal static ExistingObjectPrediction Predict(JsonObject desired, JsonObject live, string targetGroupResource, string? policy)
    {
        PlanObjects.ResetMetadataAndStatus(live);
        var labels = PlanObjects.GetObject(desired, "metadata", "labels");
        PlanObjects.AddRestoreLabels(
            live,
            PlanObjects.GetString(labels, RestoreLabels.RestoreName) ?? string.Empty,
            PlanObjects.GetString(labels, RestoreLabels.BackupName) ?? string.Empty);
        if (JsonValues.DeepEquals(live, desired))
        {
            return new ExistingObjectPrediction(ExistingObjectOutcome.Unchanged, "skipped", null, null);
        }

        var kind = PlanObjects.GetString(desired, "kind") ?? string.Empty;
        var name = PlanObjects.Name(desired);
        if (targetGroupResource == "serviceaccounts")
        {
            // The executor merges ServiceAccounts (union of secrets, missing labels and annotations); no plain patch.
            return new ExistingObjectPrediction(ExistingObjectOutcome.Updated, "updated", null, null);
        }

        if (policy == "update")
        {
            // The patch goes from the live object with its restore labels blanked, so they are always set.
            if (PlanObjects.GetObject(live, "metadata", "labels") is JsonObject liveLabels)
            {
                liveLabels[RestoreLabels.RestoreName] = string.Empty;
                liveLabels[RestoreLabels.BackupName] = string.Empty;
            }

            var patch = JsonMergePatch.Create(live, desired) ?? new JsonObject();
            return new ExistingObjectPrediction(ExistingObjectOutcome.Updated, "updated", null, PlannedItem.Serialize(patch));
        }

        return new ExistingObjectPrediction(ExistingObjectOutcome.Conflict, "failed", ExistingObjectTexts.DiffersWarning(kind, name, policy), null);
    }
}

/// <summary>
/// The texts of docs/velero-compatibility.md#existing-resource-policy shared by the restore (item outcomes, results) and the plan (Get-RestorePlan), so that the
/// plan predicts exactly what the restore says.
/// </summary>
internal static class ExistingObjectTexts
{
    /// <summary>How many differing paths an outcome or plan reason names.</summary>
    public const int PathsShown = 3;

    public const string Same = "already exists and is the same as the backed-up version";

    public const string SameLabelsPatched = Same + "; only the restore labels are patched";

    public const string ServiceAccountComplete = "already exists; the backed-up secrets, labels and annotations are all there";

    /// <summary>
    /// Velero's warning for an object that exists, differs and is left alone. Velero words it one way when no policy
    /// was given and another for policy <c>none</c>.
    /// </summary>
    public static string DiffersWarning(string kind, string name, string? policy) => policy == "none"
        ? $"could not restore, {kind} \"{name}\" already exists. Warning: the in-cluster version is different than the backed-up version"
        : $"could not restore, {kind}:{name} already exists. Warning: the in-cluster version is different than the backed-up version";

    /// <summary>Why such an object is skipped (the item outcome's message and the plan's reason); paths only, never values.</summary>
    public static string DiffersSkipped(IEnumerable<string> paths) =>
        $"already exists and differs from the backed-up version (at {string.Join(", ", paths.Take(PathsShown))}); left as it is (existing-resource policy None)";
}

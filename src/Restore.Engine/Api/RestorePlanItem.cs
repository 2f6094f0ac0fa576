using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Execution;
using Restore.Engine.Planning;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>
/// What Get-RestorePlan says will happen to an item, in one word. Words rather than an enum: ConvertTo-Json writes
/// enums as numbers, and plans are logged and compared as JSON.
/// </summary>
public static class RestorePlanAction
{
    /// <summary>The object will be created (or, for a namespace, made sure to exist).</summary>
    public const string Create = "Create";

    /// <summary>The object exists and differs; it will be patched to match the backup.</summary>
    public const string Update = "Update";

    /// <summary>Nothing will be sent: the object already exists (as in the backup, or differing without <c>-ExistingResourcePolicy Update</c>, with a warning), or a rule skips it.</summary>
    public const string Skip = "Skip";

    /// <summary>The restore's filters leave the item out.</summary>
    public const string Exclude = "Exclude";

    /// <summary>The item cannot be restored.</summary>
    public const string Fail = "Fail";
}

/// <summary>
/// One line of a restore plan (Get-RestorePlan): an item of the backup (or a namespace the restore makes sure
/// exists), where it goes, what will happen to it and why, its place in the restore order, and the warnings it
/// raises. With a cluster, <see cref="Prediction"/> says what the live object means for it.
/// </summary>
public sealed class RestorePlanItem
{
    /// <summary>The restore's name used in the plan.</summary>
    public string Restore { get; set; } = string.Empty;

    /// <summary>The backup planned.</summary>
    public string Backup { get; set; } = string.Empty;

    /// <summary>The target: kube context name, or the folder.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>What will happen, in one word (the plan's decision refined by the live check): a <see cref="RestorePlanAction"/>.</summary>
    public string Action { get; set; } = RestorePlanAction.Create;

    /// <summary>Why, for anything but a plain create: the exclusion, skip or failure reason, or the live difference.</summary>
    public string? Reason { get; set; }

    /// <summary>Position in the restore order, from 1; 0 for items that are not restored.</summary>
    public int Order { get; set; }

    /// <summary>Index of the priority tier (one per restored resource, in order); -1 for items outside every tier.</summary>
    public int Tier { get; set; }

    /// <summary>The resource the tier restores.</summary>
    public string TierName { get; set; } = string.Empty;

    /// <summary>Which part of the restore order the tier is in: CustomResourceDefinitions, High, Default or Low.</summary>
    public string PriorityGroup { get; set; } = string.Empty;

    /// <summary>Group-resource in the backup (<c>deployments.apps</c>).</summary>
    public string Resource { get; set; } = string.Empty;

    /// <summary><c>apiVersion</c> of the backed-up object.</summary>
    public string ApiVersion { get; set; } = string.Empty;

    /// <summary><c>kind</c> of the backed-up object.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Namespace in the backup; empty for cluster-scoped items.</summary>
    public string SourceNamespace { get; set; } = string.Empty;

    /// <summary>Name in the backup.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Namespace in the target (after mapping); empty for cluster-scoped items.</summary>
    public string TargetNamespace { get; set; } = string.Empty;

    /// <summary>Name in the target (differs for renamed PersistentVolumes).</summary>
    public string TargetName { get; set; } = string.Empty;

    /// <summary>The planner's decision: Create, Excluded, Skipped or Failed (a <see cref="PlanDecision"/> name).</summary>
    public string Decision { get; set; } = nameof(PlanDecision.Create);

    /// <summary>
    /// The live check against the cluster: Create, AlreadyExistsSkip, DiffersSkip, Update, Failed, or NotChecked (folders,
    /// no cluster, items not sent) (a <see cref="PredictedOutcome"/> name).
    /// </summary>
    public string Prediction { get; set; } = nameof(PredictedOutcome.NotChecked);

    /// <summary>Where the live object differs from the backup (<c>spec.replicas: 1 -&gt; 3</c>; values hidden for Secrets).</summary>
    public IReadOnlyList<string> Differences { get; set; } = Array.Empty<string>();

    /// <summary>The warnings restoring the item would raise (Velero's results, with their bucket).</summary>
    public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();

    /// <summary>The errors restoring the item would raise.</summary>
    public IReadOnlyList<string> Errors { get; set; } = Array.Empty<string>();

    /// <summary>Advice beyond Velero's results (for example volume data that cannot be restored client-side).</summary>
    public IReadOnlyList<string> Notes { get; set; } = Array.Empty<string>();

    /// <summary>The restore item actions that change the object, in order.</summary>
    public IReadOnlyList<string> ItemActions { get; set; } = Array.Empty<string>();

    /// <summary>True for a namespace the restore makes sure exists.</summary>
    public bool IsNamespace { get; set; }

    /// <summary>True when another item's action pulled this one in (label selectors and <c>-Object</c> do not apply to it).</summary>
    public bool IsAdditionalItem { get; set; }

    /// <summary>The item (<c>resource/namespace/name</c>) whose action pulled this one in.</summary>
    public string? AdditionalItemOf { get; set; }

    /// <summary>True when the backed-up <c>status</c> is put back after the create.</summary>
    public bool RestoresStatus { get; set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Action} {Resource}/" + (SourceNamespace.Length == 0 ? Name : SourceNamespace + "/" + Name) + (Reason is null ? string.Empty : " (" + Reason + ")");

    /// <summary>
    /// One line per planned item of every target of <paramref name="preview"/>, in plan order, with the live
    /// prediction where there is one.
    /// </summary>
    internal static IReadOnlyList<RestorePlanItem> FromPreview(RestorePreview preview)
    {
        if (preview is null)
        {
            throw new ArgumentNullException(nameof(preview));
        }

        var items = new List<RestorePlanItem>();
        foreach (var target in preview.Targets)
        {
            if (target.Plan is null)
            {
                continue;
            }

            var predictions = new Dictionary<PlannedItem, ItemPrediction>();
            foreach (var prediction in target.Predictions)
            {
                predictions[prediction.Item] = prediction;
            }

            items.AddRange(FromPlan(target.Plan, preview.RestoreName, preview.BackupName, target.Target.Name, item => predictions.TryGetValue(item, out var p) ? p : null));
        }

        return items;
    }

    /// <summary>One line per planned item of <paramref name="plan"/>; <paramref name="predictionOf"/> gives the live check of an item, or null.</summary>
    internal static IEnumerable<RestorePlanItem> FromPlan(RestorePlan plan, string restoreName, string backupName, string target, Func<PlannedItem, ItemPrediction?>? predictionOf = null)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        foreach (var item in plan.Items)
        {
            var prediction = predictionOf?.Invoke(item);
            var line = new RestorePlanItem
            {
                Restore = restoreName ?? string.Empty,
                Backup = backupName ?? string.Empty,
                Target = target ?? string.Empty,
                Order = item.Order,
                Tier = item.TierIndex,
                TierName = item.TierName,
                PriorityGroup = item.TierIndex < 0 ? string.Empty : item.PriorityGroup.ToString(),
                Resource = item.GroupResource,
                ApiVersion = item.ApiVersion,
                Kind = item.Kind,
                SourceNamespace = item.SourceNamespace,
                Name = item.Name,
                TargetNamespace = item.TargetNamespace,
                TargetName = item.TargetName,
                Decision = item.Decision.ToString(),
                Prediction = (prediction?.Outcome ?? PredictedOutcome.NotChecked).ToString(),
                Differences = prediction?.Differences.Select(d => d.ToString()).ToList() ?? new List<string>(),
                Warnings = item.Warnings.Select(w => w.ToString()).ToList(),
                Errors = item.Errors.Select(e => e.ToString()).ToList(),
                Notes = item.Notes.ToList(),
                ItemActions = item.Actions.ToList(),
                IsNamespace = item.IsNamespace,
                IsAdditionalItem = item.IsAdditionalItem,
                AdditionalItemOf = item.AdditionalItemOf,
                RestoresStatus = item.RestoreStatus,
            };
            (line.Action, line.Reason) = Summarize(item, prediction);
            // The live check's warning, written as the plan's own warnings are; a failed check's reason is shown as one too.
            var warning = prediction?.Warning is { Length: > 0 } w ? ResultMessage.ForItem(item.TargetNamespace, w).ToString()
                : prediction?.Outcome == PredictedOutcome.Failed ? prediction.Message
                : null;
            if (warning is { Length: > 0 } && !line.Warnings.Contains(warning))
            {
                line.Warnings = line.Warnings.Concat(new[] { warning }).ToList();
            }

            yield return line;
        }
    }

    private static (string Action, string? Reason) Summarize(PlannedItem item, ItemPrediction? prediction)
    {
        switch (item.Decision)
        {
            case PlanDecision.Excluded:
                return (RestorePlanAction.Exclude, item.Reason);
            case PlanDecision.Skipped:
                return (RestorePlanAction.Skip, item.Reason);
            case PlanDecision.Failed:
                return (RestorePlanAction.Fail, item.Reason ?? item.Errors.FirstOrDefault()?.Text);
        }

        var differences = prediction is null || prediction.Differences.Count == 0 ? null : string.Join("; ", prediction.Differences.Select(d => d.ToString()));
        return prediction?.Outcome switch
        {
            PredictedOutcome.AlreadyExistsSkip or PredictedOutcome.DiffersSkip => (RestorePlanAction.Skip, prediction.Message ?? "already exists and matches the backup"),
            PredictedOutcome.Update => (RestorePlanAction.Update, differences is null ? prediction.Message : "differs: " + differences),
            PredictedOutcome.Failed => (RestorePlanAction.Fail, prediction.Message ?? (differences is null ? null : "differs: " + differences)),
            _ => (RestorePlanAction.Create, null),
        };
    }
}

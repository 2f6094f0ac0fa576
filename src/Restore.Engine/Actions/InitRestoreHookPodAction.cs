using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/init-restore-hook</c>: adds the restore's init-container hooks to pods
/// (docs/velero-compatibility.md#restore-hooks). The pod's <c>init.hook.restore.velero.io/*</c> annotations
/// win; only without them do the <c>spec.hooks.resources[].postHooks[].init</c> containers of every entry
/// matching the pod's target namespace and labels apply. The added containers go before the pod's own
/// init containers, after a leading <c>restore-wait</c> one.
/// </summary>
/// <remarks>
/// Velero names an annotation hook without <c>container-name</c> <c>velero-restore-init-</c> plus the
/// first eight hex digits of a random UUID. We take them from a hash of the restore uid and the pod's
/// target namespace and name instead: as unique per restore, and the same in the plan and the run.
/// </remarks>
internal sealed class InitRestoreHookPodAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/init-restore-hook";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.Pods);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        // Most pods have no hook: answer without building dictionaries.
        if (!context.Options.Hooks.HasSpecHooks && string.IsNullOrEmpty(ItemJson.Annotation(context.Item, RestoreHookRules.InitImageAnnotation)))
        {
            return RestoreItemActionResult.Continue;
        }

        var podName = ItemJson.Name(context.Item);
        var annotations = RestoreHookRules.ReadStrings(ItemJson.Annotations(context.Item));
        var added = new JsonArray();
        var fromAnnotation = RestoreHookRules.InitContainerFromAnnotations(annotations, () => GeneratedName(context.Options.RestoreUid, context.TargetNamespace, podName));
        if (fromAnnotation is not null)
        {
            added.Add(fromAnnotation);
        }
        else
        {
            foreach (var container in context.Options.Hooks.SpecInitContainers(context.TargetNamespace, RestoreHookRules.ReadStrings(ItemJson.Labels(context.Item))))
            {
                added.Add(container.DeepClone());
            }
        }

        if (added.Count == 0)
        {
            return RestoreItemActionResult.Continue;
        }

        if (context.Item["spec"] is not JsonObject spec)
        {
            throw new RestoreItemActionException("the pod has no spec to add restore hook init containers to");
        }

        var merged = new JsonArray();
        var existing = spec["initContainers"] as JsonArray;
        var start = 0;
        if (existing is { Count: > 0 } && ItemJson.AsString((existing[0] as JsonObject)?["name"]) == RestoreHookRules.RestoreWaitContainer)
        {
            merged.Add(existing[0]!.DeepClone());
            start = 1;
        }

        foreach (var container in added)
        {
            merged.Add(container!.DeepClone());
        }

        for (var i = start; existing is not null && i < existing.Count; i++)
        {
            merged.Add(existing[i]?.DeepClone());
        }

        spec["initContainers"] = merged;
        var names = string.Join(", ", added.Select(c => ItemJson.AsString((c as JsonObject)?["name"]) ?? "?"));
        context.AddNote($"restore hook init container(s) {names} added from the {(fromAnnotation is not null ? "pod's init.hook.restore.velero.io annotations" : "restore's spec.hooks")}");
        return RestoreItemActionResult.Continue;
    }

    /// <summary><c>velero-restore-init-</c> and eight hex digits, stable for one restore and pod.</summary>
    internal static string GeneratedName(string restoreUid, string @namespace, string podName)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(restoreUid + "/" + @namespace + "/" + podName));
        var hex = new StringBuilder(8);
        for (var i = 0; i < 4; i++)
        {
            hex.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return "velero-restore-init-" + hex;
    }
}

using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/change-storage-class</c>: rewrites <c>spec.storageClassName</c> of PersistentVolumeClaims
/// and PersistentVolumes, and <c>spec.volumeClaimTemplates[].spec.storageClassName</c> of StatefulSets,
/// through <see cref="RestoreActionOptions.StorageClassMapping"/> (old class to new class; the data of
/// Velero's <c>velero.io/change-storage-class</c> ConfigMap has the same shape). Items without a class
/// or with an unmapped class are left alone.
/// </summary>
/// <remarks>
/// Velero fails the item (<c>error preparing</c>) when the new class does not exist. When a cluster
/// view is available we instead add a warning and leave that class unchanged, so one mistyped
/// mapping does not lose the claim; without a cluster view the mapping is applied unchecked.
/// </remarks>
internal sealed class ChangeStorageClassAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/change-storage-class";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) =>
        KnownGroupResources.Is(groupResource, KnownGroupResources.PersistentVolumeClaims)
        || KnownGroupResources.Is(groupResource, KnownGroupResources.PersistentVolumes)
        || KnownGroupResources.Is(groupResource, KnownGroupResources.StatefulSets);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        if (context.Options.StorageClassMapping.Count == 0)
        {
            return RestoreItemActionResult.Continue;
        }

        if (ItemJson.String(context.Item, "kind") == "StatefulSet")
        {
            var templates = ItemJson.Array(context.Item, "spec", "volumeClaimTemplates") ?? new JsonArray();
            for (var i = 0; i < templates.Count; i++)
            {
                if (ItemJson.Object(templates[i] as JsonObject, "spec") is { } templateSpec)
                {
                    Rewrite(context, templateSpec, $"spec.volumeClaimTemplates[{i}].spec.storageClassName");
                }
            }
        }
        else if (context.Item["spec"] is JsonObject spec)
        {
            Rewrite(context, spec, "spec.storageClassName");
        }

        return RestoreItemActionResult.Continue;
    }

    private static void Rewrite(RestoreItemActionContext context, JsonObject spec, string fieldPath)
    {
        var current = ItemJson.AsString(spec["storageClassName"]);
        if (string.IsNullOrEmpty(current) || !context.Options.StorageClassMapping.TryGetValue(current!, out var replacement))
        {
            return;
        }

        if (context.Cluster is { } cluster && !cluster.StorageClassExists(replacement))
        {
            context.AddWarning($"storage class \"{replacement}\" (mapped from \"{current}\") does not exist in the target cluster; {fieldPath} left as \"{current}\"");
            return;
        }

        spec["storageClassName"] = replacement;
    }
}

using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/add-pvc-from-pod</c>: every claim a pod mounts
/// (<c>spec.volumes[].persistentVolumeClaim.claimName</c>) is restored too, from the pod's source
/// namespace, even when label selectors would not pick it.
/// </summary>
internal sealed class AddPvcFromPodAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/add-pvc-from-pod";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.Pods);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var additional = new List<AdditionalItem>();
        foreach (var volume in ItemJson.Array(context.Item, "spec", "volumes") ?? new JsonArray())
        {
            if ((volume as JsonObject)?["persistentVolumeClaim"] is not JsonObject claim)
            {
                continue;
            }

            // Velero adds the entry even for an empty claimName; the missing file then gives a warning.
            var claimName = ItemJson.AsString(claim["claimName"]) ?? string.Empty;
            additional.Add(new AdditionalItem(KnownGroupResources.PersistentVolumeClaims, context.SourceNamespace, claimName));
        }

        return additional.Count == 0 ? RestoreItemActionResult.Continue : RestoreItemActionResult.WithAdditionalItems(additional.ToArray());
    }
}

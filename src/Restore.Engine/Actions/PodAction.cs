using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/pod</c>: clears <c>spec.nodeName</c> and <c>spec.priority</c>, removes the legacy
/// service-account token volumes (<c>&lt;serviceAccountName&gt;-token-*</c>) with their mounts in
/// containers and init containers, and asks for the pod's PriorityClass as an additional item.
/// </summary>
/// <remarks>
/// Velero converts the pod through its typed Go struct, which silently drops fields that struct does
/// not know (for example fields newer than Velero's Kubernetes libraries). We edit the JSON in place
/// and keep every other field. Lists that end up empty are dropped, as the typed round trip does.
/// </remarks>
internal sealed class PodAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/pod";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.Pods);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        if (context.Item["spec"] is not JsonObject spec)
        {
            return RestoreItemActionResult.Continue;
        }

        spec.Remove("nodeName");
        spec.Remove("priority");

        // Velero matches on serviceAccountName only (not the deprecated serviceAccount field).
        var tokenPrefix = (ItemJson.AsString(spec["serviceAccountName"]) ?? string.Empty) + "-token-";
        bool IsTokenVolume(JsonNode? entry) =>
            ItemJson.AsString((entry as JsonObject)?["name"])?.StartsWith(tokenPrefix, StringComparison.Ordinal) == true;

        if (spec["volumes"] is JsonArray volumes)
        {
            ItemJson.RemoveWhere(volumes, IsTokenVolume);
            ItemJson.RemoveIfEmpty(spec, "volumes");
        }

        foreach (var listName in new[] { "containers", "initContainers" })
        {
            if (spec[listName] is not JsonArray containers)
            {
                continue;
            }

            foreach (var container in containers)
            {
                if (container is JsonObject c && c["volumeMounts"] is JsonArray mounts)
                {
                    ItemJson.RemoveWhere(mounts, IsTokenVolume);
                    ItemJson.RemoveIfEmpty(c, "volumeMounts");
                }
            }
        }

        var priorityClass = ItemJson.AsString(spec["priorityClassName"]);
        return string.IsNullOrEmpty(priorityClass)
            ? RestoreItemActionResult.Continue
            : RestoreItemActionResult.WithAdditionalItems(new AdditionalItem(KnownGroupResources.PriorityClasses, string.Empty, priorityClass!));
    }
}

using System;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/job</c>: removes the controller-uid labels (<c>batch.kubernetes.io/controller-uid</c>
/// and the legacy <c>controller-uid</c>) from <c>spec.selector.matchLabels</c> and
/// <c>spec.template.metadata.labels</c>; the target cluster assigns a new uid and selector.
/// </summary>
internal sealed class JobAction : IRestoreItemAction
{
    private static readonly string[] ControllerUidLabels = { "batch.kubernetes.io/controller-uid", "controller-uid" };

    /// <inheritdoc />
    public string Name => "velero.io/job";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.Jobs);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        // An emptied selector stays as {} (Velero keeps the non-nil selector); emptied label maps go.
        ItemJson.RemoveKeys(ItemJson.Object(context.Item, "spec", "selector"), "matchLabels", ControllerUidLabels);
        ItemJson.RemoveKeys(ItemJson.Object(context.Item, "spec", "template", "metadata"), "labels", ControllerUidLabels);
        return RestoreItemActionResult.Continue;
    }
}

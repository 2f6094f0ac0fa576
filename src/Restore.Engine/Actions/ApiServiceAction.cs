using System;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/apiservice</c>: skips APIServices that Kubernetes registers itself, recognised by
/// the label <c>kube-aggregator.kubernetes.io/automanaged</c> (any value). Others are restored unchanged.
/// </summary>
internal sealed class ApiServiceAction : IRestoreItemAction
{
    private const string AutomanagedLabel = "kube-aggregator.kubernetes.io/automanaged";

    /// <inheritdoc />
    public string Name => "velero.io/apiservice";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.ApiServices);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        // Velero selects on label existence, so an empty value counts too.
        return ItemJson.Labels(context.Item)?.ContainsKey(AutomanagedLabel) == true
            ? RestoreItemActionResult.SkipItem($"APIService is managed by Kubernetes (label {AutomanagedLabel})")
            : RestoreItemActionResult.Continue;
    }
}

using System;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/cluster-role-bindings</c>: the same subject namespace remapping as
/// <see cref="RoleBindingAction"/>, for ClusterRoleBindings.
/// </summary>
internal sealed class ClusterRoleBindingAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/cluster-role-bindings";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.ClusterRoleBindings);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        SubjectNamespaces.Remap(context.Item, context.Options.NamespaceMapping);
        return RestoreItemActionResult.Continue;
    }
}

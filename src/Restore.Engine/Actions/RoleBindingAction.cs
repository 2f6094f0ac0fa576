using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/role-bindings</c>: with a namespace mapping, each <c>subjects[].namespace</c> that is
/// a mapping key is replaced by its target, so ServiceAccount subjects follow their namespace.
/// </summary>
internal sealed class RoleBindingAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/role-bindings";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.RoleBindings);

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

/// <summary>The subject rewrite shared by the two binding actions.</summary>
internal static class SubjectNamespaces
{
    public static void Remap(JsonObject binding, IReadOnlyDictionary<string, string> namespaceMapping)
    {
        if (namespaceMapping.Count == 0 || binding["subjects"] is not JsonArray subjects)
        {
            return;
        }

        foreach (var subject in subjects)
        {
            if (subject is JsonObject s
                && ItemJson.AsString(s["namespace"]) is { } source
                && namespaceMapping.TryGetValue(source, out var target))
            {
                s["namespace"] = target;
            }
        }
    }
}

using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/service-account</c>: drops the auto-created token secret reference. Scanning
/// <c>secrets[]</c> from the end, the first entry named <c>&lt;serviceAccountName&gt;-token-*</c> is
/// removed, and only that one (the target cluster creates its own token secret).
/// </summary>
internal sealed class ServiceAccountAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/service-account";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.ServiceAccounts);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        if (context.Item["secrets"] is not JsonArray secrets)
        {
            return RestoreItemActionResult.Continue;
        }

        var prefix = ItemJson.Name(context.Item) + "-token-";
        for (var i = secrets.Count - 1; i >= 0; i--)
        {
            var name = ItemJson.AsString((secrets[i] as JsonObject)?["name"]) ?? string.Empty;
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                secrets.RemoveAt(i);
                break;
            }
        }

        ItemJson.RemoveIfEmpty(context.Item, "secrets");
        return RestoreItemActionResult.Continue;
    }
}

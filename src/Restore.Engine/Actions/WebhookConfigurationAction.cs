using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/admission-webhook-configuration</c>: for <c>admissionregistration.k8s.io/v1</c>
/// Mutating- and ValidatingWebhookConfigurations, every <c>webhooks[].sideEffects</c> other than
/// <c>None</c> or <c>NoneOnDryRun</c> (including a missing one) becomes <c>None</c>, the only values v1
/// accepts. Webhook entries that are not objects are dropped, as Velero drops entries it cannot convert.
/// </summary>
internal sealed class WebhookConfigurationAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/admission-webhook-configuration";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) =>
        KnownGroupResources.Is(groupResource, KnownGroupResources.MutatingWebhookConfigurations)
        || KnownGroupResources.Is(groupResource, KnownGroupResources.ValidatingWebhookConfigurations);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        if (ItemJson.String(context.Item, "apiVersion") != "admissionregistration.k8s.io/v1")
        {
            return RestoreItemActionResult.Continue;
        }

        var webhooksNode = context.Item["webhooks"];
        if (webhooksNode is null)
        {
            return RestoreItemActionResult.Continue;
        }

        if (webhooksNode is not JsonArray webhooks)
        {
            throw new RestoreItemActionException("webhooks is not a list");
        }

        ItemJson.RemoveWhere(webhooks, entry => entry is not JsonObject);
        foreach (var entry in webhooks)
        {
            var webhook = (JsonObject)entry!;
            var sideEffects = ItemJson.AsString(webhook["sideEffects"]);
            if (sideEffects is not ("None" or "NoneOnDryRun"))
            {
                webhook["sideEffects"] = "None";
            }
        }

        return RestoreItemActionResult.Continue;
    }
}

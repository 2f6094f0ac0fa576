using System;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/crd-preserve-fields</c>: for <c>apiextensions.k8s.io/v1</c> CRDs with
/// <c>spec.preserveUnknownFields: true</c> (which v1 no longer allows), clears that field and sets
/// <c>x-kubernetes-preserve-unknown-fields: true</c> on every version's <c>schema.openAPIV3Schema</c>.
/// </summary>
/// <remarks>
/// The cleared field is removed rather than written as <c>false</c>, which is what Velero's typed
/// round trip produces. Unlike that round trip, unknown fields elsewhere in the CRD are kept.
/// </remarks>
internal sealed class CustomResourceDefinitionAction : IRestoreItemAction
{
    /// <inheritdoc />
    public string Name => "velero.io/crd-preserve-fields";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.CustomResourceDefinitions);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        if (ItemJson.String(context.Item, "apiVersion") != "apiextensions.k8s.io/v1"
            || context.Item["spec"] is not JsonObject spec
            || !ItemJson.IsTrue(spec["preserveUnknownFields"]))
        {
            return RestoreItemActionResult.Continue;
        }

        spec.Remove("preserveUnknownFields");
        foreach (var version in spec["versions"] as JsonArray ?? new JsonArray())
        {
            if (ItemJson.Object(version as JsonObject, "schema", "openAPIV3Schema") is { } schema)
            {
                schema["x-kubernetes-preserve-unknown-fields"] = true;
            }
        }

        return RestoreItemActionResult.Continue;
    }
}

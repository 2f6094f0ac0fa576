using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Planning;

/// <summary>Resource modifiers (docs/velero-compatibility.md#resource-modifiers) and the inline patches extension, step 11 of docs/velero-compatibility.md#item-steps.</summary>
internal sealed partial class PlanSession
{
    private List<CompiledPatch> inlinePatches = new();

    private void PrepareModifiers()
    {
        inlinePatches = InlinePatches.Compile(spec.Patches, catalog);
        if (request.ResourceModifiers is { } modifiers)
        {
            notes.AddRange(modifiers.Warnings);
        }
        else if (spec.ResourceModifier is { IsConfigMap: true } reference)
        {
            notes.Add($"the resource modifier ConfigMap {reference.Name} was not supplied to the planner, so no resource modifier is applied");
        }
    }

    /// <summary>
    /// Runs the resource modifiers (conditions see the original namespace, before mapping and before the restore labels),
    /// then the inline patches; returns the error texts. The item is restored with whatever applied.
    /// </summary>
    private List<string> ApplyModifiers(ref JsonObject obj, string gr, string objectNamespace, string sourceNamespace, string name)
    {
        var errors = new List<string>();
        if (request.ResourceModifiers is { } modifiers)
        {
            errors.AddRange(modifiers.Apply(obj, gr, objectNamespace, log));
        }

        if (inlinePatches.Count > 0)
        {
            obj = InlinePatches.Apply(inlinePatches, obj, gr, sourceNamespace, name, errors);
        }

        return errors;
    }
}

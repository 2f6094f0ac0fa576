using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Planning;

/// <summary>Resource modifiers (spec §7) and the inline patches extension, step 11 of spec §4.4.</summary>
internal sealed partial class PlanSession
{
    private List<CompiledPatch> inlinePatches = new();

    private void PrepareModifiers()
    {
        inlinePatches = InlinePatches.Compile(spec.Patches, catalog);
    }

    /// <summary>Runs the modifiers then the inline patches; returns the error texts (the item is restored anyway).</summary>
    private List<string> ApplyModifiers(ref JsonObject obj, string gr, string objectNamespace, string sourceNamespace, string name)
    {
        var errors = new List<string>();
        if (inlinePatches.Count > 0)
        {
            obj = InlinePatches.Apply(inlinePatches, obj, gr, sourceNamespace, name, errors);
        }

        return errors;
    }
}

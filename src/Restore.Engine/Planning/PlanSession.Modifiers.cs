using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Restore.Engine.Planning;

/// <summary>Resource modifiers (spec §7) and the inline patches extension, step 11 of spec §4.4.</summary>
internal sealed partial class PlanSession
{
    private void PrepareModifiers()
    {
    }

    private IEnumerable<string> ApplyModifiers(ref JsonObject obj, string gr, string objectNamespace, string sourceNamespace, string name)
    {
        return Array.Empty<string>();
    }
}

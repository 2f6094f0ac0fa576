using System;
using System.Collections.Generic;

namespace Restore.Engine.Common;

/// <summary>
/// Keeps one copy of each string it is given. A backup of 100,000 items names only a few group-resources, namespaces,
/// apiVersions and kinds; without a pool each item would hold copies of its own. Not thread-safe.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> kept = new(StringComparer.Ordinal);

    /// <summary>The pooled copy of <paramref name="value"/> (the value itself the first time).</summary>
    public string Get(string value)
    {
        if (kept.TryGetValue(value, out var copy))
        {
            return copy;
        }

        kept.Add(value, value);
        return value;
    }
}

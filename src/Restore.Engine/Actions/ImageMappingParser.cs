using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Actions;

/// <summary>
/// Turns the data of Velero's change-image-name ConfigMap (labels <c>velero.io/plugin-config</c> and
/// <c>velero.io/change-image-name=RestoreItemAction</c>) into an old-part to new-part mapping for
/// <see cref="RestoreActionOptions.ImageMapping"/>. Each value has the form <c>"&lt;old&gt;,&lt;new&gt;"</c>;
/// the keys are free names such as <c>case1</c>.
/// </summary>
/// <remarks>
/// As in Velero: the value is split at its first comma, both parts are trimmed, a value without a
/// comma or with nothing after the comma is not a rule, and the new part may itself contain commas
/// or be empty (<c>"docker.io/, "</c> strips a prefix). Unlike Velero, an empty old part is reported
/// instead of matching every image.
/// </remarks>
internal static class ImageMappingParser
{
    /// <summary>Parses the ConfigMap data. Entries are read in key order so results do not depend on dictionary order.</summary>
    public static ImageMappingParseResult Parse(IEnumerable<KeyValuePair<string, string>> configMapData)
    {
        if (configMapData is null)
        {
            throw new ArgumentNullException(nameof(configMapData));
        }

        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var entry in configMapData.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var value = entry.Value ?? string.Empty;
            var comma = value.IndexOf(',');
            if (comma < 0)
            {
                problems.Add($"image mapping \"{entry.Key}\" has no comma; expected \"<old>,<new>\"");
                continue;
            }

            if (comma == value.Length - 1)
            {
                problems.Add($"image mapping \"{entry.Key}\" has nothing after the comma; expected \"<old>,<new>\"");
                continue;
            }

            var oldPart = value.Substring(0, comma).Trim();
            var newPart = value.Substring(comma + 1).Trim();
            if (oldPart.Length == 0)
            {
                problems.Add($"image mapping \"{entry.Key}\" has an empty old part; expected \"<old>,<new>\"");
                continue;
            }

            if (mapping.TryGetValue(oldPart, out var earlier) && !string.Equals(earlier, newPart, StringComparison.Ordinal))
            {
                problems.Add($"image mapping \"{entry.Key}\" maps \"{oldPart}\" again (to \"{newPart}\"); the earlier rule (to \"{earlier}\") is kept");
                continue;
            }

            mapping[oldPart] = newPart;
        }

        return new ImageMappingParseResult(mapping, problems);
    }
}

/// <summary>The outcome of <see cref="ImageMappingParser.Parse"/>.</summary>
internal sealed class ImageMappingParseResult
{
    /// <summary>Creates a result.</summary>
    public ImageMappingParseResult(IReadOnlyDictionary<string, string> mapping, IReadOnlyList<string> problems)
    {
        Mapping = mapping ?? throw new ArgumentNullException(nameof(mapping));
        Problems = problems ?? throw new ArgumentNullException(nameof(problems));
    }

    /// <summary>Old image part to new image part.</summary>
    public IReadOnlyDictionary<string, string> Mapping { get; }

    /// <summary>Entries that are not rules, each naming its key and the problem.</summary>
    public IReadOnlyList<string> Problems { get; }
}

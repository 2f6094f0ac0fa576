using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Planning.Matching;

/// <summary>
/// Velero's include/exclude glob lists (used for resources and, up to Velero 1.17, namespaces).
/// Patterns are gobwas globs with no separator; a pattern that does not compile matches nothing.
/// </summary>
internal sealed class IncludeExcludeFilter
{
    /// <summary>Message for an include list mixing <c>*</c> with other items.</summary>
    public const string IncludesStarMessage = "includes list must either contain '*' only, or a non-empty list of items";

    /// <summary>Message for an exclude list containing <c>*</c>.</summary>
    public const string ExcludesStarMessage = "excludes list cannot contain '*'";

    /// <summary>Message prefix for an item found in both lists.</summary>
    public const string ExcludesIncludedItemMessagePrefix = "excludes list cannot contain an item in the includes list: ";

    private readonly HashSet<string> includeSet;
    private readonly List<GlobPattern> includeGlobs;
    private readonly List<GlobPattern> excludeGlobs;

    /// <summary>Creates a filter from the two lists (null means empty). Duplicates are ignored.</summary>
    public IncludeExcludeFilter(IEnumerable<string>? includes, IEnumerable<string>? excludes)
    {
        Includes = Distinct(includes);
        Excludes = Distinct(excludes);
        includeSet = new HashSet<string>(Includes, StringComparer.Ordinal);
        includeGlobs = CompileAll(Includes);
        excludeGlobs = CompileAll(Excludes);
    }

    /// <summary>A filter that includes everything.</summary>
    public static IncludeExcludeFilter All { get; } = new(null, null);

    /// <summary>The include patterns, duplicates removed, in first-seen order.</summary>
    public IReadOnlyList<string> Includes { get; }

    /// <summary>The exclude patterns, duplicates removed, in first-seen order.</summary>
    public IReadOnlyList<string> Excludes { get; }

    /// <summary>
    /// True when the filter passes everything: the include list is empty or exactly <c>*</c>, and the
    /// exclude list is empty.
    /// </summary>
    public bool IncludeEverything =>
        Excludes.Count == 0 && (Includes.Count == 0 || (Includes.Count == 1 && Includes[0] == "*"));

    /// <summary>
    /// False if any exclude pattern matches; otherwise true when the include list is empty, contains
    /// <c>*</c>, or has a matching pattern.
    /// </summary>
    public bool ShouldInclude(string item)
    {
        if (excludeGlobs.Any(g => g.IsMatch(item)))
        {
            return false;
        }

        return Includes.Count == 0 || includeSet.Contains("*") || includeGlobs.Any(g => g.IsMatch(item));
    }

    /// <summary>
    /// Velero's list validation. Returns the problems (empty when valid), without the caller's
    /// "Invalid included/excluded ... lists: " prefix. Items found in both lists are reported in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> Validate(IEnumerable<string>? includes, IEnumerable<string>? excludes)
    {
        var includeSet = new HashSet<string>(includes ?? Array.Empty<string>(), StringComparer.Ordinal);
        var excludeSet = new HashSet<string>(excludes ?? Array.Empty<string>(), StringComparer.Ordinal);
        var errors = new List<string>();
        if (includeSet.Count > 1 && includeSet.Contains("*"))
        {
            errors.Add(IncludesStarMessage);
        }

        if (excludeSet.Contains("*"))
        {
            errors.Add(ExcludesStarMessage);
        }

        foreach (var item in excludeSet.OrderBy(x => x, StringComparer.Ordinal))
        {
            if (includeSet.Contains(item))
            {
                errors.Add(ExcludesIncludedItemMessagePrefix + item);
            }
        }

        return errors;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"includes: [{string.Join(", ", Includes)}], excludes: [{string.Join(", ", Excludes)}]";

    private static IReadOnlyList<string> Distinct(IEnumerable<string>? items) =>
        items is null ? Array.Empty<string>() : items.Where(x => x is not null).Distinct(StringComparer.Ordinal).ToArray();

    private static List<GlobPattern> CompileAll(IEnumerable<string> patterns)
    {
        var result = new List<GlobPattern>();
        foreach (var p in patterns)
        {
            if (GlobPattern.TryCompile(p, null, out var glob, out _))
            {
                result.Add(glob!);
            }
        }

        return result;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Planning.Matching;

/// <summary>The outcome of expanding namespace wildcard patterns against a backup (Velero 1.18+).</summary>
internal sealed class NamespaceWildcardExpansion
{
    internal NamespaceWildcardExpansion(IReadOnlyList<string> includes, IReadOnlyList<string> excludes, bool includesMatchedNothing)
    {
        Includes = includes;
        Excludes = excludes;
        IncludesMatchedNothing = includesMatchedNothing;
        var excludeSet = new HashSet<string>(excludes, StringComparer.Ordinal);
        Selected = includes.Where(n => !excludeSet.Contains(n)).ToArray();
    }

    /// <summary>The include list after expansion: literal names plus backup namespaces matched by a pattern, sorted.</summary>
    public IReadOnlyList<string> Includes { get; }

    /// <summary>The exclude list after expansion, sorted.</summary>
    public IReadOnlyList<string> Excludes { get; }

    /// <summary>Includes minus excludes, sorted.</summary>
    public IReadOnlyList<string> Selected { get; }

    /// <summary>
    /// True when there were include patterns but the expanded include list is empty. Velero then treats
    /// the empty list as "everything" (a quirk); our planner treats it as "nothing" and warns.
    /// </summary>
    public bool IncludesMatchedNothing { get; }
}

/// <summary>Velero 1.18 namespace wildcard validation and expansion (docs/velero-compatibility.md#filters-namespaces).</summary>
internal static class NamespaceWildcards
{
    /// <summary>The error for an exclude of exactly <c>*</c>.</summary>
    public const string StarExcludeMessage = "wildcard '*' is not allowed in restore excludes";

    /// <summary>The prefix Velero puts before a validation or compile error during expansion.</summary>
    public const string ExpansionErrorPrefix = "error expanding wildcard patterns in namespace includes/excludes: ";

    /// <summary>True when a pattern contains one of the wildcard characters <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    public static bool ContainsWildcard(string pattern) => pattern.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

    /// <summary>
    /// True when expansion applies: the include list is non-empty, no include is exactly <c>*</c>, and some
    /// include or exclude contains a wildcard character.
    /// </summary>
    public static bool ShouldExpand(IReadOnlyList<string>? includes, IReadOnlyList<string>? excludes)
    {
        if (includes is null || includes.Count == 0 || includes.Any(i => i == "*"))
        {
            return false;
        }

        return includes.Any(ContainsWildcard) || (excludes?.Any(ContainsWildcard) ?? false);
    }

    /// <summary>Checks one pattern; returns the problem, or null when it is acceptable.</summary>
    public static string? Validate(string pattern)
    {
        if (pattern.IndexOfAny("|()!{},".ToCharArray()) >= 0)
        {
            return "wildcard pattern contains unsupported characters: |, (, ), !, {, }, ,";
        }

        if (pattern.Contains("**"))
        {
            return "wildcard pattern contains consecutive asterisks (only single * allowed)";
        }

        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '[')
            {
                int close = pattern.IndexOf(']', i + 1);
                if (close < 0)
                {
                    return "wildcard pattern contains unclosed bracket '['";
                }

                if (close == i + 1)
                {
                    return "wildcard pattern contains empty bracket pattern '[]'";
                }

                i = close;
            }
            else if (pattern[i] == ']')
            {
                return "wildcard pattern contains unmatched closing bracket ']'";
            }
        }

        return null;
    }

    /// <summary>
    /// Expands wildcard patterns against the namespaces present in the backup. Call only when
    /// <see cref="ShouldExpand"/> is true. Returns false with Velero's error text when an exclude is exactly
    /// <c>*</c>, a pattern fails validation, or a pattern does not compile.
    /// </summary>
    public static bool TryExpand(
        IReadOnlyList<string> includes,
        IReadOnlyList<string>? excludes,
        IEnumerable<string> backupNamespaces,
        out NamespaceWildcardExpansion? expansion,
        out string? error)
    {
        expansion = null;
        excludes ??= Array.Empty<string>();
        if (excludes.Any(e => e == "*"))
        {
            error = StarExcludeMessage;
            return false;
        }

        var available = backupNamespaces.Distinct(StringComparer.Ordinal).ToList();
        var expandedIncludes = ExpandList(includes, available, out error);
        if (expandedIncludes is null)
        {
            return false;
        }

        var expandedExcludes = ExpandList(excludes, available, out error);
        if (expandedExcludes is null)
        {
            return false;
        }

        expansion = new NamespaceWildcardExpansion(expandedIncludes, expandedExcludes, includes.Count > 0 && expandedIncludes.Count == 0);
        return true;
    }

    private static List<string>? ExpandList(IReadOnlyList<string> patterns, List<string> available, out string? error)
    {
        error = null;
        foreach (var p in patterns)
        {
            if (Validate(p) is string problem)
            {
                error = ExpansionErrorPrefix + problem;
                return null;
            }
        }

        var matched = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var p in patterns)
        {
            if (!ContainsWildcard(p))
            {
                matched.Add(p);
                continue;
            }

            if (!GlobPattern.TryCompile(p, null, out var glob, out var compileError))
            {
                error = ExpansionErrorPrefix + compileError;
                return null;
            }

            foreach (var ns in available)
            {
                if (glob!.IsMatch(ns))
                {
                    matched.Add(ns);
                }
            }
        }

        return matched.ToList();
    }
}

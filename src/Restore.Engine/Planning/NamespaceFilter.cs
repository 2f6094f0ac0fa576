using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning.Matching;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>
/// The namespace include/exclude filter of a restore (docs/velero-compatibility.md#filters-namespaces), applied to SOURCE namespaces.
/// Entries are Velero globs; an entry written as <c>/regex/</c> is a .NET regular expression (unanchored
/// search). With <see cref="NamespaceMatching.Glob"/> (Velero ≤1.17) each entry is matched directly; with
/// <see cref="NamespaceMatching.Expand"/> (Velero 1.18) wildcard entries are first expanded against the
/// namespaces in the backup, and includes that match nothing select nothing (with a warning).
/// </summary>
internal sealed class NamespaceFilter
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);
    private readonly Func<string, bool>[] includeMatchers;
    private readonly Func<string, bool>[] excludeMatchers;
    private readonly bool includesStar;
    private readonly bool matchesNothing;

    private NamespaceFilter(IReadOnlyList<string> includes, IReadOnlyList<string> excludes, bool matchesNothing, bool expanded)
    {
        Includes = includes;
        Excludes = excludes;
        this.matchesNothing = matchesNothing;
        IsExpanded = expanded;
        includesStar = includes.Contains("*");
        includeMatchers = includes.Select(p => expanded ? Literal(p) : Matcher(p)).ToArray();
        excludeMatchers = excludes.Select(p => expanded ? Literal(p) : Matcher(p)).ToArray();
    }

    /// <summary>The effective include entries (after 1.18 expansion when it applied).</summary>
    public IReadOnlyList<string> Includes { get; }

    /// <summary>The effective exclude entries.</summary>
    public IReadOnlyList<string> Excludes { get; }

    /// <summary>True when 1.18 wildcard expansion replaced the patterns by namespace names.</summary>
    public bool IsExpanded { get; }

    /// <summary>True when the include list is empty or exactly <c>*</c> and nothing is excluded (docs/velero-compatibility.md#cluster-scoped "auto").</summary>
    public bool IncludeEverything =>
        !matchesNothing && Excludes.Count == 0 && (Includes.Count == 0 || (Includes.Count == 1 && Includes[0] == "*"));

    /// <summary>True when an entry is written as a <c>/regex/</c>.</summary>
    public static bool IsRegex(string entry) => entry is not null && entry.Length >= 2 && entry[0] == '/' && entry[entry.Length - 1] == '/';

    /// <summary>Checks one entry; returns the problem, or null when it compiles.</summary>
    public static string? Check(string entry)
    {
        if (IsRegex(entry))
        {
            try
            {
                _ = new Regex(entry.Substring(1, entry.Length - 2), RegexOptions.CultureInvariant, RegexTimeout);
                return null;
            }
            catch (ArgumentException ex)
            {
                return $"invalid namespace regular expression {entry}: {ex.Message}";
            }
        }

        return GlobPattern.TryCompile(entry, null, out _, out var error) ? null : error;
    }

    /// <summary>
    /// Builds the filter for a spec. <paramref name="veleroError"/> is set (and the filter matches nothing)
    /// when 1.18 expansion fails, which aborts a Velero restore; <paramref name="warning"/> when the 1.18
    /// includes matched no namespace of the backup.
    /// </summary>
    public static NamespaceFilter Create(
        IReadOnlyList<string>? includes,
        IReadOnlyList<string>? excludes,
        string matching,
        IEnumerable<string> backupNamespaces,
        out string? veleroError,
        out string? warning)
    {
        veleroError = null;
        warning = null;
        var inc = (includes ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal).ToArray();
        var exc = (excludes ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal).ToArray();
        if (matching != NamespaceMatching.Expand || !ShouldExpand(inc, exc))
        {
            return new NamespaceFilter(inc, exc, false, false);
        }

        var available = (backupNamespaces ?? Array.Empty<string>()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        var globIncludes = inc.Where(e => !IsRegex(e)).ToArray();
        var globExcludes = exc.Where(e => !IsRegex(e)).ToArray();
        var expandedIncludes = new SortedSet<string>(StringComparer.Ordinal);
        var expandedExcludes = new SortedSet<string>(StringComparer.Ordinal);
        if (exc.Contains("*"))
        {
            veleroError = NamespaceWildcards.StarExcludeMessage;
            return new NamespaceFilter(Array.Empty<string>(), Array.Empty<string>(), true, true);
        }

        if (globIncludes.Length > 0 || globExcludes.Length > 0)
        {
            if (!NamespaceWildcards.TryExpand(globIncludes, globExcludes, available, out var expansion, out var error))
            {
                veleroError = error;
                return new NamespaceFilter(Array.Empty<string>(), Array.Empty<string>(), true, true);
            }

            expandedIncludes.UnionWith(expansion!.Includes);
            expandedExcludes.UnionWith(expansion.Excludes);
        }

        foreach (var r in inc.Where(IsRegex))
        {
            expandedIncludes.UnionWith(available.Where(Matcher(r)));
        }

        foreach (var r in exc.Where(IsRegex))
        {
            expandedExcludes.UnionWith(available.Where(Matcher(r)));
        }

        var nothing = expandedIncludes.Count == 0;
        if (nothing)
        {
            warning = $"the namespace include patterns [{string.Join(", ", inc)}] match no namespace in the backup, so no namespaced item is restored (Velero 1.18 would restore every namespace)";
        }

        return new NamespaceFilter(expandedIncludes.ToArray(), expandedExcludes.ToArray(), nothing, true);
    }

    /// <summary>Velero's <c>ShouldInclude</c> on a source namespace.</summary>
    public bool ShouldInclude(string @namespace)
    {
        if (matchesNothing)
        {
            return false;
        }

        foreach (var m in excludeMatchers)
        {
            if (m(@namespace))
            {
                return false;
            }
        }

        if (Includes.Count == 0 || includesStar)
        {
            return true;
        }

        foreach (var m in includeMatchers)
        {
            if (m(@namespace))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when one include or exclude entry (glob or <c>/regex/</c>) matches one of <paramref name="namespaces"/>.</summary>
    public static bool EntryMatchesAny(string entry, IEnumerable<string> namespaces)
    {
        var matcher = Matcher(entry);
        return namespaces.Any(matcher);
    }

    /// <inheritdoc />
    public override string ToString() => $"includes: [{string.Join(", ", Includes)}], excludes: [{string.Join(", ", Excludes)}]";

    private static bool ShouldExpand(IReadOnlyList<string> includes, IReadOnlyList<string> excludes) =>
        includes.Count > 0 && !includes.Contains("*")
        && (includes.Any(e => IsRegex(e) || NamespaceWildcards.ContainsWildcard(e)) || excludes.Any(e => IsRegex(e) || NamespaceWildcards.ContainsWildcard(e)));

    private static Func<string, bool> Literal(string name) => ns => string.Equals(ns, name, StringComparison.Ordinal);

    private static Func<string, bool> Matcher(string entry)
    {
        if (IsRegex(entry))
        {
            try
            {
                var regex = new Regex(entry.Substring(1, entry.Length - 2), RegexOptions.CultureInvariant, RegexTimeout);
                return regex.IsMatch;
            }
            catch (ArgumentException)
            {
                return _ => false;
            }
        }

        // Like Velero, a glob that does not compile matches nothing (validation reports it).
        return GlobPattern.TryCompile(entry, null, out var glob, out _) ? glob!.IsMatch : _ => false;
    }
}

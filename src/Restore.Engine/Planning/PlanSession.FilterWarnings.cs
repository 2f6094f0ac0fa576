using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Restore.Engine.Archive;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning.Matching;

namespace Restore.Engine.Planning;

/// <summary>
/// Filters that match nothing. Velero restores nothing for them, silently; a typo then looks like an empty backup
/// and the restore ends Completed with 0 items. Each such filter gets a warning that names it, also when other
/// filters matched something (docs/velero-compatibility.md#unmatched-filters).
/// </summary>
internal sealed partial class PlanSession
{
    private bool[] objectPatternMatched = Array.Empty<bool>();
    private bool[] orSelectorMatched = Array.Empty<bool>();
    private bool selectorMatched;
    private int selectorExamined;

    /// <summary>Resource and namespace entries, checked against what the backup holds.</summary>
    private void WarnUnmatchedListFilters(bool namespaceIncludesWarned)
    {
        foreach (var entry in resourceFilter.Includes.Where(e => e != "*"))
        {
            if (!MatchesAnyResource(entry))
            {
                WarnFilter($"the resource filter includes \"{entry}\", which matches no resource in the backup");
            }
        }

        // Velero's validation adds the non-restorable resources to every restore's excludes: not the user's words.
        var added = new HashSet<string>(RestoreValidator.NonRestorableResources.Select(n => ResourceFilter.Resolve(n, catalog)), StringComparer.Ordinal);
        foreach (var entry in resourceFilter.Excludes.Where(e => e != "*" && !added.Contains(e)))
        {
            if (!MatchesAnyResource(entry))
            {
                WarnFilter($"the resource filter excludes \"{entry}\", which matches no resource in the backup");
            }
        }

        var namespaces = contents.GetAllNamespaces().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (!namespaceIncludesWarned)
        {
            foreach (var entry in (spec.IncludedNamespaces ?? new List<string>()).Where(e => e != "*").Distinct(StringComparer.Ordinal))
            {
                if (!NamespaceFilter.EntryMatchesAny(entry, namespaces))
                {
                    WarnFilter($"the namespace filter includes \"{entry}\", which matches no namespace in the backup");
                }
            }
        }

        foreach (var entry in (spec.ExcludedNamespaces ?? new List<string>()).Where(e => e != "*").Distinct(StringComparer.Ordinal))
        {
            if (!NamespaceFilter.EntryMatchesAny(entry, namespaces))
            {
                WarnFilter($"the namespace filter excludes \"{entry}\", which matches no namespace in the backup");
            }
        }

        objectPatternMatched = new bool[objectSelectors.Count];
        orSelectorMatched = new bool[orSelectors.Count];
    }

    private bool MatchesAnyResource(string entry)
    {
        var alone = new IncludeExcludeFilter(new[] { entry }, null);
        return contents.GroupResources.Any(alone.ShouldInclude);
    }

    /// <summary>
    /// Records which item filters an item the resource and namespace filters let through matches; each filter is
    /// looked at alone, so one that matches nothing is found even when another already excludes the item.
    /// </summary>
    private void NoteItemFilters(string gr, BackupItemEntry e, ItemHeader header)
    {
        selectorExamined++;
        if (!selectorMatched && !selector.IsEverything && selector.Matches(header.Labels))
        {
            selectorMatched = true;
        }

        for (var i = 0; i < orSelectorMatched.Length; i++)
        {
            if (!orSelectorMatched[i] && orSelectors[i].Matches(header.Labels))
            {
                orSelectorMatched[i] = true;
            }
        }

        for (var i = 0; i < objectPatternMatched.Length; i++)
        {
            if (!objectPatternMatched[i] && objectSelectors[i].Matches(gr, e.Namespace, e.Name))
            {
                objectPatternMatched[i] = true;
            }
        }
    }

    /// <summary>Label selectors and object patterns, once every item was seen.</summary>
    private void WarnUnmatchedItemFilters()
    {
        var seen = string.Format(CultureInfo.InvariantCulture, "none of the {0} item{1} the resource and namespace filters include", selectorExamined, selectorExamined == 1 ? string.Empty : "s");
        if (!selector.IsEverything && !selectorMatched)
        {
            WarnFilter($"the label selector \"{selector}\" matches {seen}");
        }

        for (var i = 0; i < orSelectorMatched.Length; i++)
        {
            if (!orSelectorMatched[i])
            {
                WarnFilter($"the label selector \"{orSelectors[i]}\" (one of the orLabelSelectors) matches {seen}");
            }
        }

        for (var i = 0; i < objectPatternMatched.Length; i++)
        {
            if (!objectPatternMatched[i])
            {
                WarnFilter($"the object pattern \"{objectSelectors[i].Pattern}\" matches {seen}");
            }
        }
    }

    private void WarnFilter(string warning)
    {
        results.Warnings.AddVelero(warning);
        notes.Add(warning);
    }
}

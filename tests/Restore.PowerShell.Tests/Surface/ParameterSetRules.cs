using System;
using System.Collections.Generic;
using System.Linq;
using Restore.HelpBuilder.Metadata;

namespace Restore.PowerShell.Tests.Surface;

/// <summary>
/// The parameter-set mistakes PowerShell only reports when a user runs the command: two
/// parameters at one position, two remaining-arguments parameters, a default set that does not
/// exist, and two sets PowerShell cannot tell apart.
/// </summary>
public static class ParameterSetRules
{
    /// <summary>Every problem found in <paramref name="cmdlet"/>; empty when its sets are sound.</summary>
    public static IReadOnlyList<string> Problems(CmdletMetadata cmdlet)
    {
        var problems = new List<string>();
        var sets = cmdlet.ParameterSetNames;

        var explicitSets = cmdlet.Parameters.SelectMany(p => p.Sets).Select(s => s.SetName)
            .Where(n => n != CmdletMetadata.AllParameterSets).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (cmdlet.DefaultParameterSetName is { } defaultSet && explicitSets.Count > 0
            && !explicitSets.Contains(defaultSet, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"DefaultParameterSetName '{defaultSet}' is not a set any parameter belongs to ({string.Join(", ", explicitSets)}).");
        }

        if (explicitSets.Count > 1 && cmdlet.DefaultParameterSetName is null)
        {
            problems.Add($"it has {explicitSets.Count} parameter sets but no DefaultParameterSetName; a call naming only shared parameters would be ambiguous.");
        }

        foreach (var parameter in cmdlet.Parameters)
        {
            var duplicates = parameter.Sets.GroupBy(s => s.SetName, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key);
            foreach (var duplicate in duplicates)
            {
                problems.Add($"-{parameter.Name} has more than one [Parameter] for set '{duplicate}'.");
            }
        }

        foreach (var set in sets)
        {
            var members = cmdlet.ParametersInSet(set);
            foreach (var clash in members.Where(m => m.Membership.Position.HasValue).GroupBy(m => m.Membership.Position!.Value).Where(g => g.Count() > 1))
            {
                problems.Add($"set '{set}': position {clash.Key} is taken by {string.Join(" and ", clash.Select(m => "-" + m.Parameter.Name))}.");
            }

            var remaining = members.Where(m => m.Membership.ValueFromRemainingArguments).ToList();
            if (remaining.Count > 1)
            {
                problems.Add($"set '{set}': more than one parameter takes the remaining arguments ({string.Join(", ", remaining.Select(m => "-" + m.Parameter.Name))}).");
            }

            var byValue = members.Where(m => m.Membership.ValueFromPipeline).GroupBy(m => m.Parameter.TypeFullName, StringComparer.Ordinal).Where(g => g.Count() > 1);
            foreach (var clash in byValue)
            {
                problems.Add($"set '{set}': {string.Join(" and ", clash.Select(m => "-" + m.Parameter.Name))} both take whole pipeline objects of type {clash.Key}.");
            }
        }

        for (var i = 0; i < sets.Count; i++)
        {
            for (var j = i + 1; j < sets.Count; j++)
            {
                problems.AddRange(Indistinguishable(cmdlet, sets[i], sets[j]));
            }
        }

        return problems;
    }

    /// <summary>
    /// A set can be chosen over another when the user can name a parameter only it has, or when
    /// naming just its own parameters leaves the other set with a mandatory parameter unbound
    /// (PowerShell then prefers the satisfied set), or when it is the default set.
    /// </summary>
    private static IEnumerable<string> Indistinguishable(CmdletMetadata cmdlet, string a, string b)
    {
        var inA = cmdlet.ParametersInSet(a);
        var inB = cmdlet.ParametersInSet(b);
        if (!CanChoose(cmdlet, a, inA, inB))
        {
            yield return $"sets '{a}' and '{b}': no call can select '{a}' ({Describe(inA)} versus {Describe(inB)}); give '{a}' a parameter of its own or a mandatory parameter '{b}' lacks.";
        }

        if (!CanChoose(cmdlet, b, inB, inA))
        {
            yield return $"sets '{b}' and '{a}': no call can select '{b}' ({Describe(inB)} versus {Describe(inA)}); give '{b}' a parameter of its own or a mandatory parameter '{a}' lacks.";
        }
    }

    private static bool CanChoose(
        CmdletMetadata cmdlet,
        string set,
        IReadOnlyList<(ParameterMetadata Parameter, ParameterSetMembership Membership)> own,
        IReadOnlyList<(ParameterMetadata Parameter, ParameterSetMembership Membership)> other)
    {
        var otherNames = new HashSet<string>(other.Select(m => m.Parameter.Name), StringComparer.OrdinalIgnoreCase);
        var ownNames = new HashSet<string>(own.Select(m => m.Parameter.Name), StringComparer.OrdinalIgnoreCase);
        if (own.Any(m => !otherNames.Contains(m.Parameter.Name)))
        {
            return true;
        }

        if (string.Equals(set, cmdlet.DefaultParameterSetName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return other.Any(m => m.Membership.Mandatory && !ownNames.Contains(m.Parameter.Name));
    }

    private static string Describe(IReadOnlyList<(ParameterMetadata Parameter, ParameterSetMembership Membership)> members) =>
        members.Count == 0 ? "no parameters" : string.Join(" ", members.Select(m => (m.Membership.Mandatory ? "-" : "[-") + m.Parameter.Name + (m.Membership.Mandatory ? string.Empty : "]")));
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.HelpBuilder.Metadata;

/// <summary>What PowerShell will see of one cmdlet class, read without loading it.</summary>
public sealed class CmdletMetadata
{
    /// <summary>The parameter set name PowerShell uses for parameters that belong to every set.</summary>
    public const string AllParameterSets = "__AllParameterSets";

    /// <summary>Creates the description of one cmdlet.</summary>
    public CmdletMetadata(
        string verb,
        string noun,
        string typeFullName,
        string? defaultParameterSetName,
        bool supportsShouldProcess,
        string confirmImpact,
        bool supportsPaging,
        string? helpUri,
        IReadOnlyList<OutputTypeMetadata> outputTypes,
        IReadOnlyList<ParameterMetadata> parameters)
    {
        Verb = verb;
        Noun = noun;
        TypeFullName = typeFullName;
        DefaultParameterSetName = defaultParameterSetName;
        SupportsShouldProcess = supportsShouldProcess;
        ConfirmImpact = confirmImpact;
        SupportsPaging = supportsPaging;
        HelpUri = helpUri;
        OutputTypes = outputTypes;
        Parameters = parameters;
    }

    /// <summary>The verb from <c>[Cmdlet]</c>.</summary>
    public string Verb { get; }

    /// <summary>The noun from <c>[Cmdlet]</c>.</summary>
    public string Noun { get; }

    /// <summary>The command name, Verb-Noun.</summary>
    public string Name => Verb + "-" + Noun;

    /// <summary>The full name of the class that implements the cmdlet.</summary>
    public string TypeFullName { get; }

    /// <summary>The default parameter set, when the cmdlet names one.</summary>
    public string? DefaultParameterSetName { get; }

    /// <summary>Whether the cmdlet supports -WhatIf and -Confirm.</summary>
    public bool SupportsShouldProcess { get; }

    /// <summary>The ConfirmImpact name (None, Low, Medium, High).</summary>
    public string ConfirmImpact { get; }

    /// <summary>Whether the cmdlet supports -First, -Skip and -IncludeTotalCount.</summary>
    public bool SupportsPaging { get; }

    /// <summary>The HelpUri from <c>[Cmdlet]</c>, if any.</summary>
    public string? HelpUri { get; }

    /// <summary>The <c>[OutputType]</c> declarations.</summary>
    public IReadOnlyList<OutputTypeMetadata> OutputTypes { get; }

    /// <summary>Every parameter a user can type, including -WhatIf/-Confirm and the paging parameters the cmdlet attribute adds.</summary>
    public IReadOnlyList<ParameterMetadata> Parameters { get; }

    /// <summary>
    /// The named parameter sets, default first; a cmdlet that names none has the single set
    /// <see cref="AllParameterSets"/>.
    /// </summary>
    public IReadOnlyList<string> ParameterSetNames
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Sets).Select(s => s.SetName)
                .Where(n => n != AllParameterSets).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (DefaultParameterSetName is not null && DefaultParameterSetName != AllParameterSets
                && !named.Contains(DefaultParameterSetName, StringComparer.OrdinalIgnoreCase))
            {
                // PowerShell accepts a default set that no parameter names; it then has only the all-sets parameters.
                named.Add(DefaultParameterSetName);
            }

            if (named.Count == 0)
            {
                return new[] { AllParameterSets };
            }

            return named.OrderBy(n => string.Equals(n, DefaultParameterSetName, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ThenBy(n => n, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The parameters of one set with their membership in it (all-sets parameters included).</summary>
    public IReadOnlyList<(ParameterMetadata Parameter, ParameterSetMembership Membership)> ParametersInSet(string setName)
    {
        var result = new List<(ParameterMetadata, ParameterSetMembership)>();
        foreach (var parameter in Parameters)
        {
            var membership = parameter.Sets.FirstOrDefault(s => string.Equals(s.SetName, setName, StringComparison.OrdinalIgnoreCase))
                ?? parameter.Sets.FirstOrDefault(s => s.SetName == AllParameterSets);
            if (membership is not null)
            {
                result.Add((parameter, membership));
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>One parameter of a cmdlet.</summary>
public sealed class ParameterMetadata
{
    /// <summary>Creates the description of one parameter.</summary>
    public ParameterMetadata(
        string name,
        string typeFullName,
        string typeDisplayName,
        bool isSwitch,
        IReadOnlyList<string> aliases,
        bool supportsWildcards,
        string? defaultValue,
        IReadOnlyList<string> validValues,
        bool addedByCmdletAttribute,
        IReadOnlyList<ParameterSetMembership> sets)
    {
        Name = name;
        TypeFullName = typeFullName;
        TypeDisplayName = typeDisplayName;
        IsSwitch = isSwitch;
        Aliases = aliases;
        SupportsWildcards = supportsWildcards;
        DefaultValue = defaultValue;
        ValidValues = validValues;
        AddedByCmdletAttribute = addedByCmdletAttribute;
        Sets = sets;
    }

    /// <summary>The parameter name without the dash.</summary>
    public string Name { get; }

    /// <summary>The full .NET type name, e.g. <c>System.String[]</c>.</summary>
    public string TypeFullName { get; }

    /// <summary>The short type name help shows, e.g. <c>String[]</c>.</summary>
    public string TypeDisplayName { get; }

    /// <summary>Whether the parameter is a SwitchParameter.</summary>
    public bool IsSwitch { get; }

    /// <summary>Aliases from <c>[Alias]</c>.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>Whether the parameter has <c>[SupportsWildcards]</c>.</summary>
    public bool SupportsWildcards { get; }

    /// <summary>The default from <c>[PSDefaultValue]</c>; null when the code does not state one.</summary>
    public string? DefaultValue { get; }

    /// <summary>Values from <c>[ValidateSet]</c>, or the names of an enum type.</summary>
    public IReadOnlyList<string> ValidValues { get; }

    /// <summary>True for -WhatIf, -Confirm and the paging parameters, which PowerShell adds from the cmdlet attribute.</summary>
    public bool AddedByCmdletAttribute { get; }

    /// <summary>One entry per <c>[Parameter]</c> attribute.</summary>
    public IReadOnlyList<ParameterSetMembership> Sets { get; }

    /// <summary>Whether the parameter belongs to every parameter set.</summary>
    public bool IsInAllSets => Sets.Any(s => s.SetName == CmdletMetadata.AllParameterSets);

    /// <inheritdoc />
    public override string ToString() => "-" + Name;
}

/// <summary>One <c>[Parameter]</c> attribute: how a parameter takes part in one parameter set.</summary>
public sealed class ParameterSetMembership
{
    /// <summary>Creates a membership.</summary>
    public ParameterSetMembership(
        string setName,
        bool mandatory,
        int? position,
        bool valueFromPipeline,
        bool valueFromPipelineByPropertyName,
        bool valueFromRemainingArguments,
        bool dontShow)
    {
        SetName = setName;
        Mandatory = mandatory;
        Position = position;
        ValueFromPipeline = valueFromPipeline;
        ValueFromPipelineByPropertyName = valueFromPipelineByPropertyName;
        ValueFromRemainingArguments = valueFromRemainingArguments;
        DontShow = dontShow;
    }

    /// <summary>The set name, or <see cref="CmdletMetadata.AllParameterSets"/>.</summary>
    public string SetName { get; }

    /// <summary>Whether the parameter is mandatory in this set.</summary>
    public bool Mandatory { get; }

    /// <summary>The position, or null when the parameter is named only.</summary>
    public int? Position { get; }

    /// <summary>Takes whole pipeline objects.</summary>
    public bool ValueFromPipeline { get; }

    /// <summary>Takes a property of pipeline objects.</summary>
    public bool ValueFromPipelineByPropertyName { get; }

    /// <summary>Takes the remaining arguments.</summary>
    public bool ValueFromRemainingArguments { get; }

    /// <summary>Hidden from tab completion.</summary>
    public bool DontShow { get; }
}

/// <summary>One type named by <c>[OutputType]</c>.</summary>
public sealed class OutputTypeMetadata
{
    /// <summary>Creates an output type entry.</summary>
    public OutputTypeMetadata(string typeFullName, string? assemblyName, bool declaredByName, IReadOnlyList<string> parameterSetNames)
    {
        TypeFullName = typeFullName;
        AssemblyName = assemblyName;
        DeclaredByName = declaredByName;
        ParameterSetNames = parameterSetNames;
    }

    /// <summary>The full type name.</summary>
    public string TypeFullName { get; }

    /// <summary>The simple name of the assembly that defines the type; null when it was declared by a string.</summary>
    public string? AssemblyName { get; }

    /// <summary>True when the attribute names the type by a string instead of <c>typeof</c>.</summary>
    public bool DeclaredByName { get; }

    /// <summary>The parameter sets the declaration is limited to; empty means all.</summary>
    public IReadOnlyList<string> ParameterSetNames { get; }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.HelpBuilder.Markdown;

/// <summary>One cmdlet help page in platyPS layout, as written in docs/&lt;Verb-Noun&gt;.md.</summary>
public sealed class CommandHelpDocument
{
    /// <summary>The file the page was read from.</summary>
    public string SourcePath { get; init; } = string.Empty;

    /// <summary>The command name from the level-1 heading.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Key/value pairs of the YAML front matter (<c>online version</c>, <c>Module Name</c>...).</summary>
    public IReadOnlyDictionary<string, string> FrontMatter { get; init; } = new Dictionary<string, string>();

    /// <summary>The SYNOPSIS text (markdown).</summary>
    public string Synopsis { get; init; } = string.Empty;

    /// <summary>The DESCRIPTION text (markdown).</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The EXAMPLES, in order.</summary>
    public IReadOnlyList<HelpExample> Examples { get; init; } = Array.Empty<HelpExample>();

    /// <summary>The PARAMETERS sections, in order (CommonParameters excluded).</summary>
    public IReadOnlyList<ParameterHelp> Parameters { get; init; } = Array.Empty<ParameterHelp>();

    /// <summary>Whether the page has the <c>### CommonParameters</c> section.</summary>
    public bool MentionsCommonParameters { get; init; }

    /// <summary>The INPUTS entries.</summary>
    public IReadOnlyList<TypeHelp> Inputs { get; init; } = Array.Empty<TypeHelp>();

    /// <summary>The OUTPUTS entries.</summary>
    public IReadOnlyList<TypeHelp> Outputs { get; init; } = Array.Empty<TypeHelp>();

    /// <summary>The NOTES text (markdown).</summary>
    public string Notes { get; init; } = string.Empty;

    /// <summary>The RELATED LINKS entries.</summary>
    public IReadOnlyList<RelatedLink> RelatedLinks { get; init; } = Array.Empty<RelatedLink>();

    /// <summary>The level-2 headings in the order they appear.</summary>
    public IReadOnlyList<string> Sections { get; init; } = Array.Empty<string>();

    /// <summary>The section for <paramref name="parameterName"/> (case-insensitive, without the dash), or null.</summary>
    public ParameterHelp? FindParameter(string parameterName) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, parameterName, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One <c>### Example</c> section.</summary>
public sealed class HelpExample
{
    /// <summary>Creates an example.</summary>
    public HelpExample(string title, string code, string remarks)
    {
        Title = title;
        Code = code;
        Remarks = remarks;
    }

    /// <summary>The heading text, e.g. <c>Example 1: List the backups in a folder</c>.</summary>
    public string Title { get; }

    /// <summary>The code of every fenced block, separated by blank lines.</summary>
    public string Code { get; }

    /// <summary>Everything else in the section (markdown).</summary>
    public string Remarks { get; }
}

/// <summary>One <c>### -Name</c> section.</summary>
public sealed class ParameterHelp
{
    /// <summary>Creates a parameter section.</summary>
    public ParameterHelp(string name, string description, IReadOnlyDictionary<string, string> yaml)
    {
        Name = name;
        Description = description;
        Yaml = yaml;
    }

    /// <summary>The parameter name without the dash.</summary>
    public string Name { get; }

    /// <summary>The prose (markdown).</summary>
    public string Description { get; }

    /// <summary>The platyPS yaml block, if the page has one (Type, Required, Default value...).</summary>
    public IReadOnlyDictionary<string, string> Yaml { get; }
}

/// <summary>One INPUTS or OUTPUTS entry.</summary>
public sealed class TypeHelp
{
    /// <summary>Creates an entry.</summary>
    public TypeHelp(string typeName, string description)
    {
        TypeName = typeName;
        Description = description;
    }

    /// <summary>The type name from the heading (or <c>None</c>).</summary>
    public string TypeName { get; }

    /// <summary>The prose (markdown).</summary>
    public string Description { get; }
}

/// <summary>One RELATED LINKS entry.</summary>
public sealed class RelatedLink
{
    /// <summary>Creates a link.</summary>
    public RelatedLink(string text, string? uri)
    {
        Text = text;
        Uri = uri;
    }

    /// <summary>The link text (a command name or a title).</summary>
    public string Text { get; }

    /// <summary>An absolute URI, or null for links to other help pages.</summary>
    public string? Uri { get; }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using Restore.HelpBuilder.Markdown;
using Restore.HelpBuilder.Metadata;

namespace Restore.HelpBuilder.Maml;

/// <summary>
/// Builds the MAML document PowerShell's Get-Help reads for binary cmdlets
/// (<c>&lt;Assembly&gt;.dll-Help.xml</c>): prose from the markdown page, syntax and parameter
/// attributes from the assembly.
/// </summary>
public static class MamlWriter
{
    /// <summary>The default namespace of the helpItems root.</summary>
    public static readonly XNamespace Msh = "http://msh";

    /// <summary>The maml namespace.</summary>
    public static readonly XNamespace MamlNs = "http://schemas.microsoft.com/maml/2004/10";

    /// <summary>The command namespace.</summary>
    public static readonly XNamespace CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";

    /// <summary>The dev namespace.</summary>
    public static readonly XNamespace DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static readonly XNamespace MsHelpNs = "http://msdn.microsoft.com/mshelp";

    /// <summary>
    /// One <c>command:command</c> per cmdlet, in the order given. A cmdlet without a page still
    /// gets syntax and parameters, so Get-Help shows something rather than nothing.
    /// </summary>
    public static XDocument Build(IEnumerable<CmdletMetadata> cmdlets, IReadOnlyDictionary<string, CommandHelpDocument> pages)
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"));
        foreach (var cmdlet in cmdlets)
        {
            pages.TryGetValue(cmdlet.Name, out var page);
            root.Add(Command(cmdlet, page));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static XElement Command(CmdletMetadata cmdlet, CommandHelpDocument? page)
    {
        var parameterOrder = OrderParameters(cmdlet, page);
        return new XElement(
            CommandNs + "command",
            new XAttribute(XNamespace.Xmlns + "maml", MamlNs),
            new XAttribute(XNamespace.Xmlns + "command", CommandNs),
            new XAttribute(XNamespace.Xmlns + "dev", DevNs),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelpNs),
            new XElement(
                CommandNs + "details",
                new XElement(CommandNs + "name", cmdlet.Name),
                new XElement(CommandNs + "verb", cmdlet.Verb),
                new XElement(CommandNs + "noun", cmdlet.Noun),
                Description(page?.Synopsis)),
            Description(page?.Description),
            new XElement(CommandNs + "syntax", cmdlet.ParameterSetNames.Select(set => SyntaxItem(cmdlet, set, page))),
            new XElement(CommandNs + "parameters", parameterOrder.Select(p => Parameter(p, p.Sets, page?.FindParameter(p.Name), includeValueGroup: false))),
            new XElement(CommandNs + "inputTypes", (page?.Inputs ?? Array.Empty<TypeHelp>()).Select(t => TypeEntry(CommandNs + "inputType", t))),
            new XElement(
                CommandNs + "returnValues",
                ReturnTypes(cmdlet, page).Select(t => TypeEntry(CommandNs + "returnValue", t))),
            new XElement(MamlNs + "alertSet", new XElement(MamlNs + "alert", Paragraphs(page?.Notes))),
            new XElement(CommandNs + "examples", (page?.Examples ?? Array.Empty<HelpExample>()).Select(Example)),
            new XElement(CommandNs + "relatedLinks", RelatedLinks(cmdlet, page)));
    }

    private static XElement SyntaxItem(CmdletMetadata cmdlet, string setName, CommandHelpDocument? page)
    {
        // PowerShell's own syntax order: positional parameters by position, then the rest as declared.
        var members = cmdlet.ParametersInSet(setName)
            .Where(m => !m.Membership.DontShow)
            .OrderBy(m => m.Membership.Position ?? int.MaxValue)
            .ToList();
        return new XElement(
            CommandNs + "syntaxItem",
            new XElement(MamlNs + "name", cmdlet.Name),
            members.Select(m => Parameter(m.Parameter, new[] { m.Membership }, page?.FindParameter(m.Parameter.Name), includeValueGroup: true)));
    }

    private static XElement Parameter(ParameterMetadata parameter, IReadOnlyList<ParameterSetMembership> sets, ParameterHelp? help, bool includeValueGroup)
    {
        var required = sets.Count > 0 && sets.All(s => s.Mandatory);
        var position = sets.Select(s => s.Position).FirstOrDefault(p => p.HasValue);
        var element = new XElement(
            CommandNs + "parameter",
            new XAttribute("required", Bool(required)),
            new XAttribute("variableLength", Bool(parameter.TypeFullName.EndsWith("[]", StringComparison.Ordinal))),
            new XAttribute("globbing", Bool(parameter.SupportsWildcards)),
            new XAttribute("pipelineInput", PipelineInput(sets)),
            new XAttribute("position", position.HasValue ? position.Value.ToString(CultureInfo.InvariantCulture) : "named"),
            new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
            new XElement(MamlNs + "name", parameter.Name),
            Description(help?.Description));

        if (includeValueGroup && parameter.ValidValues.Count > 0)
        {
            element.Add(new XElement(
                CommandNs + "parameterValueGroup",
                parameter.ValidValues.Select(v => new XElement(
                    CommandNs + "parameterValue",
                    new XAttribute("required", "false"),
                    new XAttribute(CommandNs + "variableLength", "false"),
                    v))));
        }
        else if (!(includeValueGroup && parameter.IsSwitch))
        {
            // Syntax lines show a switch without a value; the parameter list still names its type.
            element.Add(new XElement(
                CommandNs + "parameterValue",
                new XAttribute("required", Bool(!parameter.IsSwitch)),
                new XAttribute("variableLength", "false"),
                parameter.TypeDisplayName));
        }

        element.Add(
            new XElement(DevNs + "type", new XElement(MamlNs + "name", parameter.TypeFullName), new XElement(MamlNs + "uri")),
            new XElement(DevNs + "defaultValue", DefaultValue(parameter, help)));
        return element;
    }

    private static string DefaultValue(ParameterMetadata parameter, ParameterHelp? help)
    {
        if (parameter.DefaultValue is not null)
        {
            return parameter.DefaultValue;
        }

        // The assembly cannot say what a constructor assigns; the page's yaml block may.
        if (help is not null && help.Yaml.TryGetValue("Default value", out var fromPage) && fromPage.Length > 0)
        {
            return fromPage;
        }

        return "None";
    }

    private static string PipelineInput(IReadOnlyList<ParameterSetMembership> sets)
    {
        var byValue = sets.Any(s => s.ValueFromPipeline);
        var byProperty = sets.Any(s => s.ValueFromPipelineByPropertyName);
        return (byValue, byProperty) switch
        {
            (true, true) => "True (ByPropertyName, ByValue)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
    }

    private static IEnumerable<ParameterMetadata> OrderParameters(CmdletMetadata cmdlet, CommandHelpDocument? page)
    {
        // The page's order is the author's choice; parameters it lacks follow by name.
        var documented = page?.Parameters.Select(p => p.Name).ToList() ?? new List<string>();
        return cmdlet.Parameters
            .OrderBy(p =>
            {
                var index = documented.FindIndex(d => string.Equals(d, p.Name, StringComparison.OrdinalIgnoreCase));
                return index < 0 ? int.MaxValue : index;
            })
            .ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    private static IEnumerable<TypeHelp> ReturnTypes(CmdletMetadata cmdlet, CommandHelpDocument? page)
    {
        if (page is not null && page.Outputs.Count > 0)
        {
            return page.Outputs;
        }

        return cmdlet.OutputTypes.Select(o => o.TypeFullName).Distinct(StringComparer.Ordinal).Select(t => new TypeHelp(t, string.Empty));
    }

    private static XElement TypeEntry(XName name, TypeHelp type) =>
        new(
            name,
            new XElement(DevNs + "type", new XElement(MamlNs + "name", type.TypeName)),
            Description(type.Description));

    private static XElement Example(HelpExample example) =>
        new(
            CommandNs + "example",
            new XElement(MamlNs + "title", $"-------------------------- {example.Title} --------------------------"),
            new XElement(DevNs + "code", example.Code),
            new XElement(DevNs + "remarks", Paragraphs(example.Remarks)));

    private static IEnumerable<XElement> RelatedLinks(CmdletMetadata cmdlet, CommandHelpDocument? page)
    {
        var online = page?.FrontMatter.TryGetValue("online version", out var v) == true && MarkdownText.IsAbsoluteUri(v!) ? v : cmdlet.HelpUri;
        if (!string.IsNullOrEmpty(online))
        {
            yield return Link("Online Version:", online);
        }

        foreach (var link in page?.RelatedLinks ?? Array.Empty<RelatedLink>())
        {
            yield return Link(link.Text, link.Uri ?? string.Empty);
        }
    }

    private static XElement Link(string text, string uri) =>
        new(MamlNs + "navigationLink", new XElement(MamlNs + "linkText", text), new XElement(MamlNs + "uri", uri));

    private static XElement Description(string? markdown) => new(MamlNs + "description", Paragraphs(markdown));

    private static IEnumerable<XElement> Paragraphs(string? markdown) =>
        MarkdownText.ToParagraphs(markdown ?? string.Empty).Select(p => new XElement(MamlNs + "para", p));

    private static string Bool(bool value) => value ? "true" : "false";
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Restore.HelpBuilder.Markdown;

/// <summary>A help page that does not follow the platyPS layout; the message names the file and the problem.</summary>
public sealed class HelpFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HelpFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HelpFormatException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public HelpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Reads a cmdlet help page in platyPS layout: front matter, <c># Name</c>, then the level-2
/// sections SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES and
/// RELATED LINKS. SYNTAX is ignored: the generated help takes syntax from the assembly.
/// </summary>
public static class CommandHelpParser
{
    /// <summary>The level-2 sections a page must have, in order.</summary>
    public static readonly IReadOnlyList<string> RequiredSections = new[]
    {
        "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS",
    };

    /// <summary>Reads and parses one file.</summary>
    public static CommandHelpDocument ParseFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses page text; <paramref name="sourcePath"/> is used in error messages.</summary>
    /// <exception cref="HelpFormatException">The page has no title, a section is missing or out of order, or a section is malformed.</exception>
    public static CommandHelpDocument Parse(string markdown, string sourcePath)
    {
        var lines = MarkdownText.SplitLines(markdown).ToList();
        var frontMatter = ReadFrontMatter(lines, out var bodyStart);
        var (title, sections) = SplitSections(lines, bodyStart, sourcePath);

        var order = sections.Select(s => s.Heading).ToList();
        var unknown = order.Where(h => !RequiredSections.Contains(h, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new HelpFormatException($"{sourcePath}: unknown section(s) {string.Join(", ", unknown.Select(u => "'## " + u + "'"))}; expected {string.Join(", ", RequiredSections)}.");
        }

        var missing = RequiredSections.Where(r => !order.Contains(r, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new HelpFormatException($"{sourcePath}: missing section(s) {string.Join(", ", missing.Select(m => "'## " + m + "'"))}.");
        }

        if (!order.SequenceEqual(RequiredSections, StringComparer.Ordinal))
        {
            throw new HelpFormatException($"{sourcePath}: sections are out of order or repeated ({string.Join(", ", order)}); expected {string.Join(", ", RequiredSections)}.");
        }

        Section Get(string name) => sections.First(s => s.Heading == name);

        var parameters = new List<ParameterHelp>();
        var mentionsCommon = false;
        foreach (var sub in Get("PARAMETERS").Subsections(sourcePath))
        {
            if (string.Equals(sub.Heading, "CommonParameters", StringComparison.OrdinalIgnoreCase))
            {
                mentionsCommon = true;
                continue;
            }

            if (!sub.Heading.StartsWith('-') || sub.Heading.Length < 2 || sub.Heading.Contains(' ', StringComparison.Ordinal))
            {
                throw new HelpFormatException($"{sourcePath}: parameter heading '### {sub.Heading}' must be '### -Name'.");
            }

            var name = sub.Heading.Substring(1);
            if (parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new HelpFormatException($"{sourcePath}: parameter -{name} is documented twice.");
            }

            parameters.Add(ReadParameter(name, sub.Body));
        }

        return new CommandHelpDocument
        {
            SourcePath = sourcePath,
            Name = title,
            FrontMatter = frontMatter,
            Synopsis = Get("SYNOPSIS").Text,
            Description = Get("DESCRIPTION").Text,
            Examples = Get("EXAMPLES").Subsections(sourcePath).Select(s => ReadExample(s.Heading, s.Body)).ToList(),
            Parameters = parameters,
            MentionsCommonParameters = mentionsCommon,
            Inputs = Get("INPUTS").Subsections(sourcePath).Select(s => new TypeHelp(s.Heading, Join(s.Body))).ToList(),
            Outputs = Get("OUTPUTS").Subsections(sourcePath).Select(s => new TypeHelp(s.Heading, Join(s.Body))).ToList(),
            Notes = Get("NOTES").Text,
            RelatedLinks = ReadLinks(Get("RELATED LINKS").Lines),
            Sections = order,
        };
    }

    private static Dictionary<string, string> ReadFrontMatter(List<string> lines, out int bodyStart)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        bodyStart = 0;
        if (lines.Count == 0 || lines[0].Trim() != "---")
        {
            return result;
        }

        for (var i = 1; i < lines.Count; i++)
        {
            if (lines[i].Trim() == "---")
            {
                bodyStart = i + 1;
                return result;
            }

            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                result[lines[i].Substring(0, colon).Trim()] = lines[i].Substring(colon + 1).Trim();
            }
        }

        return result;
    }

    private static (string Title, List<Section> Sections) SplitSections(List<string> lines, int start, string sourcePath)
    {
        string? title = null;
        var sections = new List<Section>();
        Section? current = null;
        var inFence = false;
        for (var i = start; i < lines.Count; i++)
        {
            var line = lines[i];
            if (MarkdownText.IsFence(line, out _))
            {
                inFence = !inFence;
            }

            if (!inFence && line.StartsWith("# ", StringComparison.Ordinal))
            {
                if (title is not null)
                {
                    throw new HelpFormatException($"{sourcePath}: more than one '# ' title.");
                }

                title = line.Substring(2).Trim();
                continue;
            }

            if (!inFence && line.StartsWith("## ", StringComparison.Ordinal))
            {
                current = new Section(line.Substring(3).Trim().ToUpperInvariant());
                sections.Add(current);
                continue;
            }

            if (current is null)
            {
                if (line.Trim().Length > 0 && title is null)
                {
                    throw new HelpFormatException($"{sourcePath}: text before the '# Name' title: '{line.Trim()}'.");
                }

                continue;
            }

            current.Lines.Add(line);
        }

        if (string.IsNullOrWhiteSpace(title))
        {
            throw new HelpFormatException($"{sourcePath}: no '# Verb-Noun' title.");
        }

        return (title, sections);
    }

    private static HelpExample ReadExample(string title, List<string> body)
    {
        var code = new List<string>();
        var remarks = new StringBuilder();
        var inFence = false;
        var block = new List<string>();
        foreach (var line in body)
        {
            if (MarkdownText.IsFence(line, out _))
            {
                if (inFence)
                {
                    code.Add(string.Join("\n", block));
                    block.Clear();
                }

                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                block.Add(line);
            }
            else
            {
                remarks.Append(line).Append('\n');
            }
        }

        return new HelpExample(title, string.Join("\n\n", code).Trim('\n'), remarks.ToString().Trim());
    }

    private static ParameterHelp ReadParameter(string name, List<string> body)
    {
        var description = new List<string>();
        var yaml = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < body.Count; i++)
        {
            if (MarkdownText.IsFence(body[i], out var info) && info.Equals("yaml", StringComparison.OrdinalIgnoreCase))
            {
                for (i++; i < body.Count && !MarkdownText.IsFence(body[i], out _); i++)
                {
                    var colon = body[i].IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        yaml[body[i].Substring(0, colon).Trim()] = body[i].Substring(colon + 1).Trim();
                    }
                }

                continue;
            }

            description.Add(body[i]);
        }

        return new ParameterHelp(name, Join(description), yaml);
    }

    private static List<RelatedLink> ReadLinks(List<string> lines)
    {
        var links = new List<RelatedLink>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal))
            {
                line = line.Substring(2).Trim();
            }

            var open = line.IndexOf("](", StringComparison.Ordinal);
            if (line.StartsWith('[') && open > 0 && line.EndsWith(')'))
            {
                var text = line.Substring(1, open - 1);
                var target = line.Substring(open + 2, line.Length - open - 3).Trim();
                links.Add(new RelatedLink(text, MarkdownText.IsAbsoluteUri(target) ? target : null));
            }
            else
            {
                links.Add(new RelatedLink(MarkdownText.Inline(line), null));
            }
        }

        return links;
    }

    private static string Join(List<string> lines) => string.Join("\n", lines).Trim();

    private sealed class Section
    {
        public Section(string heading) => Heading = heading;

        public string Heading { get; }

        public List<string> Lines { get; } = new();

        public string Text => Join(Lines);

        public List<(string Heading, List<string> Body)> Subsections(string sourcePath)
        {
            var result = new List<(string, List<string>)>();
            List<string>? body = null;
            var inFence = false;
            foreach (var line in Lines)
            {
                if (MarkdownText.IsFence(line, out _))
                {
                    inFence = !inFence;
                }

                if (!inFence && line.StartsWith("### ", StringComparison.Ordinal))
                {
                    body = new List<string>();
                    result.Add((line.Substring(4).Trim(), body));
                    continue;
                }

                if (body is null)
                {
                    if (line.Trim().Length > 0)
                    {
                        throw new HelpFormatException($"{sourcePath}: text in '## {Heading}' before its first '### ' heading: '{line.Trim()}'.");
                    }

                    continue;
                }

                body.Add(line);
            }

            return result;
        }
    }
}

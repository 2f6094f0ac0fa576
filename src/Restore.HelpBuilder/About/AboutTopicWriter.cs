using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Restore.HelpBuilder.Markdown;

namespace Restore.HelpBuilder.About;

/// <summary>
/// Turns docs/about_*.md into the plain-text <c>about_*.help.txt</c> that <c>Get-Help about_X</c>
/// prints: <c>TOPIC</c>, then each <c>##</c> heading in capitals with its text indented and wrapped.
/// </summary>
public static class AboutTopicWriter
{
    /// <summary>The wrap width; Get-Help prints the file as it is.</summary>
    public const int Width = 80;

    /// <summary>
    /// Converts one about page. The page must start with <c># about_Name</c> and have
    /// <c>## SHORT DESCRIPTION</c> and <c>## LONG DESCRIPTION</c> sections.
    /// </summary>
    /// <exception cref="HelpFormatException">The page lacks its title or a required section.</exception>
    public static string Convert(string markdown, string sourcePath)
    {
        var blocks = MarkdownText.ParseBlocks(StripFrontMatter(markdown));
        var title = blocks.FirstOrDefault(b => b.Kind == MarkdownBlockKind.Heading && b.Level == 1)?.Text;
        if (title is null || !title.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpFormatException($"{sourcePath}: an about page must start with '# about_Name'.");
        }

        var sections = blocks.Where(b => b.Kind == MarkdownBlockKind.Heading && b.Level == 2).Select(b => b.Text.ToUpperInvariant()).ToList();
        foreach (var required in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION" })
        {
            if (!sections.Contains(required))
            {
                throw new HelpFormatException($"{sourcePath}: missing section '## {required}'.");
            }
        }

        var text = new StringBuilder();
        text.Append("TOPIC\n    ").Append(title).Append('\n');
        MarkdownBlock? previous = null;
        foreach (var block in blocks)
        {
            if (previous?.Kind == MarkdownBlockKind.ListItem && block.Kind != MarkdownBlockKind.ListItem)
            {
                text.Append('\n');
            }

            previous = block;
            switch (block.Kind)
            {
                case MarkdownBlockKind.Heading when block.Level == 1:
                    break;
                case MarkdownBlockKind.Heading when block.Level == 2:
                    text.Append('\n').Append(block.Text.ToUpperInvariant()).Append('\n');
                    break;
                case MarkdownBlockKind.Heading:
                    text.Append('\n').Append("  ").Append(MarkdownText.Inline(block.Text)).Append('\n');
                    break;
                case MarkdownBlockKind.Paragraph:
                    AppendLines(text, MarkdownText.Wrap(MarkdownText.Inline(block.Text), Width, "    ", "    "));
                    text.Append('\n');
                    break;
                case MarkdownBlockKind.ListItem:
                    var marker = char.IsDigit(block.Marker[0]) ? block.Marker : "-";
                    var hanging = new string(' ', 4 + marker.Length + 1);
                    AppendLines(text, MarkdownText.Wrap(MarkdownText.Inline(block.Text), Width, "    " + marker + " ", hanging));
                    break;
                case MarkdownBlockKind.Code:
                    AppendLines(text, block.Lines.Select(l => l.Length == 0 ? string.Empty : "        " + l));
                    text.Append('\n');
                    break;
                case MarkdownBlockKind.Table:
                    AppendLines(text, FormatTable(block.Lines).Select(l => "    " + l));
                    text.Append('\n');
                    break;
            }
        }

        // Lists end without a blank line of their own; collapse runs of blank lines.
        var normalized = string.Join("\n", CollapseBlankLines(MarkdownText.SplitLines(text.ToString())));
        return normalized.TrimEnd('\n') + "\n";
    }

    private static string StripFrontMatter(string markdown)
    {
        var lines = MarkdownText.SplitLines(markdown);
        if (lines.Count > 0 && lines[0].Trim() == "---")
        {
            for (var i = 1; i < lines.Count; i++)
            {
                if (lines[i].Trim() == "---")
                {
                    return string.Join("\n", lines.Skip(i + 1));
                }
            }
        }

        return markdown;
    }

    private static bool IsTableRule(string row) => row.Trim('|', ' ', '-', ':').Length == 0;

    private static IEnumerable<string> FormatTable(IReadOnlyList<string> rows)
    {
        var cells = rows.Where(r => !IsTableRule(r))
            .Select(r => r.Trim().Trim('|').Split('|').Select(c => MarkdownText.Inline(c.Trim())).ToList())
            .ToList();
        var columns = cells.Max(r => r.Count);
        var widths = Enumerable.Range(0, columns).Select(c => cells.Max(r => c < r.Count ? r[c].Length : 0)).ToList();
        return cells.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))));
    }

    private static void AppendLines(StringBuilder text, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            text.Append(line.TrimEnd()).Append('\n');
        }
    }

    private static IEnumerable<string> CollapseBlankLines(IEnumerable<string> lines)
    {
        var previousBlank = false;
        foreach (var line in lines)
        {
            var blank = line.Trim().Length == 0;
            if (blank && previousBlank)
            {
                continue;
            }

            previousBlank = blank;
            yield return blank ? string.Empty : line;
        }
    }
}

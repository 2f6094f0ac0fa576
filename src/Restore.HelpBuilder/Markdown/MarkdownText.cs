using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Restore.HelpBuilder.Markdown;

/// <summary>The kinds of block our help markdown uses.</summary>
public enum MarkdownBlockKind
{
    /// <summary>A <c>#</c> heading; <see cref="MarkdownBlock.Level"/> says how many.</summary>
    Heading,

    /// <summary>Running text.</summary>
    Paragraph,

    /// <summary>One item of a bulleted or numbered list.</summary>
    ListItem,

    /// <summary>A fenced code block, kept verbatim.</summary>
    Code,

    /// <summary>A pipe table, kept verbatim.</summary>
    Table,
}

/// <summary>One block of markdown.</summary>
public sealed class MarkdownBlock
{
    /// <summary>Creates a block.</summary>
    public MarkdownBlock(MarkdownBlockKind kind, string text, int level = 0, string marker = "", string info = "", IReadOnlyList<string>? lines = null)
    {
        Kind = kind;
        Text = text;
        Level = level;
        Marker = marker;
        Info = info;
        Lines = lines ?? Array.Empty<string>();
    }

    /// <summary>What the block is.</summary>
    public MarkdownBlockKind Kind { get; }

    /// <summary>Heading text, or paragraph/list text joined to one line (markup kept).</summary>
    public string Text { get; }

    /// <summary>Heading level (1 for <c>#</c>).</summary>
    public int Level { get; }

    /// <summary>The list marker (<c>-</c>, <c>1.</c>).</summary>
    public string Marker { get; }

    /// <summary>The info string of a code fence (<c>powershell</c>, <c>yaml</c>).</summary>
    public string Info { get; }

    /// <summary>The verbatim lines of a code block or table.</summary>
    public IReadOnlyList<string> Lines { get; }
}

/// <summary>
/// The small subset of markdown our docs use, turned into blocks and plain text. Not a general
/// markdown engine: headings, paragraphs, lists, fenced code, pipe tables and inline markup.
/// </summary>
public static class MarkdownText
{
    private static readonly Regex Heading = new(@"^(#{1,6})\s+(.*?)\s*#*\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex ListMarker = new(@"^(\s*)([-*+]|\d+[.)])\s+(.*)$", RegexOptions.CultureInvariant);
    private static readonly Regex Link = new(@"\[([^\]]+)\]\(([^)\s]+)\)", RegexOptions.CultureInvariant);
    private static readonly Regex Emphasis = new(@"(\*\*|__)(.+?)\1", RegexOptions.CultureInvariant);
    private static readonly Regex Code = new(@"`([^`]+)`", RegexOptions.CultureInvariant);

    /// <summary>True when <paramref name="line"/> opens or closes a fenced code block.</summary>
    public static bool IsFence(string line, out string info)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
        {
            info = trimmed.TrimStart('`', '~').Trim();
            return true;
        }

        info = string.Empty;
        return false;
    }

    /// <summary>Splits markdown into blocks.</summary>
    public static IReadOnlyList<MarkdownBlock> ParseBlocks(string markdown)
    {
        var blocks = new List<MarkdownBlock>();
        var lines = SplitLines(markdown);
        var text = new List<string>();
        string? marker = null;

        void Flush()
        {
            if (text.Count > 0)
            {
                var joined = string.Join(" ", text.Select(t => t.Trim()));
                blocks.Add(marker is null
                    ? new MarkdownBlock(MarkdownBlockKind.Paragraph, joined)
                    : new MarkdownBlock(MarkdownBlockKind.ListItem, joined, marker: marker));
            }

            text.Clear();
            marker = null;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (IsFence(line, out var info))
            {
                Flush();
                var indent = line.Length - line.TrimStart().Length;
                var code = new List<string>();
                for (i++; i < lines.Count && !IsFence(lines[i], out _); i++)
                {
                    code.Add(RemoveIndent(lines[i], indent));
                }

                blocks.Add(new MarkdownBlock(MarkdownBlockKind.Code, string.Join("\n", code), info: info, lines: code));
                continue;
            }

            if (line.Trim().Length == 0)
            {
                Flush();
                continue;
            }

            var heading = Heading.Match(line);
            if (heading.Success)
            {
                Flush();
                blocks.Add(new MarkdownBlock(MarkdownBlockKind.Heading, heading.Groups[2].Value, level: heading.Groups[1].Length));
                continue;
            }

            if (line.TrimStart().StartsWith('|'))
            {
                Flush();
                var table = new List<string>();
                for (; i < lines.Count && lines[i].TrimStart().StartsWith('|'); i++)
                {
                    table.Add(lines[i].Trim());
                }

                i--;
                blocks.Add(new MarkdownBlock(MarkdownBlockKind.Table, string.Join("\n", table), lines: table));
                continue;
            }

            var item = ListMarker.Match(line);
            if (item.Success)
            {
                Flush();
                marker = item.Groups[2].Value;
                text.Add(item.Groups[3].Value);
                continue;
            }

            text.Add(line);
        }

        Flush();
        return blocks;
    }

    /// <summary>
    /// Plain-text paragraphs for MAML <c>maml:para</c> elements: one per paragraph or list item
    /// (with its marker); code blocks keep their lines, indented by four spaces.
    /// </summary>
    public static IReadOnlyList<string> ToParagraphs(string markdown)
    {
        var result = new List<string>();
        foreach (var block in ParseBlocks(markdown))
        {
            switch (block.Kind)
            {
                case MarkdownBlockKind.Paragraph:
                    result.Add(Inline(block.Text));
                    break;
                case MarkdownBlockKind.ListItem:
                    result.Add((block.Marker.Length > 0 && char.IsDigit(block.Marker[0]) ? block.Marker : "-") + " " + Inline(block.Text));
                    break;
                case MarkdownBlockKind.Code:
                case MarkdownBlockKind.Table:
                    result.Add(string.Join("\n", block.Lines.Select(l => "    " + l)));
                    break;
                case MarkdownBlockKind.Heading:
                    result.Add(Inline(block.Text).ToUpperInvariant());
                    break;
            }
        }

        return result;
    }

    /// <summary>The whole text as one plain string: paragraphs separated by blank lines.</summary>
    public static string ToPlainText(string markdown) => string.Join("\n\n", ToParagraphs(markdown));

    /// <summary>
    /// Removes inline markup: <c>`code`</c> keeps its text, <c>**bold**</c> loses the stars, a link
    /// becomes its text followed by the address in parentheses when the address is absolute.
    /// </summary>
    public static string Inline(string text)
    {
        var result = Link.Replace(text, m => IsAbsoluteUri(m.Groups[2].Value) ? $"{m.Groups[1].Value} ({m.Groups[2].Value})" : m.Groups[1].Value);
        result = Emphasis.Replace(result, m => m.Groups[2].Value);
        result = Code.Replace(result, m => m.Groups[1].Value);
        return result.Replace("\\<", "<", StringComparison.Ordinal).Replace("\\>", ">", StringComparison.Ordinal).Trim();
    }

    /// <summary>Whether <paramref name="value"/> is an http, https or mailto address.</summary>
    public static bool IsAbsoluteUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeMailto);

    /// <summary>Wraps <paramref name="text"/> at <paramref name="width"/> columns; the first line starts with <paramref name="firstPrefix"/>, the rest with <paramref name="restPrefix"/>.</summary>
    public static IEnumerable<string> Wrap(string text, int width, string firstPrefix, string restPrefix)
    {
        var line = new StringBuilder(firstPrefix);
        var lineHasWord = false;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lineHasWord && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(restPrefix);
                lineHasWord = false;
            }

            if (lineHasWord)
            {
                line.Append(' ');
            }

            line.Append(word);
            lineHasWord = true;
        }

        if (lineHasWord)
        {
            yield return line.ToString();
        }
    }

    /// <summary>Splits text into lines, accepting both line-ending styles.</summary>
    public static IReadOnlyList<string> SplitLines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');

    private static string RemoveIndent(string line, int indent)
    {
        var remove = 0;
        while (remove < indent && remove < line.Length && line[remove] == ' ')
        {
            remove++;
        }

        return line.Substring(remove);
    }
}

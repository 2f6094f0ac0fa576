using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Docs;

/// <summary>
/// Comments in src/ and tests/ cite docs/velero-compatibility.md by anchor (<c>docs/velero-compatibility.md#item-steps</c>, and
/// further anchors after it: <c>docs/velero-compatibility.md#restore-run, #restore-passes</c>). Every cited anchor must exist
/// in the document, and no comment may cite numbered sections of a document the repository does not hold.
/// </summary>
public class CompatibilityDocLinkTests
{
    private const string DocRelativePath = "docs/velero-compatibility.md";

    // A reference, then any further anchors joined to it by ",", ";", "and", "through" or "to".
    private static readonly Regex Reference = new(
        @"(?<prefix>[A-Za-z0-9_./-]*)velero-compatibility\.md#(?<anchor>[a-z0-9-]+)(?:(?:\s*(?:,|;|\band\b|\bthrough\b|\bto\b)\s*)+#(?<anchor>[a-z0-9-]+))*",
        RegexOptions.CultureInvariant);

    private static readonly Regex DocAnchor = new("<a id=\"(?<id>[^\"]+)\"></a>", RegexOptions.CultureInvariant);

    private static readonly Regex DocOwnLink = new(@"\]\(#(?<id>[^)]+)\)", RegexOptions.CultureInvariant);

    // "§" followed by a digit: a citation of a numbered section. Written as an escape so this file holds none.
    private static readonly Regex SectionCitation = new("\u00A7\\s*\\d", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "node_modules", "TestResults" };

    [Fact]
    public void Every_cited_anchor_exists_in_the_document()
    {
        var anchors = DocumentAnchors();
        var problems = new List<string>();
        var references = 0;
        foreach (var (path, lineNumber, line) in SourceLines())
        {
            foreach (Match m in Reference.Matches(line))
            {
                var prefix = m.Groups["prefix"].Value;
                if (!prefix.EndsWith("docs/", StringComparison.Ordinal))
                {
                    problems.Add($"{path}:{lineNumber}: cites '{prefix}velero-compatibility.md'; the document is {DocRelativePath}");
                }

                foreach (Capture anchor in m.Groups["anchor"].Captures)
                {
                    references++;
                    if (!anchors.Contains(anchor.Value))
                    {
                        problems.Add($"{path}:{lineNumber}: #{anchor.Value} is not an anchor of {DocRelativePath}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        // Guards the scan itself: the sources cite the document well over a hundred times.
        Assert.True(references > 100, $"only {references} references to {DocRelativePath} were found; is the scan broken?");
    }

    [Fact]
    public void No_comment_cites_numbered_sections()
    {
        var problems = SourceLines()
            .Where(l => SectionCitation.IsMatch(l.Line))
            .Select(l => $"{l.Path}:{l.Number}: {l.Line.Trim()}")
            .ToList();
        Assert.True(
            problems.Count == 0,
            $"Cite {DocRelativePath}#<anchor> instead of numbered sections of a document that is not in the repository:{Environment.NewLine}"
            + string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Document_anchors_are_unique_and_its_own_links_resolve()
    {
        var text = File.ReadAllText(DocPath);
        var ids = DocAnchor.Matches(text).Cast<Match>().Select(m => m.Groups["id"].Value).ToList();
        var duplicates = ids.GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicate anchors: " + string.Join(", ", duplicates));

        var malformed = ids.Where(i => !Regex.IsMatch(i, "^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)).ToList();
        Assert.True(malformed.Count == 0, "anchors must be lowercase words joined by hyphens: " + string.Join(", ", malformed));

        var known = new HashSet<string>(ids, StringComparer.Ordinal);
        var broken = DocOwnLink.Matches(text).Cast<Match>().Select(m => m.Groups["id"].Value).Where(i => !known.Contains(i)).Distinct(StringComparer.Ordinal).ToList();
        Assert.True(broken.Count == 0, "links to missing anchors: " + string.Join(", ", broken));
    }

    private static string DocPath => Path.Combine(ToolLocator.RepoRoot, "docs", "velero-compatibility.md");

    private static HashSet<string> DocumentAnchors()
    {
        Assert.True(File.Exists(DocPath), $"{DocRelativePath} is missing");
        return new HashSet<string>(DocAnchor.Matches(File.ReadAllText(DocPath)).Cast<Match>().Select(m => m.Groups["id"].Value), StringComparer.Ordinal);
    }

    /// <summary>Every line of every text file under src/ and tests/, build output and packages left out.</summary>
    private static IEnumerable<(string Path, int Number, string Line)> SourceLines()
    {
        foreach (var top in new[] { "src", "tests" })
        {
            foreach (var file in Files(Path.Combine(ToolLocator.RepoRoot, top)))
            {
                var bytes = File.ReadAllBytes(file);
                if (Array.IndexOf(bytes, (byte)0) >= 0)
                {
                    continue;
                }

                var relative = Path.GetRelativePath(ToolLocator.RepoRoot, file).Replace('\\', '/');
                var lines = Encoding.UTF8.GetString(bytes).Split('\n');
                for (var i = 0; i < lines.Length; i++)
                {
                    yield return (relative, i + 1, lines[i]);
                }
            }
        }
    }

    private static IEnumerable<string> Files(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory).OrderBy(f => f, StringComparer.Ordinal))
        {
            yield return file;
        }

        foreach (var sub in Directory.EnumerateDirectories(directory).OrderBy(d => d, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(sub);
            if (SkippedDirectories.Contains(name) || name.StartsWith('.'))
            {
                continue;
            }

            foreach (var file in Files(sub))
            {
                yield return file;
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace Restore.Engine.Tests.Reliability;

/// <summary>
/// One row of the reliability suite: hostile input, a fault or a secret, what must happen, and the code that makes it
/// happen and watches. The run fills a <see cref="CaseProbe"/>; it never asserts itself, so every outcome reaches the
/// report even when a check fails.
/// </summary>
internal sealed record ReliabilityCase(string Id, string Category, string Description, string Expected, Func<CaseProbe, Task> Run);

/// <summary>What one case showed: the row of docs/reliability.md.</summary>
internal sealed record CaseOutcome(
    string Id,
    string Category,
    string Description,
    string Expected,
    string Observed,
    bool Contained,
    int ItemsLost,
    int SecretsLeaked,
    IReadOnlyList<string> Violations);

/// <summary>
/// Collects what a case observed. Observations are short deterministic sentences (no timings, ports, paths or uids:
/// <see cref="Mask"/> replaces volatile text); violations are the containment checks that failed.
/// </summary>
internal sealed class CaseProbe
{
    private static readonly Regex Guid = new("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}", RegexOptions.Compiled);

    // Figures that depend on the zlib build rather than on the engine.
    private static readonly (Regex Pattern, string Replacement)[] Volatile =
    {
        (new Regex(@"\(\d+ compressed bytes, \d+ uncompressed\)", RegexOptions.Compiled), "(N compressed bytes, M uncompressed)"),
        (new Regex(@"uncompresses \d+ times larger", RegexOptions.Compiled), "uncompresses N times larger"),
    };

    private static readonly Regex SandboxPath = new(@"<sandbox>[^\s']*", RegexOptions.Compiled);
    private readonly List<(Regex Pattern, string Replacement)> patterns = new();
    private readonly List<string> observations = new();
    private readonly List<string> violations = new();
    private readonly List<(string Text, string Placeholder)> masks = new();

    /// <summary>Items of the backup that neither reached the target nor got a Failed or Skipped outcome with a reason.</summary>
    public int ItemsLost { get; set; }

    /// <summary>Planted canary values found in any output.</summary>
    public int SecretsLeaked { get; set; }

    public IReadOnlyList<string> Violations => violations;

    /// <summary>Replaces <paramref name="text"/> with <paramref name="placeholder"/> in every observation (sandbox paths, server URLs).</summary>
    public void Mask(string? text, string placeholder)
    {
        if (!string.IsNullOrEmpty(text))
        {
            masks.Add((text!, placeholder));
            masks.Sort((a, b) => b.Text.Length.CompareTo(a.Text.Length));
        }
    }

    /// <summary>Replaces every match of <paramref name="pattern"/> (names that depend on the order parallel work finished in).</summary>
    public void MaskPattern(string pattern, string replacement) => patterns.Add((new Regex(pattern), replacement));

    public void Observe(string fact) => observations.Add(fact);

    /// <summary>Masked, then cut to a readable length (masking first, so a cut never leaves half a volatile value).</summary>
    public string Short(string text, int length = 300)
    {
        text = MaskText(text);
        return text.Length <= length ? text : text.Substring(0, length - 3) + "...";
    }

    /// <summary>Records a containment check; a false <paramref name="condition"/> makes the case not contained.</summary>
    public bool Check(bool condition, string violation)
    {
        if (!condition)
        {
            violations.Add(violation);
        }

        return condition;
    }

    public void Violation(string violation) => violations.Add(violation);

    public string MaskText(string text)
    {
        foreach (var (from, to) in masks)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        foreach (var (pattern, replacement) in Volatile.Concat(patterns))
        {
            text = pattern.Replace(text, replacement);
        }

        // Paths read the same on Windows and Linux.
        text = SandboxPath.Replace(text, m => m.Value.Replace('\\', '/'));
        return Guid.Replace(text, "<uid>");
    }

    public CaseOutcome ToOutcome(ReliabilityCase c) => new(
        c.Id,
        c.Category,
        c.Description,
        c.Expected,
        string.Join(" ", observations.Select(o => EndSentence(MaskText(o)))),
        violations.Count == 0 && ItemsLost == 0 && SecretsLeaked == 0,
        ItemsLost,
        SecretsLeaked,
        violations.Select(MaskText).ToList());

    private static string EndSentence(string text)
    {
        text = text.Trim();
        return text.Length == 0 || text.EndsWith('.') || text.EndsWith('?') || text.EndsWith('!') ? text : text + ".";
    }
}

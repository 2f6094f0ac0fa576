using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// What every argument completer needs: the values already typed on the line, paths resolved against the
/// PowerShell location, candidates filtered by the word typed so far and quoted so they paste back as one argument.
/// </summary>
internal static class CompletionSupport
{
    /// <summary>
    /// The text of a parameter already typed on the line (<c>fakeBoundParameters</c>), unwrapped; null when absent or blank.
    /// </summary>
    public static string? Text(IDictionary? bound, string name)
    {
        var value = Value(bound, name);
        var text = value?.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text!.Trim();
    }

    /// <summary>The value of a parameter already typed on the line, PowerShell's wrapper removed; null when absent.</summary>
    public static object? Value(IDictionary? bound, string name)
    {
        if (bound is null || !bound.Contains(name))
        {
            return null;
        }

        var value = bound[name];
        return value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    /// <summary>
    /// A file-system path as the cmdlet would read it: relative to the current PowerShell location, <c>~</c> and
    /// PSDrives resolved. Null when it cannot be resolved (it does not exist, or there is no runspace to ask).
    /// </summary>
    /// <remarks>
    /// Completion runs while TabExpansion2 holds the pipeline, so the runspace's SessionStateProxy throws. A nested
    /// pipeline on the current runspace is what PowerShell's own completers use; Convert-Path there sees the
    /// same location, drives and provider as the command being typed.
    /// </remarks>
    public static string? ResolvePath(string path)
    {
        var trimmed = Unquote(path);
        if (trimmed.Length == 0)
        {
            return null;
        }

        try
        {
            using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand("Microsoft.PowerShell.Management\\Convert-Path")
                .AddParameter("LiteralPath", trimmed)
                .AddParameter("ErrorAction", ActionPreference.Ignore);
            var resolved = shell.Invoke();
            if (resolved.Count == 1 && resolved[0]?.BaseObject is string full)
            {
                return full;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or RuntimeException)
        {
            // No runspace on this thread, or it is busy: only a rooted path can be trusted.
        }

        return Path.IsPathRooted(trimmed) && (File.Exists(trimmed) || Directory.Exists(trimmed)) ? trimmed : null;
    }

    /// <summary>
    /// The candidates that match the word typed so far (a prefix, or a wildcard pattern; case-insensitive), as
    /// completion results quoted like the word (or in single quotes when the value needs them).
    /// </summary>
    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string? wordToComplete, Func<string, string>? toolTip = null)
    {
        var word = wordToComplete ?? string.Empty;
        var quote = word.Length > 0 && IsQuote(word[0]) ? word[0] : (char?)null;
        var typed = Unquote(word);
        var matches = Matcher(typed);
        return candidates
            .Where(c => !string.IsNullOrEmpty(c) && matches(c))
            .Distinct(StringComparer.Ordinal)
            .Select(c => new CompletionResult(Quote(c, quote), c, CompletionResultType.ParameterValue, toolTip?.Invoke(c) ?? c))
            .ToList();
    }

    /// <summary>The value as it must be typed: bare when PowerShell reads it back as the same single word, else quoted.</summary>
    public static string Quote(string value, char? quote = null)
    {
        if (quote is null && IsBareWord(value))
        {
            return value;
        }

        if (quote is '"' or '\u201C' or '\u201D')
        {
            // Inside double quotes, backtick, dollar and the quote itself are special.
            return "\"" + value.Replace("`", "``").Replace("$", "`$").Replace("\"", "`\"") + "\"";
        }

        return "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
    }

    private static Func<string, bool> Matcher(string typed)
    {
        if (typed.Length == 0)
        {
            return _ => true;
        }

        if (WildcardPattern.ContainsWildcardCharacters(typed))
        {
            var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
            return candidate =>
            {
                try
                {
                    return pattern.IsMatch(candidate);
                }
                catch (WildcardPatternException)
                {
                    // A half-typed bracket: read the word literally.
                    return candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase);
                }
            };
        }

        return candidate => candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsBareWord(string value)
    {
        // Ask the parser: the value must come back as exactly one bare-word argument with the same text.
        var ast = Parser.ParseInput("x " + value, out _, out var errors);
        return errors.Length == 0
            && ast.EndBlock?.Statements.Count == 1
            && ast.EndBlock.Statements[0] is PipelineAst { PipelineElements.Count: 1 } pipeline
            && pipeline.PipelineElements[0] is CommandAst { CommandElements.Count: 2 } command
            && command.CommandElements[1] is StringConstantExpressionAst { StringConstantType: StringConstantType.BareWord } word
            && string.Equals(word.Value, value, StringComparison.Ordinal);
    }

    private static bool IsQuote(char c) => c is '\'' or '"' or '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u201C' or '\u201D' or '\u201E';

    private static string Unquote(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && IsQuote(trimmed[0]))
        {
            trimmed = trimmed.Substring(1);
            if (trimmed.Length > 0 && IsQuote(trimmed[trimmed.Length - 1]))
            {
                trimmed = trimmed.Substring(0, trimmed.Length - 1);
            }
        }

        return trimmed;
    }
}

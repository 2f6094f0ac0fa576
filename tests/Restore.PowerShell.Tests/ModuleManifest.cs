using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Restore.PowerShell.Tests;

/// <summary>
/// The top-level string and string-array entries of a .psd1, read without PowerShell. Enough for
/// our manifest (quoted strings and <c>@(...)</c> lists); anything else is reported as absent.
/// </summary>
public sealed class ModuleManifest
{
    private static readonly Regex Comment = new(@"(?m)#.*$", RegexOptions.CultureInvariant);
    private static readonly Regex Quoted = new(@"'((?:[^']|'')*)'|""([^""]*)""", RegexOptions.CultureInvariant);

    private readonly string text;

    private ModuleManifest(string path, string text)
    {
        Path = path;
        this.text = text;
    }

    /// <summary>The manifest file.</summary>
    public string Path { get; }

    /// <summary>Reads a manifest file.</summary>
    public static ModuleManifest Read(string path) => new(path, Comment.Replace(File.ReadAllText(path), string.Empty));

    /// <summary>The value of <c>Key = 'value'</c>, or null.</summary>
    public string? String(string key)
    {
        var match = Regex.Match(text, @"(?m)^\s*" + Regex.Escape(key) + @"\s*=\s*('(?:[^']|'')*'|""[^""]*"")", RegexOptions.CultureInvariant);
        return match.Success ? Unquote(match.Groups[1].Value) : null;
    }

    /// <summary>The strings of <c>Key = @(...)</c> (or a single quoted string), or null when the key is absent.</summary>
    public IReadOnlyList<string>? List(string key)
    {
        var array = Regex.Match(text, @"(?m)^\s*" + Regex.Escape(key) + @"\s*=\s*@\(([^)]*)\)", RegexOptions.CultureInvariant);
        if (array.Success)
        {
            return Quoted.Matches(array.Groups[1].Value).Select(m => Unquote(m.Value)).ToList();
        }

        var single = String(key);
        return single is null ? null : new[] { single };
    }

    private static string Unquote(string quoted) =>
        quoted.StartsWith('\'') ? quoted.Substring(1, quoted.Length - 2).Replace("''", "'", StringComparison.Ordinal) : quoted.Trim('"');
}

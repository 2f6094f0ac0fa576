using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Restore.Engine.Planning.Modifiers;

/// <summary>
/// One <c>patches[]</c> entry of a Velero resource modifier rule (also used for <c>conditions.matches[]</c> as a
/// <c>test</c>). Every member is a string; <see cref="ToPatchJson"/> turns it into a JSON-patch operation with
/// Velero's value typing.
/// </summary>
internal sealed class ResourceModifierJsonPatch
{
    private static readonly Regex GoDecimalFloat = new(
        @"\A[+-]?(?=\.?[0-9])([0-9]+(_[0-9]+)*)?(\.([0-9]+(_[0-9]+)*)?)?([eE][+-]?[0-9]+(_[0-9]+)*)?\z", RegexOptions.CultureInvariant);

    private static readonly Regex GoHexFloat = new(
        @"\A[+-]?0[xX](_?[0-9a-fA-F])*(\.[0-9a-fA-F]*)?[pP][+-]?[0-9]+\z", RegexOptions.CultureInvariant);

    private static readonly Regex GoSpecialFloat = new(
        @"\A([+-]?(inf|infinity)|nan)\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Creates an operation.</summary>
    public ResourceModifierJsonPatch(string operation, string path, string? from = null, string? value = null)
    {
        Operation = operation ?? string.Empty;
        Path = path ?? string.Empty;
        From = from ?? string.Empty;
        Value = value ?? string.Empty;
    }

    /// <summary>The operation name as written (validated case-insensitively, applied case-sensitively).</summary>
    public string Operation { get; }

    /// <summary>The source pointer for move and copy; empty when absent.</summary>
    public string From { get; }

    /// <summary>The target JSON pointer.</summary>
    public string Path { get; }

    /// <summary>The value text, typed by <see cref="ToPatchJson"/>.</summary>
    public string Value { get; }

    /// <summary>
    /// The operation as Velero renders it: <c>{"op": "..", "from": "..", "path": "..", "value": ..}</c> with the
    /// strings inserted without escaping, and the value typed as follows: empty becomes <c>""</c>; text wrapped
    /// in double quotes becomes the inner text as a string; <c>null</c>, <c>true</c>/<c>false</c> in any letter
    /// case, text starting with <c>{</c> or <c>[</c>, and anything Go's <c>strconv.ParseFloat</c> accepts are
    /// inserted raw; anything else is wrapped in quotes. The result can therefore be invalid JSON (for example
    /// for <c>True</c>, <c>NaN</c> or a value containing a double quote), exactly as in Velero.
    /// </summary>
    public string ToPatchJson()
    {
        string value = Value;
        bool quote = NeedsQuotes(ref value);
        string rendered = quote ? "\"" + value + "\"" : value;
        return $"{{\"op\": \"{Operation}\", \"from\": \"{From}\", \"path\": \"{Path}\", \"value\": {rendered}}}";
    }

    /// <summary>Velero's <c>addQuotes</c>: decides whether the value is inserted as a quoted string.</summary>
    internal static bool NeedsQuotes(ref string value)
    {
        if (value.Length == 0)
        {
            return true;
        }

        if (value.StartsWith("\"", StringComparison.Ordinal) && value.EndsWith("\"", StringComparison.Ordinal))
        {
            // Go trims one leading and then one trailing quote, so a lone quote becomes empty.
            value = value.Substring(1);
            if (value.EndsWith("\"", StringComparison.Ordinal))
            {
                value = value.Substring(0, value.Length - 1);
            }

            return true;
        }

        if (value == "null")
        {
            return false;
        }

        string lower = value.ToLowerInvariant();
        if (lower == "true" || lower == "false")
        {
            return false;
        }

        if (value.StartsWith("{", StringComparison.Ordinal) || value.StartsWith("[", StringComparison.Ordinal))
        {
            return false;
        }

        return !GoParseFloatSucceeds(value);
    }

    /// <summary>Whether Go's <c>strconv.ParseFloat(s, 64)</c> returns no error (overflow is an error).</summary>
    internal static bool GoParseFloatSucceeds(string s)
    {
        if (GoSpecialFloat.IsMatch(s))
        {
            return true;
        }

        if (GoHexFloat.IsMatch(s))
        {
            return true;
        }

        if (!GoDecimalFloat.IsMatch(s))
        {
            return false;
        }

        string plain = s.Replace("_", string.Empty);
        return double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsInfinity(d);
    }

    /// <summary>Renders a list of operations the way Velero joins them into one patch document.</summary>
    internal static string Join(IEnumerable<ResourceModifierJsonPatch> patches) =>
        "[" + string.Join(",\n\t", ToStrings(patches)) + "]";

    private static IEnumerable<string> ToStrings(IEnumerable<ResourceModifierJsonPatch> patches)
    {
        foreach (var p in patches)
        {
            yield return p.ToPatchJson();
        }
    }
}

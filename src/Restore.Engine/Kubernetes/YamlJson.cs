using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// Converts YAML (or JSON, which is YAML) to JSON nodes with the typing of Go's <c>sigs.k8s.io/yaml</c>
/// (go-yaml v2, YAML 1.1 rules): unquoted <c>true/false/yes/no/on/off/y/n</c> (in their lower, Title and
/// UPPER spellings) are booleans, <c>null</c>/<c>~</c>/empty are null, decimal, octal (<c>0</c> or
/// <c>0o</c>), hex (<c>0x</c>) and binary (<c>0b</c>) integers and floats are numbers (underscores allowed);
/// quoted scalars are always strings. Only the first document is read. Integers become <see cref="long"/>
/// values and floats <see cref="double"/> values inside the nodes.
/// </summary>
/// <remarks>
/// Used for resource modifier patches, whose values Velero types with these rules; manifests users write are read
/// with YAML 1.2 typing by <c>Model.ManifestYaml</c> instead (why there are two: see its remarks).
/// </remarks>
internal partial class YamlJson
{
    private const int MaxDepth = 512;

    private static readonly Regex YamlStyleFloat = new(
        @"\A[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z", RegexOptions.CultureInvariant);

    /// <summary>Parses the first YAML document; an empty document gives null.</summary>
    /// <param name="yaml">The YAML or JSON text.</param>
    /// <param name="rejectDuplicateKeys">Fail on a key repeated in one mapping (go-yaml's strict mode); otherwise the last one wins.</param>
    /// <exception cref="FormatException">The text is not valid YAML, or holds a value JSON cannot represent.</exception>
    public static JsonNode? Parse(string yaml, bool rejectDuplicateKeys = false)
    {
        if (yaml is null)
        {
            throw new ArgumentNullException(nameof(yaml));
        }

        var reader = new EventReader(new Parser(new StringReader(yaml)), rejectDuplicateKeys);
        try
        {
            return reader.ReadFirstDocument();
        }
        catch (YamlException ex)
        {
            throw new FormatException("yaml: " + Describe(ex), ex);
        }
    }

    /// <summary>
    /// The string a YAML scalar of another type becomes when decoded into a Go string field by
    /// <c>sigs.k8s.io/yaml</c>: integers in decimal, floats in Go's shortest float32 <c>%g</c> form, booleans as
    /// <c>true</c>/<c>false</c>. Returns null for values that are not numbers or booleans.
    /// </summary>
    public static string? ScalarAsGoString(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<bool>(out var b))
        {
            return b ? "true" : "false";
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<ulong>(out var u))
        {
            return u.ToString(CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<double>(out var d))
        {
            return FormatGoFloat32(d);
        }

        return null;
    }

    private static string Describe(YamlException ex) =>
        $"line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}";

    private static JsonNode? Scalar(Scalar scalar)
    {
        string text = scalar.Value ?? string.Empty;
        string tag = scalar.Tag.IsEmpty ? string.Empty : scalar.Tag.Value;
        bool plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        switch (tag)
        {
            case "tag:yaml.org,2002:str":
            case "tag:yaml.org,2002:binary":
            case "!":
                return JsonValue.Create(text);
            case "":
                return plain ? Resolve(text, scalar.Start.Line) : JsonValue.Create(text);
            default:
                // Other explicit tags (!!int, !!bool, !!null, !!float, custom) resolve like a plain scalar.
                return Resolve(text, scalar.Start.Line);
        }
    }

    private static JsonNode? Resolve(string text, long line)
    {
        switch (text)
        {
            case "":
            case "~":
            case "null":
            case "Null":
            case "NULL":
                return null;
            case "y":
            case "Y":
            case "yes":
            case "Yes":
            case "YES":
            case "on":
            case "On":
            case "ON":
            case "true":
            case "True":
            case "TRUE":
                return JsonValue.Create(true);
            case "n":
            case "N":
            case "no":
            case "No":
            case "NO":
            case "off":
            case "Off":
            case "OFF":
            case "false":
            case "False":
            case "FALSE":
                return JsonValue.Create(false);
            case ".nan":
            case ".NaN":
            case ".NAN":
            case ".inf":
            case ".Inf":
            case ".INF":
            case "+.inf":
            case "+.Inf":
            case "+.INF":
            case "-.inf":
            case "-.Inf":
            case "-.INF":
                throw new FormatException($"json: unsupported value: {text} (line {line}); JSON has no NaN or infinity");
        }

        char first = text[0];
        if (first == '.')
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && YamlStyleFloat.IsMatch(text))
            {
                return JsonValue.Create(f);
            }

            return JsonValue.Create(text);
        }

        if (first is '+' or '-' || (first >= '0' && first <= '9'))
        {
            string plain = text.Replace("_", string.Empty);
            if (TryParseGoInt(plain, out var big))
            {
                if (big >= long.MinValue && big <= long.MaxValue)
                {
                    return JsonValue.Create((long)big);
                }

                if (big >= 0 && big <= ulong.MaxValue)
                {
                    return JsonValue.Create((ulong)big);
                }
            }

            if (YamlStyleFloat.IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
            {
                if (double.IsInfinity(f))
                {
                    throw new FormatException($"json: unsupported value: +Inf (line {line}): {text} is too large");
                }

                return JsonValue.Create(f);
            }
        }

        return JsonValue.Create(text);
    }

    // strconv.ParseInt(s, 0, 64): optional sign, then 0x/0X hex, 0b/0B binary, 0o/0O or leading-0 octal, or decimal.
    private static bool TryParseGoInt(string s, out BigInteger value)
    {
        value = BigInteger.Zero;
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            i = 1;
        }

        string digits = s.Substring(i);
        int radix = 10;
        if (digits.Length > 1 && digits[0] == '0')
        {
            char p = char.ToLowerInvariant(digits[1]);
            if (p == 'x')
            {
                radix = 16;
                digits = digits.Substring(2);
            }
            else if (p == 'b')
            {
                radix = 2;
                digits = digits.Substring(2);
            }
            else if (p == 'o')
            {
                radix = 8;
                digits = digits.Substring(2);
            }
            else
            {
                radix = 8;
                digits = digits.Substring(1);
            }
        }

        if (digits.Length == 0)
        {
            return false;
        }

        foreach (char c in digits)
        {
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
            if (d >= radix)
            {
                return false;
            }

            value = (value * radix) + d;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>Go's <c>strconv.FormatFloat(f, 'g', -1, 32)</c>, with YAML spellings for infinities and NaN.</summary>
    internal static string FormatGoFloat32(double d)
    {
        float f = (float)d;
        if (float.IsNaN(f))
        {
            return ".nan";
        }

        if (float.IsPositiveInfinity(f))
        {
            return ".inf";
        }

        if (float.IsNegativeInfinity(f))
        {
            return "-.inf";
        }

        if (f == 0)
        {
            return "0";
        }

        // Shortest round-trip digits of the float32, then Go's %g layout: exponent form below 1e-4 and from 1e6.
        string r = f.ToString("E8", CultureInfo.InvariantCulture);
        string shortest = f.ToString("R", CultureInfo.InvariantCulture);
        if (float.Parse(shortest, NumberStyles.Float, CultureInfo.InvariantCulture) == f)
        {
            r = shortest;
        }

        bool negative = r.StartsWith("-", StringComparison.Ordinal);
        if (negative)
        {
            r = r.Substring(1);
        }

        int exponent = 0;
        int e = r.IndexOfAny(new[] { 'E', 'e' });
        if (e >= 0)
        {
            exponent = int.Parse(r.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r.Substring(0, e);
        }

        int point = r.IndexOf('.');
        string intPart = point >= 0 ? r.Substring(0, point) : r;
        string fracPart = point >= 0 ? r.Substring(point + 1) : string.Empty;
        string all = intPart + fracPart;
        int decimalPos = intPart.Length + exponent;
        int lead = all.TakeWhile(c => c == '0').Count();
        all = all.Substring(lead);
        decimalPos -= lead;
        all = all.TrimEnd('0');
        if (all.Length == 0)
        {
            return "0";
        }

        int exp = decimalPos - 1;
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (exp < -4 || exp >= 6)
        {
            sb.Append(all[0]);
            if (all.Length > 1)
            {
                sb.Append('.').Append(all, 1, all.Length - 1);
            }

            sb.Append('e').Append(exp < 0 ? '-' : '+');
            int abs = Math.Abs(exp);
            sb.Append(abs < 10 ? "0" : string.Empty).Append(abs.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        if (decimalPos <= 0)
        {
            sb.Append("0.").Append('0', -decimalPos).Append(all);
        }
        else if (decimalPos >= all.Length)
        {
            sb.Append(all).Append('0', decimalPos - all.Length);
        }
        else
        {
            sb.Append(all, 0, decimalPos).Append('.').Append(all, decimalPos, all.Length - decimalPos);
        }

        return sb.ToString();
    }
}

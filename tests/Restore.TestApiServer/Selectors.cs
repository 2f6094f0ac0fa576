using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Restore.TestApiServer;

/// <summary>The label selector operators Kubernetes supports.</summary>
public enum SelectorOperator
{
    /// <summary>key=value or key==value.</summary>
    Equals,

    /// <summary>key!=value (also matches objects without the key).</summary>
    NotEquals,

    /// <summary>key in (a,b).</summary>
    In,

    /// <summary>key notin (a,b) (also matches objects without the key).</summary>
    NotIn,

    /// <summary>key.</summary>
    Exists,

    /// <summary>!key.</summary>
    DoesNotExist,

    /// <summary>key&gt;n.</summary>
    GreaterThan,

    /// <summary>key&lt;n.</summary>
    LessThan,
}

/// <summary>One requirement of a label selector.</summary>
/// <param name="Key">Label key.</param>
/// <param name="Operator">Operator.</param>
/// <param name="Values">Values (empty for Exists/DoesNotExist).</param>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values);

/// <summary>A parsed label selector, with the grammar and semantics of k8s.io/apimachinery/pkg/labels.</summary>
public sealed partial class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements)
    {
        Requirements = requirements;
    }

    /// <summary>The requirements (all must hold).</summary>
    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>Parses a selector; throws 400 BadRequest with the problem on bad syntax.</summary>
    public static LabelSelector Parse(string text)
    {
        var requirements = new List<LabelRequirement>();
        var pos = 0;
        SkipSpace(text, ref pos);
        if (pos >= text.Length)
        {
            return new LabelSelector(requirements);
        }

        while (true)
        {
            requirements.Add(ParseRequirement(text, ref pos));
            SkipSpace(text, ref pos);
            if (pos >= text.Length)
            {
                break;
            }

            if (text[pos] != ',')
            {
                throw Error($"found '{text[pos]}', expected: ',' or 'end of string'");
            }

            pos++;
        }

        return new LabelSelector(requirements);
    }

    /// <summary>True when <paramref name="labels"/> satisfies every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in Requirements)
        {
            var has = labels.TryGetValue(r.Key, out var value);
            var ok = r.Operator switch
            {
                SelectorOperator.Equals => has && value == r.Values[0],
                SelectorOperator.NotEquals => !has || value != r.Values[0],
                SelectorOperator.In => has && r.Values.Contains(value!, StringComparer.Ordinal),
                SelectorOperator.NotIn => !has || !r.Values.Contains(value!, StringComparer.Ordinal),
                SelectorOperator.Exists => has,
                SelectorOperator.DoesNotExist => !has,
                SelectorOperator.GreaterThan => has && long.TryParse(value, out var g) && g > long.Parse(r.Values[0], System.Globalization.CultureInfo.InvariantCulture),
                SelectorOperator.LessThan => has && long.TryParse(value, out var l) && l < long.Parse(r.Values[0], System.Globalization.CultureInfo.InvariantCulture),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static LabelRequirement ParseRequirement(string text, ref int pos)
    {
        SkipSpace(text, ref pos);
        if (pos < text.Length && text[pos] == '!')
        {
            pos++;
            SkipSpace(text, ref pos);
            var negated = ReadKey(text, ref pos);
            return new LabelRequirement(negated, SelectorOperator.DoesNotExist, Array.Empty<string>());
        }

        var key = ReadKey(text, ref pos);
        SkipSpace(text, ref pos);
        if (pos >= text.Length || text[pos] == ',')
        {
            return new LabelRequirement(key, SelectorOperator.Exists, Array.Empty<string>());
        }

        if (Peek(text, pos, "==") || Peek(text, pos, "!=") || text[pos] is '=' or '>' or '<')
        {
            SelectorOperator op;
            if (Peek(text, pos, "=="))
            {
                op = SelectorOperator.Equals;
                pos += 2;
            }
            else if (Peek(text, pos, "!="))
            {
                op = SelectorOperator.NotEquals;
                pos += 2;
            }
            else
            {
                op = text[pos] switch { '=' => SelectorOperator.Equals, '>' => SelectorOperator.GreaterThan, _ => SelectorOperator.LessThan };
                pos++;
            }

            SkipSpace(text, ref pos);
            var value = ReadValue(text, ref pos);
            ValidateValue(key, value);
            if (op is SelectorOperator.GreaterThan or SelectorOperator.LessThan && !long.TryParse(value, out _))
            {
                throw Error($"for 'Gt', 'Lt' operators, the value must be an integer");
            }

            return new LabelRequirement(key, op, new[] { value });
        }

        var word = ReadWord(text, ref pos);
        var setOp = word switch
        {
            "in" => SelectorOperator.In,
            "notin" => SelectorOperator.NotIn,
            _ => throw Error($"found '{word}', expected: in, notin, =, ==, !=, gt, lt"),
        };
        SkipSpace(text, ref pos);
        if (pos >= text.Length || text[pos] != '(')
        {
            throw Error("found '" + (pos < text.Length ? text[pos].ToString() : string.Empty) + "', expected: '('");
        }

        pos++;
        var values = new List<string>();
        while (true)
        {
            SkipSpace(text, ref pos);
            var value = ReadValue(text, ref pos);
            ValidateValue(key, value);
            values.Add(value);
            SkipSpace(text, ref pos);
            if (pos < text.Length && text[pos] == ',')
            {
                pos++;
                continue;
            }

            if (pos < text.Length && text[pos] == ')')
            {
                pos++;
                break;
            }

            throw Error("found '" + (pos < text.Length ? text[pos].ToString() : string.Empty) + "', expected: ',', ')' or identifier");
        }

        return new LabelRequirement(key, setOp, values);
    }

    private static string ReadKey(string text, ref int pos)
    {
        var key = ReadWord(text, ref pos);
        if (key.Length == 0)
        {
            throw Error("found '" + (pos < text.Length ? text[pos].ToString() : string.Empty) + "', expected: identifier");
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (name.Length is 0 or > 63 || !QualifiedName().IsMatch(name) || (slash >= 0 && !Subdomain().IsMatch(key[..slash])))
        {
            throw Error($"key: Invalid value: {Go.Quote(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        }

        return key;
    }

    private static string ReadValue(string text, ref int pos) => ReadWord(text, ref pos);

    private static string ReadWord(string text, ref int pos)
    {
        var start = pos;
        while (pos < text.Length && !char.IsWhiteSpace(text[pos]) && text[pos] is not (',' or '=' or '!' or '(' or ')' or '<' or '>'))
        {
            pos++;
        }

        return text[start..pos];
    }

    private static void ValidateValue(string key, string value)
    {
        if (value.Length > 63 || (value.Length > 0 && !QualifiedName().IsMatch(value)))
        {
            throw Error($"values[0][{key}]: Invalid value: {Go.Quote(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
        }
    }

    private static bool Peek(string text, int pos, string token) => string.CompareOrdinal(text, pos, token, 0, token.Length) == 0;

    private static void SkipSpace(string text, ref int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }

    private static ApiException Error(string detail) => ApiErrors.BadRequest("unable to parse requirement: " + detail);

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}

/// <summary>A field selector over metadata.name and metadata.namespace (what every resource supports).</summary>
public sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> terms;

    private FieldSelector(List<(string Field, bool Equal, string Value)> terms)
    {
        this.terms = terms;
    }

    /// <summary>Parses "metadata.name=x,metadata.namespace!=y"; throws 400 for other fields.</summary>
    public static FieldSelector Parse(string text)
    {
        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string field;
            string value;
            bool equal;
            var ne = raw.IndexOf("!=", StringComparison.Ordinal);
            if (ne >= 0)
            {
                (field, value, equal) = (raw[..ne], raw[(ne + 2)..], false);
            }
            else
            {
                var eq = raw.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    throw ApiErrors.BadRequest($"invalid selector: '{text}'; can't understand '{raw}'");
                }

                var valueStart = eq + 1 < raw.Length && raw[eq + 1] == '=' ? eq + 2 : eq + 1;
                (field, value, equal) = (raw[..eq], raw[valueStart..], true);
            }

            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw ApiErrors.BadRequest("field label not supported: " + field);
            }

            terms.Add((field, equal, value.Trim()));
        }

        return new FieldSelector(terms);
    }

    /// <summary>The name an equality term pins, if any (lets lists and watches skip work).</summary>
    public string? ExactName => terms.FirstOrDefault(t => t.Field == "metadata.name" && t.Equal).Value;

    /// <summary>True when the object's namespace and name satisfy every term.</summary>
    public bool Matches(string ns, string name)
    {
        foreach (var (field, equal, value) in terms)
        {
            var actual = field == "metadata.name" ? name : ns;
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace Restore.Engine.Kubernetes;

/// <summary>The operator of one label selector requirement.</summary>
internal enum LabelSelectorOperator
{
    /// <summary>The label equals the single value (<c>a=b</c>, <c>a==b</c>).</summary>
    Equals,

    /// <summary>The label is missing or differs from the single value (<c>a!=b</c>).</summary>
    NotEquals,

    /// <summary>The label exists and its value is one of the values (<c>a in (x,y)</c>).</summary>
    In,

    /// <summary>The label is missing or its value is none of the values (<c>a notin (x,y)</c>).</summary>
    NotIn,

    /// <summary>The label exists (<c>a</c>).</summary>
    Exists,

    /// <summary>The label does not exist (<c>!a</c>).</summary>
    DoesNotExist,
}

/// <summary>One requirement of a label selector.</summary>
internal sealed class LabelSelectorRequirement
{
    internal LabelSelectorRequirement(string key, LabelSelectorOperator op, IReadOnlyList<string> values)
    {
        Key = key;
        Operator = op;
        Values = values;
    }

    /// <summary>The label key.</summary>
    public string Key { get; }

    /// <summary>The operator.</summary>
    public LabelSelectorOperator Operator { get; }

    /// <summary>The values, sorted and without duplicates; empty for Exists and DoesNotExist.</summary>
    public IReadOnlyList<string> Values { get; }

    internal bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        bool has = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case LabelSelectorOperator.Equals:
            case LabelSelectorOperator.In:
                return has && Values.Contains(value!, StringComparer.Ordinal);
            case LabelSelectorOperator.NotEquals:
            case LabelSelectorOperator.NotIn:
                return !has || !Values.Contains(value!, StringComparer.Ordinal);
            case LabelSelectorOperator.Exists:
                return has;
            default:
                return !has;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Operator switch
    {
        LabelSelectorOperator.Equals => Key + "=" + Values[0],
        LabelSelectorOperator.NotEquals => Key + "!=" + Values[0],
        LabelSelectorOperator.In => Key + " in (" + string.Join(",", Values) + ")",
        LabelSelectorOperator.NotIn => Key + " notin (" + string.Join(",", Values) + ")",
        LabelSelectorOperator.Exists => Key,
        _ => "!" + Key,
    };
}

/// <summary>
/// A Kubernetes label selector: a conjunction of requirements, read from the kubectl string form or the
/// <c>metav1.LabelSelector</c> JSON form.
/// </summary>
internal sealed class LabelSelector
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private readonly bool matchesNothing;

    private LabelSelector(IReadOnlyList<LabelSelectorRequirement> requirements, bool matchesNothing)
    {
        Requirements = requirements;
        this.matchesNothing = matchesNothing;
    }

    /// <summary>A selector that matches every object (the empty selector).</summary>
    public static LabelSelector Everything { get; } = new(Array.Empty<LabelSelectorRequirement>(), false);

    /// <summary>A selector that matches no object (a null entry inside <c>orLabelSelectors</c>).</summary>
    public static LabelSelector Nothing { get; } = new(Array.Empty<LabelSelectorRequirement>(), true);

    /// <summary>The requirements, sorted by key; all must hold.</summary>
    public IReadOnlyList<LabelSelectorRequirement> Requirements { get; }

    /// <summary>True for a selector that matches everything.</summary>
    public bool IsEverything => !matchesNothing && Requirements.Count == 0;

    /// <summary>True for the selector that matches nothing.</summary>
    public bool IsNothing => matchesNothing;

    /// <summary>
    /// Parses the kubectl form: comma-separated <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>,
    /// <c>a notin (x)</c>, <c>a</c>, <c>!a</c>. An empty or blank string is <see cref="Everything"/>.
    /// </summary>
    /// <exception cref="FormatException">The expression is invalid; the message names the bad part.</exception>
    public static LabelSelector Parse(string expression)
    {
        if (expression is null)
        {
            throw new ArgumentNullException(nameof(expression));
        }

        var requirements = new SelectorStringParser(expression).Parse();
        return requirements.Count == 0 ? Everything : Create(requirements);
    }

    /// <summary>
    /// Reads a <c>metav1.LabelSelector</c> (<c>matchLabels</c>, <c>matchExpressions</c>). Null (or an empty
    /// object) is <see cref="Everything"/>.
    /// </summary>
    /// <exception cref="FormatException">The selector is invalid; the message names the bad part.</exception>
    public static LabelSelector FromJson(JsonNode? node)
    {
        if (node is null)
        {
            return Everything;
        }

        if (node is not JsonObject obj)
        {
            throw new FormatException($"invalid label selector: expected an object with matchLabels/matchExpressions, got {node.ToJsonString()}");
        }

        var requirements = new List<LabelSelectorRequirement>();
        if (obj["matchLabels"] is JsonNode labelsNode)
        {
            if (labelsNode is not JsonObject labels)
            {
                throw new FormatException("invalid label selector: matchLabels must be an object of strings");
            }

            foreach (var pair in labels)
            {
                string value = StringOf(pair.Value, $"matchLabels.{pair.Key}");
                requirements.Add(NewRequirement(pair.Key, LabelSelectorOperator.Equals, new[] { value }));
            }
        }

        if (obj["matchExpressions"] is JsonNode expressionsNode)
        {
            if (expressionsNode is not JsonArray expressions)
            {
                throw new FormatException("invalid label selector: matchExpressions must be an array");
            }

            for (int i = 0; i < expressions.Count; i++)
            {
                if (expressions[i] is not JsonObject expression)
                {
                    throw new FormatException($"invalid label selector: matchExpressions[{i}] must be an object");
                }

                string key = expression["key"] is null ? string.Empty : StringOf(expression["key"], $"matchExpressions[{i}].key");
                string opText = expression["operator"] is null ? string.Empty : StringOf(expression["operator"], $"matchExpressions[{i}].operator");
                var values = new List<string>();
                if (expression["values"] is JsonNode valuesNode)
                {
                    if (valuesNode is not JsonArray valuesArray)
                    {
                        throw new FormatException($"invalid label selector: matchExpressions[{i}].values must be an array of strings");
                    }

                    for (int j = 0; j < valuesArray.Count; j++)
                    {
                        values.Add(StringOf(valuesArray[j], $"matchExpressions[{i}].values[{j}]"));
                    }
                }

                LabelSelectorOperator op = opText switch
                {
                    "In" => LabelSelectorOperator.In,
                    "NotIn" => LabelSelectorOperator.NotIn,
                    "Exists" => LabelSelectorOperator.Exists,
                    "DoesNotExist" => LabelSelectorOperator.DoesNotExist,
                    _ => throw new FormatException($"invalid label selector: \"{opText}\" is not a valid label selector operator (matchExpressions[{i}]); use In, NotIn, Exists or DoesNotExist"),
                };
                requirements.Add(NewRequirement(key, op, values));
            }
        }

        return requirements.Count == 0 ? Everything : Create(requirements);
    }

    /// <summary>True when the labels satisfy every requirement; null labels count as no labels.</summary>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        if (matchesNothing)
        {
            return false;
        }

        labels ??= NoLabels;
        foreach (var requirement in Requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The <c>metav1.LabelSelector</c> form: equality requirements go to matchLabels, the rest to matchExpressions.</summary>
    /// <exception cref="InvalidOperationException">Called on <see cref="Nothing"/>, which has no JSON form.</exception>
    public JsonObject ToJson()
    {
        if (matchesNothing)
        {
            throw new InvalidOperationException("the match-nothing label selector has no metav1.LabelSelector form");
        }

        var result = new JsonObject();
        var matchLabels = new JsonObject();
        var matchExpressions = new JsonArray();
        foreach (var r in Requirements)
        {
            switch (r.Operator)
            {
                case LabelSelectorOperator.Equals when !matchLabels.ContainsKey(r.Key):
                    matchLabels[r.Key] = r.Values[0];
                    break;
                default:
                    var expression = new JsonObject
                    {
                        ["key"] = r.Key,
                        ["operator"] = r.Operator switch
                        {
                            LabelSelectorOperator.Equals or LabelSelectorOperator.In => "In",
                            LabelSelectorOperator.NotEquals or LabelSelectorOperator.NotIn => "NotIn",
                            LabelSelectorOperator.Exists => "Exists",
                            _ => "DoesNotExist",
                        },
                    };
                    if (r.Values.Count > 0)
                    {
                        expression["values"] = new JsonArray(r.Values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
                    }

                    matchExpressions.Add(expression);
                    break;
            }
        }

        if (matchLabels.Count > 0)
        {
            result["matchLabels"] = matchLabels;
        }

        if (matchExpressions.Count > 0)
        {
            result["matchExpressions"] = matchExpressions;
        }

        return result;
    }

    /// <summary>The kubectl string form (requirements sorted by key); empty for Everything, <c>&lt;nothing&gt;</c> for Nothing.</summary>
    public override string ToString() =>
        matchesNothing ? "<nothing>" : string.Join(",", Requirements.Select(r => r.ToString()));

    private static LabelSelector Create(List<LabelSelectorRequirement> requirements)
    {
        // Kubernetes keeps requirements sorted by key; the sort is stable so equal keys keep their order.
        var sorted = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new LabelSelector(sorted, false);
    }

    private static string StringOf(JsonNode? node, string where)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var s))
        {
            return s;
        }

        throw new FormatException($"invalid label selector: {where} must be a string, got {node?.ToJsonString() ?? "null"}");
    }

    internal static LabelSelectorRequirement NewRequirement(string key, LabelSelectorOperator op, IReadOnlyList<string> values)
    {
        if (LabelSyntax.ValidateKey(key) is string keyError)
        {
            throw new FormatException("invalid label selector: " + keyError);
        }

        switch (op)
        {
            case LabelSelectorOperator.In:
            case LabelSelectorOperator.NotIn:
                if (values.Count == 0)
                {
                    throw new FormatException($"invalid label selector: key \"{key}\": for 'in' and 'notin' operators, the values set can't be empty");
                }

                break;
            case LabelSelectorOperator.Equals:
            case LabelSelectorOperator.NotEquals:
                if (values.Count != 1)
                {
                    throw new FormatException($"invalid label selector: key \"{key}\": exact-match compatibility requires one single value");
                }

                break;
            default:
                if (values.Count != 0)
                {
                    throw new FormatException($"invalid label selector: key \"{key}\": values set must be empty for exists and does not exist");
                }

                break;
        }

        foreach (var v in values)
        {
            if (LabelSyntax.ValidateValue(v) is string valueError)
            {
                throw new FormatException($"invalid label selector: key \"{key}\": {valueError}");
            }
        }

        var distinct = values.Distinct(StringComparer.Ordinal).OrderBy(v => v, StringComparer.Ordinal).ToArray();
        return new LabelSelectorRequirement(key, op, distinct);
    }

    /// <summary>Reader for the kubectl selector syntax, following the Kubernetes lexer's token rules.</summary>
    private sealed class SelectorStringParser
    {
        private readonly string text;
        private int pos;

        public SelectorStringParser(string text) => this.text = text;

        public List<LabelSelectorRequirement> Parse()
        {
            var result = new List<LabelSelectorRequirement>();
            SkipSpace();
            if (pos >= text.Length)
            {
                return result;
            }

            while (true)
            {
                result.Add(ParseRequirement());
                SkipSpace();
                if (pos >= text.Length)
                {
                    return result;
                }

                if (text[pos] != ',')
                {
                    throw Error($"found '{PeekToken()}', expected: ',' or 'end of string'");
                }

                pos++;
                SkipSpace();
                if (pos >= text.Length)
                {
                    throw Error("found 'end of string', expected: identifier after ','");
                }
            }
        }

        private LabelSelectorRequirement ParseRequirement()
        {
            SkipSpace();
            bool negated = false;
            if (pos < text.Length && text[pos] == '!' && !(pos + 1 < text.Length && text[pos + 1] == '='))
            {
                negated = true;
                pos++;
                SkipSpace();
            }

            string key = ReadIdentifier();
            if (key.Length == 0)
            {
                throw Error($"found '{PeekToken()}', expected: identifier");
            }

            if (negated)
            {
                return NewRequirement(key, LabelSelectorOperator.DoesNotExist, Array.Empty<string>());
            }

            SkipSpace();
            if (pos >= text.Length || text[pos] == ',')
            {
                return NewRequirement(key, LabelSelectorOperator.Exists, Array.Empty<string>());
            }

            LabelSelectorOperator op;
            if (Consume("=="))
            {
                op = LabelSelectorOperator.Equals;
            }
            else if (Consume("!="))
            {
                op = LabelSelectorOperator.NotEquals;
            }
            else if (Consume("="))
            {
                op = LabelSelectorOperator.Equals;
            }
            else
            {
                int save = pos;
                string word = ReadIdentifier();
                if (word == "in")
                {
                    op = LabelSelectorOperator.In;
                }
                else if (word == "notin")
                {
                    op = LabelSelectorOperator.NotIn;
                }
                else
                {
                    pos = save;
                    throw Error($"found '{PeekToken()}' after key \"{key}\", expected one of: '=', '==', '!=', 'in', 'notin'");
                }
            }

            if (op is LabelSelectorOperator.In or LabelSelectorOperator.NotIn)
            {
                return NewRequirement(key, op, ParseValueSet(key));
            }

            SkipSpace();
            string value = ReadIdentifier();
            return NewRequirement(key, op, new[] { value });
        }

        private List<string> ParseValueSet(string key)
        {
            SkipSpace();
            if (!Consume("("))
            {
                throw Error($"found '{PeekToken()}' after key \"{key}\", expected: '('");
            }

            // "()" means the set {""}, and empty slots between commas are empty values, as in Kubernetes.
            var values = new List<string>();
            while (true)
            {
                SkipSpace();
                values.Add(ReadIdentifier());
                SkipSpace();
                if (Consume(")"))
                {
                    return values;
                }

                if (!Consume(","))
                {
                    throw Error(pos >= text.Length
                        ? $"found 'end of string' in the values of key \"{key}\", expected: ')'"
                        : $"found '{PeekToken()}' in the values of key \"{key}\", expected: ',' or ')'");
                }
            }
        }

        private bool Consume(string token)
        {
            if (string.CompareOrdinal(text, pos, token, 0, token.Length) == 0)
            {
                pos += token.Length;
                return true;
            }

            return false;
        }

        private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

        private string ReadIdentifier()
        {
            int start = pos;
            while (pos < text.Length && !char.IsWhiteSpace(text[pos]) && !IsSpecial(text[pos]))
            {
                pos++;
            }

            return text.Substring(start, pos - start);
        }

        private string PeekToken()
        {
            if (pos >= text.Length)
            {
                return "end of string";
            }

            if (IsSpecial(text[pos]))
            {
                return text[pos].ToString();
            }

            int save = pos;
            string id = ReadIdentifier();
            pos = save;
            return id;
        }

        private void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        private FormatException Error(string detail)
        {
            var sb = new StringBuilder("unable to parse label selector \"").Append(text).Append("\": ").Append(detail);
            return new FormatException(sb.ToString());
        }
    }
}

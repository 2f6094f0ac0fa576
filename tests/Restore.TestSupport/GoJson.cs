using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.TestSupport;

/// <summary>
/// JSON text as Go's encoding/json writes it: compact (json.Marshal / json.Encoder) or indented with two
/// spaces (json.MarshalIndent, used by the Kubernetes pretty serializer). Go escapes &lt; &gt; &amp; U+2028 U+2029.
/// Maps are written with sorted keys; structs keep field order, so objects built in struct order can be
/// written unsorted.
/// </summary>
public static class GoJson
{
    /// <summary>Compact JSON (no trailing newline), keys sorted byte-wise at every level when <paramref name="sortKeys"/>.</summary>
    public static string Compact(JsonNode? node, bool sortKeys = true)
    {
        var text = new StringBuilder();
        Write(text, node, sortKeys, indent: null, depth: 0);
        return text.ToString();
    }

    /// <summary>What json.Encoder writes: compact JSON plus <c>"\n"</c>.</summary>
    public static string Encoder(JsonNode? node, bool sortKeys = true) => Compact(node, sortKeys) + "\n";

    /// <summary>json.MarshalIndent(v, "", "  "): no trailing newline.</summary>
    public static string Indent(JsonNode? node, bool sortKeys = false)
    {
        var text = new StringBuilder();
        Write(text, node, sortKeys, indent: "  ", depth: 0);
        return text.ToString();
    }

    /// <summary>Writes a string the way Go quotes it.</summary>
    public static void Quote(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }

    private static void Write(StringBuilder text, JsonNode? node, bool sortKeys, string? indent, int depth)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                return;
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    text.Append("{}");
                    return;
                }

                text.Append('{');
                var properties = sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : (IEnumerable<KeyValuePair<string, JsonNode?>>)obj;
                var first = true;
                foreach (var property in properties)
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    NewLine(text, indent, depth + 1);
                    Quote(text, property.Key);
                    text.Append(indent is null ? ":" : ": ");
                    Write(text, property.Value, sortKeys, indent, depth + 1);
                }

                NewLine(text, indent, depth);
                text.Append('}');
                return;
            case JsonArray array:
                if (array.Count == 0)
                {
                    text.Append("[]");
                    return;
                }

                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    NewLine(text, indent, depth + 1);
                    Write(text, array[i], sortKeys, indent, depth + 1);
                }

                NewLine(text, indent, depth);
                text.Append(']');
                return;
            default:
                var value = node.AsValue();
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        Quote(text, value.GetValue<string>());
                        return;
                    default:
                        text.Append(value.ToJsonString());
                        return;
                }
        }
    }

    private static void NewLine(StringBuilder text, string? indent, int depth)
    {
        if (indent is null)
        {
            return;
        }

        text.Append('\n');
        for (var i = 0; i < depth; i++)
        {
            text.Append(indent);
        }
    }
}

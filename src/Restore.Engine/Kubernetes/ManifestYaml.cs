using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// Converts between YAML text and JSON trees, the way Kubernetes manifests are read: plain scalars
/// <c>null</c>/<c>~</c>, <c>true</c>/<c>false</c> and JSON-style numbers become JSON nulls, booleans and
/// numbers (numbers keep their source text); everything else, and every quoted scalar, is a string.
/// </summary>
/// <remarks>
/// One of two YAML readers, on purpose: this one reads the manifests users write (Restore manifests, parameters),
/// with YAML 1.2's core typing, so <c>on</c>, <c>yes</c> or <c>0777</c> stay what they look like and numbers keep
/// their text. Resource modifier patches use <see cref="YamlJson"/>, which reproduces go-yaml v2's
/// YAML 1.1 typing (<c>yes</c> is true, <c>0777</c> is octal) because Velero types patch values that way and a
/// patch must change an object exactly as Velero's would. One reader could not be right for both.
/// </remarks>
internal static class ManifestYaml
{
    private static readonly Regex JsonNumber = new(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

    /// <summary>Parses the first YAML document; an empty text gives null.</summary>
    /// <exception cref="FormatException">The YAML is malformed; the message names <paramref name="what"/> and the position.</exception>
    public static JsonNode? Parse(string yaml, string what)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{what} is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.Message}", ex);
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, what);
    }

    /// <summary>Writes a JSON tree as block-style YAML.</summary>
    public static string Write(JsonNode? node)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, new EmitterSettings(2, int.MaxValue, false, 1024, false, false));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static JsonNode? Convert(YamlNode node, string what)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var entry in map.Children)
                {
                    var key = entry.Key is YamlScalarNode k ? k.Value ?? string.Empty : throw new FormatException($"{what} has a non-scalar mapping key at line {entry.Key.Start.Line}");
                    obj[key] = Convert(entry.Value, what);
                }

                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var child in seq.Children)
                {
                    arr.Add(Convert(child, what));
                }

                return arr;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "":
            case "~":
            case "null":
            case "Null":
            case "NULL":
                return null;
            case "true":
            case "True":
            case "TRUE":
                return JsonValue.Create(true);
            case "false":
            case "False":
            case "FALSE":
                return JsonValue.Create(false);
        }

        return JsonNumber.IsMatch(text) ? JsonNode.Parse(text) : JsonValue.Create(text);
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var kv in obj)
                {
                    EmitString(emitter, kv.Key);
                    Emit(emitter, kv.Value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray arr:
                if (arr.Count == 0)
                {
                    emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Flow));
                    emitter.Emit(new SequenceEnd());
                    break;
                }

                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var item in arr)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, value.GetValue<string>());
                        break;
                    case JsonValueKind.True:
                    case JsonValueKind.False:
                    case JsonValueKind.Number:
                        emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                    default:
                        emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                        break;
                }

                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        // Quote strings a YAML reader would take for another type (including YAML 1.1 booleans).
        var needsQuotes = text.Length == 0
            || ConvertScalar(new YamlScalarNode(text) { Style = ScalarStyle.Plain }) is not JsonValue v
            || v.GetValueKind() != JsonValueKind.String
            || IsYaml11Special(text)
            || text.Any(char.IsControl);
        var style = needsQuotes ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        emitter.Emit(new Scalar(null, null, text, style, true, true));
    }

    private static bool IsYaml11Special(string text) =>
        text is "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO" or "on" or "On" or "ON" or "off" or "Off" or "OFF"
        || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith(".", StringComparison.Ordinal);
}

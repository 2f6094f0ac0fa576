using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Restore.Engine.Kubernetes;

/// <content>The event-level reader: anchors, aliases and merge keys handled as go-yaml v2 does.</content>
internal partial class YamlJson
{
    // Bounds alias expansion ("billion laughs"): more nodes than this is refused.
    private const int MaxNodes = 200_000;

    private sealed class EventReader
    {
        private readonly IParser parser;
        private readonly bool rejectDuplicateKeys;
        private readonly Dictionary<string, (JsonNode? Node, int Size)> anchors = new(StringComparer.Ordinal);
        private int nodes;

        public EventReader(IParser parser, bool rejectDuplicateKeys)
        {
            this.parser = parser;
            this.rejectDuplicateKeys = rejectDuplicateKeys;
        }

        public JsonNode? ReadFirstDocument()
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                return null; // empty stream
            }

            return ReadNode(0);
        }

        private JsonNode? ReadNode(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new FormatException("yaml: document nests too deeply");
            }

            if (++nodes > MaxNodes)
            {
                throw new FormatException("yaml: document is too large after alias expansion");
            }

            int startCount = nodes;
            var current = parser.Consume<ParsingEvent>();
            if (current is AnchorAlias alias)
            {
                if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
                {
                    throw new FormatException($"yaml: line {alias.Start.Line}: unknown anchor '{alias.Value.Value}' referenced");
                }

                // Count the copy before making it, so an alias bomb fails fast. An alias carries no anchor of its own.
                nodes += anchored.Size;
                if (nodes > MaxNodes)
                {
                    throw new FormatException("yaml: document is too large after alias expansion");
                }

                return anchored.Node?.DeepClone();
            }

            if (current is not NodeEvent ev)
            {
                throw new FormatException($"yaml: line {current.Start.Line}: unexpected {current.GetType().Name}");
            }

            JsonNode? result;
            switch (ev)
            {
                case Scalar scalar:
                    result = Scalar(scalar);
                    break;
                case SequenceStart:
                    var array = new JsonArray();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        array.Add(ReadNode(depth + 1));
                    }

                    result = array;
                    break;
                case MappingStart:
                    result = ReadMapping(depth);
                    break;
                default:
                    throw new FormatException($"yaml: line {ev.Start.Line}: unexpected {ev.GetType().Name}");
            }

            if (!ev.Anchor.IsEmpty)
            {
                anchors[ev.Anchor.Value] = (result, nodes - startCount + 1);
            }

            return result;
        }

        private JsonObject ReadMapping(int depth)
        {
            var obj = new JsonObject();
            var explicitKeys = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyEvent = parser.Current!;
                bool isMergeKey = keyEvent is Scalar s && s.Value == "<<" && s.Style is ScalarStyle.Plain or ScalarStyle.Any && s.Tag.IsEmpty;
                var keyNode = ReadNode(depth + 1);
                var value = ReadNode(depth + 1);
                if (isMergeKey)
                {
                    Merge(obj, value, keyEvent.Start.Line);
                    continue;
                }

                string key = KeyString(keyNode, keyEvent.Start.Line);
                if (!explicitKeys.Add(key) && rejectDuplicateKeys)
                {
                    throw new FormatException($"yaml: unmarshal errors: line {keyEvent.Start.Line}: key \"{key}\" already set in map");
                }

                obj[key] = value;
            }

            return obj;
        }

        // go-yaml v2 decodes a merged mapping into the current one at the position of "<<": later keys win.
        private static void Merge(JsonObject target, JsonNode? value, long line)
        {
            var sources = value is JsonArray list ? list : new JsonArray(value?.DeepClone());
            foreach (var source in sources)
            {
                if (source is not JsonObject map)
                {
                    throw new FormatException($"yaml: line {line}: map merge requires map or sequence of maps as the value");
                }

                foreach (var pair in map)
                {
                    target[pair.Key] = pair.Value?.DeepClone();
                }
            }
        }

        private static string KeyString(JsonNode? key, long line)
        {
            switch (key)
            {
                case null:
                    throw new FormatException($"yaml: line {line}: unsupported map key of type: <nil>");
                case JsonObject:
                case JsonArray:
                    throw new FormatException($"yaml: line {line}: unsupported map key: keys must be scalars");
                case JsonValue v when v.TryGetValue<string>(out var s):
                    return s;
                default:
                    return ScalarAsGoString(key) ?? key.ToJsonString();
            }
        }
    }
}

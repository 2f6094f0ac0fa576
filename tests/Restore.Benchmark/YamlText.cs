using System.Globalization;
using System.IO;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Restore.Benchmark;

/// <summary>Block-style YAML for a JSON value: strings double-quoted (never mistaken for numbers or booleans), the rest plain.</summary>
public static class YamlText
{
    /// <summary>The YAML document for <paramref name="value"/>.</summary>
    public static string FromJson(JsonElement value)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, value);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                emitter.Emit(new MappingStart());
                foreach (var property in value.EnumerateObject())
                {
                    emitter.Emit(new Scalar(null, null, property.Name, ScalarStyle.DoubleQuoted, false, true));
                    Emit(emitter, property.Value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonValueKind.Array:
                emitter.Emit(new SequenceStart(null, null, false, SequenceStyle.Block));
                foreach (var element in value.EnumerateArray())
                {
                    Emit(emitter, element);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValueKind.String:
                emitter.Emit(new Scalar(null, null, value.GetString()!, ScalarStyle.DoubleQuoted, false, true));
                break;
            case JsonValueKind.Null:
                emitter.Emit(new Scalar("null"));
                break;
            default:
                emitter.Emit(new Scalar(value.GetRawText()));
                break;
        }
    }
}

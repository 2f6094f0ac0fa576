using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Records;

/// <summary>
/// Velero's encoding of its <c>*.json.gz</c> and <c>*-results.gz</c> files (docs/velero-compatibility.md#file-encoding): one gzip
/// member holding compact JSON and a trailing newline. Readers accept the literal <c>null</c>.
/// </summary>
internal static class GzipJson
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Encodes <paramref name="node"/> (null writes <c>null</c>) as gzip bytes.</summary>
    public static byte[] Encode(JsonNode? node) => EncodeText((node?.ToJsonString(Compact) ?? "null") + "\n");

    /// <summary>
    /// Encodes a JSON array of <paramref name="items"/> as <see cref="Encode"/> would encode the whole array, but one
    /// element at a time: the outcomes of a restore of 100,000 items as one tree were 100,000 objects at once.
    /// </summary>
    public static byte[] EncodeArray<T>(IEnumerable<T> items, Func<T, JsonNode> toJson)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (toJson is null)
        {
            throw new ArgumentNullException(nameof(toJson));
        }

        return Compress(gzip =>
        {
            using (var writer = new Utf8JsonWriter(gzip, new JsonWriterOptions { Encoder = Compact.Encoder, Indented = false }))
            {
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    toJson(item).WriteTo(writer, Compact);
                }

                writer.WriteEndArray();
            }

            gzip.WriteByte((byte)'\n');
        });
    }

    /// <summary>Gzips plain text (used for log files).</summary>
    public static byte[] EncodeText(string text) => Compress(gzip =>
    {
        var bytes = Encoding.UTF8.GetBytes(text ?? string.Empty);
        gzip.Write(bytes, 0, bytes.Length);
    });

    /// <summary>One gzip member holding whatever <paramref name="write"/> writes: every file of ours is encoded through here.</summary>
    internal static byte[] Compress(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            write(gzip);
        }

        return buffer.ToArray();
    }

    /// <summary>Decompresses gzip bytes to text.</summary>
    public static string DecodeText(byte[] gzipBytes)
    {
        if (gzipBytes is null)
        {
            throw new ArgumentNullException(nameof(gzipBytes));
        }

        using var input = new GZipStream(new MemoryStream(gzipBytes), CompressionMode.Decompress);
        using var reader = new StreamReader(input, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Decodes gzip JSON; <c>null</c> or an empty payload gives null.</summary>
    public static JsonNode? Decode(byte[] gzipBytes)
    {
        var text = DecodeText(gzipBytes);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }
}

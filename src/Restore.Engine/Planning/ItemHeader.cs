using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Restore.Engine.Common;

namespace Restore.Engine.Planning;

/// <summary>
/// What the planner needs from an item file before deciding to restore it: validity, kind, apiVersion
/// and labels. Read with a forward-only reader (no object tree), which also checks the whole file is valid JSON.
/// </summary>
internal sealed class ItemHeader
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public string ApiVersion { get; private set; } = string.Empty;

    public string Kind { get; private set; } = string.Empty;

    public IReadOnlyDictionary<string, string> Labels { get; private set; } = NoLabels;

    private bool details;
    private bool hasKind;

    /// <summary>
    /// Reads the header; returns false with the decode error text (never the file content). Without
    /// <paramref name="readDetails"/> the file is only validated and checked for a kind: labels, kind and apiVersion are
    /// left empty, which saves a dictionary and three strings per item when the restore has no selector.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    public static bool TryRead(ReadOnlySpan<byte> json, out ItemHeader header, out string? error, bool readDetails = true)
    {
        header = new ItemHeader { details = readDetails };
        error = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the item is not a JSON object";
                return false;
            }

            ReadTop(ref reader, header);
            if (reader.Read())
            {
                error = "invalid JSON: unexpected data after the top-level object";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = "invalid JSON: " + ex.Message;
            return false;
        }

        if (!header.hasKind)
        {
            error = "Object 'Kind' is missing";
            return false;
        }

        return true;
    }

    [MethodImpl(HotPath.Optimize)]
    private static void ReadTop(ref Utf8JsonReader reader, ItemHeader header)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    // An escape sequence is never empty, so raw bytes tell whether the kind is.
                    header.hasKind = reader.ValueSpan.Length > 0;
                    header.Kind = header.details ? reader.GetString() ?? string.Empty : string.Empty;
                }
                else
                {
                    header.hasKind = false;
                    header.Kind = Skip(ref reader);
                }
            }
            else if (header.details && reader.ValueTextEquals("apiVersion"u8))
            {
                reader.Read();
                header.ApiVersion = reader.TokenType == JsonTokenType.String ? reader.GetString() ?? string.Empty : Skip(ref reader);
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject && header.details)
                {
                    ReadMetadata(ref reader, header);
                }
                else
                {
                    Skip(ref reader);
                }
            }
            else
            {
                reader.Read();
                Skip(ref reader);
            }
        }
    }

    [MethodImpl(HotPath.Optimize)]
    private static void ReadMetadata(ref Utf8JsonReader reader, ItemHeader header)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("labels"u8))
            {
                reader.Read();
                header.Labels = ReadLabels(ref reader);
            }
            else
            {
                reader.Read();
                Skip(ref reader);
            }
        }
    }

    [MethodImpl(HotPath.Optimize)]
    private static IReadOnlyDictionary<string, string> ReadLabels(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Skip(ref reader);
            return NoLabels;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var valid = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString() ?? string.Empty;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                labels[key] = reader.GetString() ?? string.Empty;
            }
            else
            {
                // Like unstructured.GetLabels, a non-string value means no labels at all.
                valid = false;
                Skip(ref reader);
            }
        }

        return valid ? labels : NoLabels;
    }

    // Skips the current value (and its children); returns empty text so callers can use it as a default.
    [MethodImpl(HotPath.Optimize)]
    private static string Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        return string.Empty;
    }
}

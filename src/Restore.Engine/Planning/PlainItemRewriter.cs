using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Restore.Engine.Common;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>
/// Restores a "plain" item file — one that no restore item action, resource modifier or status restore touches —
/// without building an object tree: the file is read once with a forward-only reader and written back with the
/// metadata reset, <c>status</c> dropped, the target namespace set and the restore labels added, byte for byte what the
/// tree path would send (same property order, same escaping). ConfigMaps and ordinary Secrets are most of a typical
/// backup, and for them the tree was most of the plan's time and allocation.
/// </summary>
/// <remarks>
/// Anything the tree path would treat specially makes <see cref="TryRewrite"/> give up (and the caller takes the tree
/// path): metadata that is not an object, a duplicate or escaped key where keys are looked at, non-string
/// <c>apiVersion</c>, <c>kind</c>, <c>name</c> or <c>namespace</c>, the <c>velero.io/restore-status</c> annotation, a
/// Secret of the given type, or JSON the writer refuses. One instance per plan session (it reuses its buffer).
/// </remarks>
internal sealed class PlainItemRewriter
{
    private const string RestoreStatusAnnotation = "velero.io/restore-status";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
    private static readonly byte[] Metadata = Encoding.UTF8.GetBytes("metadata");
    private static readonly byte[] Status = Encoding.UTF8.GetBytes("status");
    private static readonly byte[] ApiVersionKey = Encoding.UTF8.GetBytes("apiVersion");
    private static readonly byte[] KindKey = Encoding.UTF8.GetBytes("kind");
    private static readonly byte[] TypeKey = Encoding.UTF8.GetBytes("type");
    private static readonly byte[] NameKey = Encoding.UTF8.GetBytes("name");
    private static readonly byte[] NamespaceKey = Encoding.UTF8.GetBytes("namespace");
    private static readonly byte[] LabelsKey = Encoding.UTF8.GetBytes("labels");
    private static readonly byte[] AnnotationsKey = Encoding.UTF8.GetBytes("annotations");
    private static readonly byte[] RestoreStatusKey = Encoding.UTF8.GetBytes(RestoreStatusAnnotation);
    private static readonly byte[] BackupLabelKey = Encoding.UTF8.GetBytes(RestoreLabels.BackupName);
    private static readonly byte[] RestoreLabelKey = Encoding.UTF8.GetBytes(RestoreLabels.RestoreName);
    private static readonly byte[][] ResetKeys = ToUtf8(PlanObjects.ResetMetadataFields);

    private readonly MemoryStream buffer = new();
    private readonly Utf8JsonWriter writer;
    private readonly List<(int Start, int Length)> seenKeys = new();

    public PlainItemRewriter() => writer = new Utf8JsonWriter(buffer, WriterOptions);

    /// <summary>What the rewrite found and produced.</summary>
    internal readonly struct Result
    {
        public Result(byte[] objectUtf8, string? apiVersion, string? kind, string name, string objectNamespace)
        {
            ObjectUtf8 = objectUtf8;
            ApiVersion = apiVersion;
            Kind = kind;
            Name = name;
            ObjectNamespace = objectNamespace;
        }

        /// <summary>The object to send.</summary>
        public byte[] ObjectUtf8 { get; }

        /// <summary>The top-level <c>apiVersion</c>; null when absent.</summary>
        public string? ApiVersion { get; }

        /// <summary>The top-level <c>kind</c>; null when absent.</summary>
        public string? Kind { get; }

        /// <summary><c>metadata.name</c>; empty when absent.</summary>
        public string Name { get; }

        /// <summary><c>metadata.namespace</c> as backed up; empty when absent.</summary>
        public string ObjectNamespace { get; }
    }

    /// <summary>
    /// Rewrites the item; false when the tree path must handle it. <paramref name="targetNamespace"/> empty leaves
    /// <c>metadata.namespace</c> as it is (cluster-scoped items). <paramref name="refusedType"/>, when given, is a
    /// top-level <c>type</c> value that makes the item not plain (a service-account token Secret).
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    public bool TryRewrite(ReadOnlySpan<byte> json, string targetNamespace, string restoreLabel, string backupLabel, string? refusedType, out Result result)
    {
        result = default;
        buffer.SetLength(0);
        writer.Reset(buffer);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? apiVersion = null, kind = null;
            string name = string.Empty, objectNamespace = string.Empty;
            var sawMetadata = false;
            var topKeys = seenKeys.Count;
            writer.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!Remember(ref reader, json, topKeys))
                {
                    return false;
                }

                if (reader.ValueTextEquals(Status))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                if (reader.ValueTextEquals(Metadata))
                {
                    sawMetadata = true;
                    writer.WritePropertyName(Metadata);
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject || !RewriteMetadata(ref reader, json, targetNamespace, restoreLabel, backupLabel, out name, out objectNamespace))
                    {
                        return false;
                    }

                    continue;
                }

                var isApiVersion = reader.ValueTextEquals(ApiVersionKey);
                var isKind = !isApiVersion && reader.ValueTextEquals(KindKey);
                var isType = refusedType is not null && reader.ValueTextEquals(TypeKey);
                writer.WritePropertyName(reader.ValueSpan);
                reader.Read();
                if (isApiVersion || isKind)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    if (isApiVersion)
                    {
                        apiVersion = reader.GetString();
                    }
                    else
                    {
                        kind = reader.GetString();
                    }
                }
                else if (isType && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(refusedType))
                {
                    return false;
                }

                Copy(ref reader);
            }

            if (reader.TokenType != JsonTokenType.EndObject || !sawMetadata)
            {
                return false;
            }

            writer.WriteEndObject();
            writer.Flush();
            result = new Result(buffer.ToArray(), apiVersion, kind, name, objectNamespace);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8 in a string, depth, and the like: the tree path reports it as it always has.
            return false;
        }
        finally
        {
            seenKeys.Clear();
        }
    }

    private static byte[][] ToUtf8(IEnumerable<string> values)
    {
        var list = new List<byte[]>();
        foreach (var value in values)
        {
            list.Add(Encoding.UTF8.GetBytes(value));
        }

        return list.ToArray();
    }

    /// <summary>Metadata: reset fields dropped, namespace set in place (or added), restore labels set in place (or added).</summary>
    [MethodImpl(HotPath.Optimize)]
    private bool RewriteMetadata(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string targetNamespace, string restoreLabel, string backupLabel, out string name, out string objectNamespace)
    {
        name = string.Empty;
        objectNamespace = string.Empty;
        var wroteNamespace = false;
        var wroteLabels = false;
        var keys = seenKeys.Count;
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!Remember(ref reader, json, keys))
            {
                return false;
            }

            if (IsResetKey(ref reader))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (reader.ValueTextEquals(NameKey) || reader.ValueTextEquals(NamespaceKey))
            {
                var isName = reader.ValueTextEquals(NameKey);
                writer.WritePropertyName(reader.ValueSpan);
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                var text = reader.GetString()!;
                if (isName)
                {
                    name = text;
                    writer.WriteStringValue(text);
                }
                else
                {
                    objectNamespace = text;
                    writer.WriteStringValue(targetNamespace.Length > 0 ? targetNamespace : text);
                    wroteNamespace = true;
                }

                continue;
            }

            if (reader.ValueTextEquals(LabelsKey))
            {
                writer.WritePropertyName(LabelsKey);
                reader.Read();
                if (!RewriteLabels(ref reader, json, restoreLabel, backupLabel))
                {
                    return false;
                }

                wroteLabels = true;
                continue;
            }

            if (reader.ValueTextEquals(AnnotationsKey))
            {
                writer.WritePropertyName(AnnotationsKey);
                reader.Read();
                if (!CopyAnnotations(ref reader, json))
                {
                    return false;
                }

                continue;
            }

            writer.WritePropertyName(reader.ValueSpan);
            reader.Read();
            Copy(ref reader);
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return false;
        }

        seenKeys.RemoveRange(keys, seenKeys.Count - keys);
        if (!wroteNamespace && targetNamespace.Length > 0)
        {
            writer.WriteString(NamespaceKey, targetNamespace);
        }

        if (!wroteLabels)
        {
            writer.WritePropertyName(LabelsKey);
            writer.WriteStartObject();
            writer.WriteString(BackupLabelKey, backupLabel);
            writer.WriteString(RestoreLabelKey, restoreLabel);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        return true;
    }

    /// <summary>Labels: both restore labels set in place when present, added at the end (backup name first) when not.</summary>
    [MethodImpl(HotPath.Optimize)]
    private bool RewriteLabels(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, string restoreLabel, string backupLabel)
    {
        writer.WriteStartObject();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Not an object: the tree path replaces it with one holding just the two labels.
            reader.Skip();
            writer.WriteString(BackupLabelKey, backupLabel);
            writer.WriteString(RestoreLabelKey, restoreLabel);
        }
        else
        {
            var keys = seenKeys.Count;
            var wroteBackup = false;
            var wroteRestore = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!Remember(ref reader, json, keys))
                {
                    return false;
                }

                var isBackup = reader.ValueTextEquals(BackupLabelKey);
                var isRestore = !isBackup && reader.ValueTextEquals(RestoreLabelKey);
                writer.WritePropertyName(reader.ValueSpan);
                reader.Read();
                if (isBackup || isRestore)
                {
                    reader.Skip();
                    writer.WriteStringValue(isBackup ? backupLabel : restoreLabel);
                    wroteBackup |= isBackup;
                    wroteRestore |= isRestore;
                    continue;
                }

                Copy(ref reader);
            }

            seenKeys.RemoveRange(keys, seenKeys.Count - keys);
            if (!wroteBackup)
            {
                writer.WriteString(BackupLabelKey, backupLabel);
            }

            if (!wroteRestore)
            {
                writer.WriteString(RestoreLabelKey, restoreLabel);
            }
        }

        writer.WriteEndObject();
        return true;
    }

    /// <summary>Annotations are copied; the restore-status annotation (which can bring status back) is the tree path's.</summary>
    [MethodImpl(HotPath.Optimize)]
    private bool CopyAnnotations(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Copy(ref reader);
            return true;
        }

        var keys = seenKeys.Count;
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!Remember(ref reader, json, keys) || reader.ValueTextEquals(RestoreStatusKey))
            {
                return false;
            }

            writer.WritePropertyName(reader.ValueSpan);
            reader.Read();
            Copy(ref reader);
        }

        seenKeys.RemoveRange(keys, seenKeys.Count - keys);
        writer.WriteEndObject();
        return true;
    }

    [MethodImpl(HotPath.Optimize)]
    private bool IsResetKey(ref Utf8JsonReader reader)
    {
        foreach (var key in ResetKeys)
        {
            if (reader.ValueTextEquals(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Notes a key of the object whose keys start at <paramref name="from"/> in the seen list; false for an escaped key
    /// or one seen before (the tree path fails on duplicates where it reads them, so those items go its way).
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private bool Remember(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int from)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var start = (int)reader.TokenStartIndex + 1;
        var span = reader.ValueSpan;
        for (var i = from; i < seenKeys.Count; i++)
        {
            var (s, l) = seenKeys[i];
            if (json.Slice(s, l).SequenceEqual(span))
            {
                return false;
            }
        }

        seenKeys.Add((start, span.Length));
        return true;
    }

    /// <summary>Copies the value the reader is on (scalar or whole object or array), re-encoded as the tree path writes it.</summary>
    [MethodImpl(HotPath.Optimize)]
    private void Copy(ref Utf8JsonReader reader)
    {
        WriteToken(ref reader);
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read())
        {
            WriteToken(ref reader);
            if (reader.CurrentDepth == depth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                return;
            }
        }
    }

    [MethodImpl(HotPath.Optimize)]
    private void WriteToken(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName when reader.ValueIsEscaped:
                writer.WritePropertyName(reader.GetString()!);
                break;
            case JsonTokenType.PropertyName:
                writer.WritePropertyName(reader.ValueSpan);
                break;
            case JsonTokenType.String when reader.ValueIsEscaped:
                writer.WriteStringValue(reader.GetString());
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(reader.ValueSpan);
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
            default:
                throw new JsonException("unexpected token " + reader.TokenType);
        }
    }
}

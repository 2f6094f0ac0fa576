using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>
/// Decodes the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) for the few kinds kubectl's
/// imperative commands send as protobuf (create namespace/configmap/secret/serviceaccount, auth
/// can-i/whoami). Other kinds get 415 naming the kind, so a client can fall back to JSON.
/// Field numbers are those of k8s.io/api generated.proto.
/// </summary>
internal static class Protobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = { 0x6b, 0x38, 0x73, 0x00 };

    private static readonly Message Time = new(new Field(1, "seconds", Kind.Int), new Field(2, "nanos", Kind.Int));

    private static readonly Message OwnerReference = new(
        new Field(1, "kind", Kind.String), new Field(3, "name", Kind.String), new Field(4, "uid", Kind.String),
        new Field(5, "apiVersion", Kind.String), new Field(6, "controller", Kind.Bool), new Field(7, "blockOwnerDeletion", Kind.Bool));

    private static readonly Message ObjectMeta = new(
        new Field(1, "name", Kind.String), new Field(2, "generateName", Kind.String), new Field(3, "namespace", Kind.String),
        new Field(5, "uid", Kind.String), new Field(6, "resourceVersion", Kind.String), new Field(7, "generation", Kind.Int),
        new Field(8, "creationTimestamp", Kind.Time), new Field(9, "deletionTimestamp", Kind.Time), new Field(10, "deletionGracePeriodSeconds", Kind.Int),
        new Field(11, "labels", Kind.StringMap), new Field(12, "annotations", Kind.StringMap),
        new Field(13, "ownerReferences", Kind.Message, OwnerReference, Repeated: true), new Field(14, "finalizers", Kind.String, Repeated: true));

    private static readonly Message ObjectReference = new(
        new Field(1, "kind", Kind.String), new Field(2, "namespace", Kind.String), new Field(3, "name", Kind.String),
        new Field(4, "uid", Kind.String), new Field(5, "apiVersion", Kind.String), new Field(6, "resourceVersion", Kind.String), new Field(7, "fieldPath", Kind.String));

    private static readonly Message LocalObjectReference = new(new Field(1, "name", Kind.String));

    private static readonly Dictionary<(string ApiVersion, string Kind), Message> Kinds = new()
    {
        [("v1", "Namespace")] = new(Meta(), new Field(2, "spec", Kind.Message, new Message(new Field(1, "finalizers", Kind.String, Repeated: true)))),
        [("v1", "ConfigMap")] = new(Meta(), new Field(2, "data", Kind.StringMap), new Field(3, "binaryData", Kind.BytesMap), new Field(4, "immutable", Kind.Bool)),
        [("v1", "Secret")] = new(Meta(), new Field(2, "data", Kind.BytesMap), new Field(3, "type", Kind.String), new Field(4, "stringData", Kind.StringMap), new Field(5, "immutable", Kind.Bool)),
        [("v1", "ServiceAccount")] = new(
            Meta(),
            new Field(2, "secrets", Kind.Message, ObjectReference, Repeated: true),
            new Field(3, "imagePullSecrets", Kind.Message, LocalObjectReference, Repeated: true),
            new Field(4, "automountServiceAccountToken", Kind.Bool)),
        [("authorization.k8s.io/v1", "SelfSubjectAccessReview")] = new(Meta(), new Field(2, "spec", Kind.Message, new Message(
            new Field(1, "resourceAttributes", Kind.Message, new Message(
                new Field(1, "namespace", Kind.String), new Field(2, "verb", Kind.String), new Field(3, "group", Kind.String), new Field(4, "version", Kind.String),
                new Field(5, "resource", Kind.String), new Field(6, "subresource", Kind.String), new Field(7, "name", Kind.String))),
            new Field(2, "nonResourceAttributes", Kind.Message, new Message(new Field(1, "path", Kind.String), new Field(2, "verb", Kind.String)))))),
        [("authentication.k8s.io/v1", "SelfSubjectReview")] = new(Meta()),
    };

    private enum Kind
    {
        String,
        Int,
        Bool,
        Time,
        Message,
        StringMap,
        BytesMap,
    }

    /// <summary>The object as JSON; 415 for kinds this decoder does not know, 400 for a malformed body.</summary>
    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw ApiErrors.BadRequest("the protobuf body does not start with the Kubernetes envelope");
        }

        try
        {
            var unknown = new Reader(body.AsMemory(Magic.Length));
            string apiVersion = string.Empty, kind = string.Empty;
            ReadOnlyMemory<byte> raw = default;
            while (unknown.Next(out var number, out var value))
            {
                if (number == 1)
                {
                    var typeMeta = new Reader(value.Bytes);
                    while (typeMeta.Next(out var n, out var v))
                    {
                        if (n == 1)
                        {
                            apiVersion = v.Text;
                        }
                        else if (n == 2)
                        {
                            kind = v.Text;
                        }
                    }
                }
                else if (number == 2)
                {
                    raw = value.Bytes;
                }
            }

            if (!Kinds.TryGetValue((apiVersion, kind), out var message))
            {
                throw ApiErrors.UnsupportedMediaType(MediaType, new[] { "application/json" });
            }

            var obj = ToJson(message, raw);
            obj["apiVersion"] = apiVersion;
            obj["kind"] = kind;
            return obj;
        }
        catch (FormatException e)
        {
            throw ApiErrors.BadRequest("malformed protobuf body: " + e.Message);
        }
    }

    private static Field Meta() => new(1, "metadata", Kind.Message, ObjectMeta);

    private static JsonObject ToJson(Message message, ReadOnlyMemory<byte> bytes)
    {
        var obj = new JsonObject();
        var reader = new Reader(bytes);
        while (reader.Next(out var number, out var value))
        {
            if (!message.Fields.TryGetValue(number, out var field))
            {
                continue;
            }

            JsonNode? node = field.Kind switch
            {
                Kind.String => value.Text,
                Kind.Int => value.Integer,
                Kind.Bool => value.Integer != 0,
                Kind.Time => TimeText(value.Bytes),
                Kind.Message => ToJson(field.Message!, value.Bytes),
                _ => null,
            };

            // Go writes zero values of plain fields on the wire; JSON (omitempty) would not have them.
            if (!field.Repeated && field.Kind is Kind.String or Kind.Int or Kind.Bool or Kind.Time
                && (node is null || node.ToJsonString() is "\"\"" or "0" or "false"))
            {
                continue;
            }

            if (field.Kind is Kind.StringMap or Kind.BytesMap)
            {
                var (key, entry) = MapEntry(value.Bytes, field.Kind == Kind.BytesMap);
                Json.Obj(obj, field.Name)[key] = entry;
            }
            else if (field.Repeated)
            {
                if (obj[field.Name] is not JsonArray list)
                {
                    list = new JsonArray();
                    obj[field.Name] = list;
                }

                list.Add(node);
            }
            else
            {
                obj[field.Name] = node;
            }
        }

        return obj;
    }

    private static (string Key, string Value) MapEntry(ReadOnlyMemory<byte> bytes, bool base64)
    {
        var reader = new Reader(bytes);
        string key = string.Empty, text = string.Empty;
        while (reader.Next(out var number, out var value))
        {
            if (number == 1)
            {
                key = value.Text;
            }
            else if (number == 2)
            {
                text = base64 ? Convert.ToBase64String(value.Bytes.Span) : value.Text;
            }
        }

        return (key, text);
    }

    private static string? TimeText(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        long seconds = 0;
        while (reader.Next(out var number, out var value))
        {
            if (number == 1)
            {
                seconds = value.Integer;
            }
        }

        return seconds == 0 ? null : Json.Timestamp(DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    private sealed record Field(int Number, string Name, Kind Kind, Message? Message = null, bool Repeated = false);

    private sealed class Message
    {
        public Message(params Field[] fields)
        {
            foreach (var field in fields)
            {
                Fields[field.Number] = field;
            }
        }

        public Dictionary<int, Field> Fields { get; } = new();
    }

    private readonly struct Value
    {
        public Value(long integer, ReadOnlyMemory<byte> bytes)
        {
            Integer = integer;
            Bytes = bytes;
        }

        public long Integer { get; }

        public ReadOnlyMemory<byte> Bytes { get; }

        public string Text => Encoding.UTF8.GetString(Bytes.Span);
    }

    /// <summary>Protobuf wire format: varint, 64-bit, length-delimited and 32-bit fields.</summary>
    private struct Reader
    {
        private readonly ReadOnlyMemory<byte> data;
        private int position;

        public Reader(ReadOnlyMemory<byte> data)
        {
            this.data = data;
            position = 0;
        }

        public bool Next(out int number, out Value value)
        {
            if (position >= data.Length)
            {
                number = 0;
                value = default;
                return false;
            }

            var key = Varint();
            number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    value = new Value((long)Varint(), default);
                    break;
                case 1:
                    value = new Value(BitConverter.ToInt64(Take(8).Span), default);
                    break;
                case 2:
                    value = new Value(0, Take((int)Varint()));
                    break;
                case 5:
                    value = new Value(BitConverter.ToInt32(Take(4).Span), default);
                    break;
                default:
                    throw new FormatException($"unsupported wire type {key & 7}");
            }

            return true;
        }

        private ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= data.Length)
                {
                    throw new FormatException("truncated varint");
                }

                var b = data.Span[position++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new FormatException("varint too long");
        }

        private ReadOnlyMemory<byte> Take(int length)
        {
            if (length < 0 || position + length > data.Length)
            {
                throw new FormatException("truncated field");
            }

            var slice = data.Slice(position, length);
            position += length;
            return slice;
        }
    }
}

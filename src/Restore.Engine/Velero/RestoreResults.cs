using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>Where a restore warning or error is filed (docs/velero-compatibility.md#results-file).</summary>
internal enum ResultBucket
{
    /// <summary>Velero-level: archive problems, namespace-ensure failures, invalid selectors, wildcard errors.</summary>
    Velero,

    /// <summary>Cluster-scoped items.</summary>
    Cluster,

    /// <summary>Namespaced items, filed under the target namespace.</summary>
    Namespace,
}

/// <summary>One warning or error message and where it is filed.</summary>
internal sealed class ResultMessage
{
    /// <summary>Creates a message.</summary>
    public ResultMessage(ResultBucket bucket, string @namespace, string text)
    {
        Bucket = bucket;
        Namespace = bucket == ResultBucket.Namespace ? @namespace ?? string.Empty : string.Empty;
        Text = text ?? string.Empty;
    }

    /// <summary>The bucket.</summary>
    public ResultBucket Bucket { get; }

    /// <summary>The namespace key for <see cref="ResultBucket.Namespace"/>; empty otherwise.</summary>
    public string Namespace { get; }

    /// <summary>The message text.</summary>
    public string Text { get; }

    /// <summary>A message for an item: namespace bucket when <paramref name="namespace"/> is non-empty, else cluster (Velero's <c>Result.Add</c>).</summary>
    public static ResultMessage ForItem(string? @namespace, string text) =>
        string.IsNullOrEmpty(@namespace) ? new ResultMessage(ResultBucket.Cluster, string.Empty, text) : new ResultMessage(ResultBucket.Namespace, @namespace!, text);

    /// <inheritdoc />
    public override string ToString() => Bucket switch
    {
        ResultBucket.Velero => "Velero: " + Text,
        ResultBucket.Cluster => "Cluster: " + Text,
        _ => $"Namespace {Namespace}: {Text}",
    };
}

/// <summary>Velero's <c>Result</c>: <c>{"velero": [...], "cluster": [...], "namespaces": {"ns": [...]}}</c>.</summary>
internal sealed class ResultMessages
{
    private readonly List<string> velero = new();
    private readonly List<string> cluster = new();
    private readonly SortedDictionary<string, List<string>> namespaces = new(StringComparer.Ordinal);

    /// <summary>Velero-level messages.</summary>
    public IReadOnlyList<string> Velero => velero;

    /// <summary>Messages about cluster-scoped items.</summary>
    public IReadOnlyList<string> Cluster => cluster;

    /// <summary>Messages about namespaced items, by target namespace (byte-wise key order).</summary>
    public IReadOnlyDictionary<string, List<string>> Namespaces => namespaces;

    /// <summary>len(velero) + len(cluster) + the sum over namespaces (docs/velero-compatibility.md#restore-run step 7).</summary>
    public int Count => velero.Count + cluster.Count + namespaces.Values.Sum(l => l.Count);

    /// <summary>True when there is no message.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Adds a Velero-level message.</summary>
    public void AddVelero(string text) => velero.Add(text);

    /// <summary>Adds an item message: under <paramref name="namespace"/>, or <c>cluster</c> when it is empty.</summary>
    public void Add(string? @namespace, string text)
    {
        if (string.IsNullOrEmpty(@namespace))
        {
            cluster.Add(text);
            return;
        }

        if (!namespaces.TryGetValue(@namespace!, out var list))
        {
            list = new List<string>();
            namespaces.Add(@namespace!, list);
        }

        list.Add(text);
    }

    /// <summary>Adds a message to its bucket.</summary>
    public void Add(ResultMessage message)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        if (message.Bucket == ResultBucket.Velero)
        {
            velero.Add(message.Text);
        }
        else
        {
            Add(message.Bucket == ResultBucket.Cluster ? null : message.Namespace, message.Text);
        }
    }

    /// <summary>Appends every message of <paramref name="other"/>.</summary>
    public void Merge(ResultMessages other)
    {
        if (other is null)
        {
            return;
        }

        velero.AddRange(other.velero);
        cluster.AddRange(other.cluster);
        foreach (var kv in other.namespaces)
        {
            foreach (var m in kv.Value)
            {
                Add(kv.Key, m);
            }
        }
    }

    /// <summary>Every message with its bucket: Velero, then cluster, then namespaces in key order.</summary>
    public IEnumerable<ResultMessage> All()
    {
        foreach (var m in velero)
        {
            yield return new ResultMessage(ResultBucket.Velero, string.Empty, m);
        }

        foreach (var m in cluster)
        {
            yield return new ResultMessage(ResultBucket.Cluster, string.Empty, m);
        }

        foreach (var kv in namespaces)
        {
            foreach (var m in kv.Value)
            {
                yield return new ResultMessage(ResultBucket.Namespace, kv.Key, m);
            }
        }
    }

    /// <summary>Writes the Result as Go's encoder does: struct field order (velero, cluster, namespaces), namespace keys sorted, empty parts omitted.</summary>
    internal void WriteGo(StringBuilder sb)
    {
        sb.Append('{');
        var first = true;
        void Key(string key)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            GoJson.Quote(sb, key);
            sb.Append(':');
        }

        void List(List<string> items)
        {
            sb.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                GoJson.Quote(sb, items[i]);
            }

            sb.Append(']');
        }

        if (velero.Count > 0)
        {
            Key("velero");
            List(velero);
        }

        if (cluster.Count > 0)
        {
            Key("cluster");
            List(cluster);
        }

        if (namespaces.Count > 0)
        {
            Key("namespaces");
            sb.Append('{');
            var firstNs = true;
            foreach (var kv in namespaces)
            {
                if (!firstNs)
                {
                    sb.Append(',');
                }

                firstNs = false;
                GoJson.Quote(sb, kv.Key);
                sb.Append(':');
                List(kv.Value);
            }

            sb.Append('}');
        }

        sb.Append('}');
    }

    internal static ResultMessages FromNode(JsonNode? node)
    {
        var r = new ResultMessages();
        if (node is not JsonObject o)
        {
            return r;
        }

        foreach (var m in Strings(o["velero"]))
        {
            r.velero.Add(m);
        }

        foreach (var m in Strings(o["cluster"]))
        {
            r.cluster.Add(m);
        }

        if (o["namespaces"] is JsonObject ns)
        {
            foreach (var kv in ns)
            {
                foreach (var m in Strings(kv.Value))
                {
                    r.Add(kv.Key, m);
                }
            }
        }

        return r;
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).Where(s => s is not null).Select(s => s!) : Enumerable.Empty<string>();
}

/// <summary>The warnings and errors of a restore, as <c>restore-&lt;r&gt;-results.gz</c> holds them.</summary>
internal sealed class RestoreResults
{
    /// <summary>Warnings; they never change the phase.</summary>
    public ResultMessages Warnings { get; } = new();

    /// <summary>Errors; any error makes the restore PartiallyFailed.</summary>
    public ResultMessages Errors { get; } = new();

    /// <summary>Reads <c>{"errors": Result, "warnings": Result}</c>; a <c>null</c> payload gives empty results.</summary>
    /// <exception cref="FormatException">The text is not valid JSON.</exception>
    public static RestoreResults Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("restore results are not valid JSON: " + ex.Message, ex);
        }

        var r = new RestoreResults();
        if (node is JsonObject o)
        {
            r.Errors.Merge(ResultMessages.FromNode(o["errors"]));
            r.Warnings.Merge(ResultMessages.FromNode(o["warnings"]));
        }

        return r;
    }

    /// <summary>
    /// Compact JSON with sorted keys and a trailing newline, exactly as Go's <c>json.Encoder</c> writes it
    /// (HTML characters <c>&lt; &gt; &amp;</c> and U+2028/U+2029 escaped, other non-ASCII text kept).
    /// </summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        sb.Append("{\"errors\":");
        Errors.WriteGo(sb);
        sb.Append(",\"warnings\":");
        Warnings.WriteGo(sb);
        return sb.Append("}\n").ToString();
    }
}

/// <summary>Go <c>encoding/json</c> string quoting (with HTML escaping, Go's default).</summary>
internal static class GoJson
{
    private const string Hex = "0123456789abcdef";

    public static void Quote(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<':
                case '>':
                case '&':
                case '\u2028':
                case '\u2029':
                    Unicode(sb, c);
                    break;
                default:
                    if (c < 0x20)
                    {
                        Unicode(sb, c);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void Unicode(StringBuilder sb, char c) =>
        sb.Append("\\u").Append(Hex[(c >> 12) & 0xF]).Append(Hex[(c >> 8) & 0xF]).Append(Hex[(c >> 4) & 0xF]).Append(Hex[c & 0xF]);
}

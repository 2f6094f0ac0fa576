using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.Engine.Records;

/// <summary>Which bucket of Velero's Result a message belongs to (spec §8.1).</summary>
public enum ResultScope
{
    /// <summary>Restore-wide problems: archive, namespace ensure, clients, selectors.</summary>
    Velero,

    /// <summary>Cluster-scoped items.</summary>
    Cluster,

    /// <summary>Namespaced items, keyed by target namespace.</summary>
    Namespace,
}

/// <summary>One Velero Result: messages under <c>velero</c>, <c>cluster</c> and per namespace. Thread-safe.</summary>
public sealed class RestoreResult
{
    private readonly object gate = new();
    private readonly List<string> velero = new();
    private readonly List<string> cluster = new();
    private readonly SortedDictionary<string, List<string>> namespaces = new(StringComparer.Ordinal);

    /// <summary>Restore-wide messages.</summary>
    public IReadOnlyList<string> Velero
    {
        get
        {
            lock (gate)
            {
                return velero.ToArray();
            }
        }
    }

    /// <summary>Messages about cluster-scoped items.</summary>
    public IReadOnlyList<string> Cluster
    {
        get
        {
            lock (gate)
            {
                return cluster.ToArray();
            }
        }
    }

    /// <summary>Messages about namespaced items, by target namespace.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Namespaces
    {
        get
        {
            lock (gate)
            {
                return namespaces.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.ToArray(), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>len(velero) + len(cluster) + the sum over namespaces (spec §4.1 step 7).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return velero.Count + cluster.Count + namespaces.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>Adds a message to a bucket; <paramref name="namespace"/> is required for <see cref="ResultScope.Namespace"/>.</summary>
    public void Add(ResultScope scope, string message, string? @namespace = null)
    {
        lock (gate)
        {
            switch (scope)
            {
                case ResultScope.Velero:
                    velero.Add(message);
                    break;
                case ResultScope.Cluster:
                    cluster.Add(message);
                    break;
                default:
                    if (string.IsNullOrEmpty(@namespace))
                    {
                        throw new ArgumentException("A namespace is required for namespace-scoped results.", nameof(@namespace));
                    }

                    if (!namespaces.TryGetValue(@namespace!, out var list))
                    {
                        list = new List<string>();
                        namespaces.Add(@namespace!, list);
                    }

                    list.Add(message);
                    break;
            }
        }
    }

    /// <summary>Adds a message about an item: namespaced items go under their namespace, others under cluster.</summary>
    public void AddForItem(string targetNamespace, string message) =>
        Add(string.IsNullOrEmpty(targetNamespace) ? ResultScope.Cluster : ResultScope.Namespace, message, targetNamespace);

    /// <summary>Copies every message of <paramref name="other"/> into this result.</summary>
    public void Merge(RestoreResult other)
    {
        if (other is null)
        {
            throw new ArgumentNullException(nameof(other));
        }

        foreach (var m in other.Velero)
        {
            Add(ResultScope.Velero, m);
        }

        foreach (var m in other.Cluster)
        {
            Add(ResultScope.Cluster, m);
        }

        foreach (var pair in other.Namespaces)
        {
            foreach (var m in pair.Value)
            {
                Add(ResultScope.Namespace, m, pair.Key);
            }
        }
    }

    /// <summary>Velero's JSON form: the three keys are omitted when empty, so an empty result is <c>{}</c>.</summary>
    public JsonObject ToJson()
    {
        lock (gate)
        {
            // Velero's Result struct declares velero, cluster, namespaces in that order.
            var json = new JsonObject();
            if (velero.Count > 0)
            {
                json["velero"] = ToArray(velero);
            }

            if (cluster.Count > 0)
            {
                json["cluster"] = ToArray(cluster);
            }

            if (namespaces.Count > 0)
            {
                var ns = new JsonObject();
                foreach (var pair in namespaces)
                {
                    ns[pair.Key] = ToArray(pair.Value);
                }

                json["namespaces"] = ns;
            }

            return json;
        }
    }

    /// <summary>Reads Velero's JSON form; null or missing parts read as empty.</summary>
    public static RestoreResult FromJson(JsonNode? node)
    {
        var result = new RestoreResult();
        if (node is not JsonObject json)
        {
            return result;
        }

        foreach (var m in Strings(json["velero"]))
        {
            result.Add(ResultScope.Velero, m);
        }

        foreach (var m in Strings(json["cluster"]))
        {
            result.Add(ResultScope.Cluster, m);
        }

        if (json["namespaces"] is JsonObject ns)
        {
            foreach (var pair in ns)
            {
                foreach (var m in Strings(pair.Value))
                {
                    result.Add(ResultScope.Namespace, m, pair.Key);
                }
            }
        }

        return result;
    }

    private static JsonArray ToArray(List<string> messages)
    {
        var array = new JsonArray();
        foreach (var m in messages)
        {
            array.Add(m);
        }

        return array;
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n?.GetValue<string>() ?? string.Empty) : Enumerable.Empty<string>();
}

/// <summary>The warnings and errors of a restore: Velero's <c>restore-&lt;r&gt;-results.gz</c> payload.</summary>
public sealed class RestoreResults
{
    /// <summary>Errors.</summary>
    public RestoreResult Errors { get; } = new();

    /// <summary>Warnings. They never change the phase.</summary>
    public RestoreResult Warnings { get; } = new();

    /// <summary>The payload: <c>{"errors":…,"warnings":…}</c>, keys sorted, compact.</summary>
    public JsonObject ToJson() => new() { ["errors"] = Errors.ToJson(), ["warnings"] = Warnings.ToJson() };

    /// <summary>Reads the payload.</summary>
    public static RestoreResults FromJson(JsonNode? node)
    {
        var results = new RestoreResults();
        if (node is JsonObject json)
        {
            results.Errors.Merge(RestoreResult.FromJson(json["errors"]));
            results.Warnings.Merge(RestoreResult.FromJson(json["warnings"]));
        }

        return results;
    }
}

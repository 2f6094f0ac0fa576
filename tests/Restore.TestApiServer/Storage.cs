using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using JsonText = Restore.TestApiServer.Json;

namespace Restore.TestApiServer;

/// <summary>
/// One stored object, immutable: the serialized JSON is what GET writes, and the few fields
/// selectors need are extracted once at write time so lists never reparse.
/// </summary>
internal sealed class StoredObject
{
    public StoredObject(string ns, string name, long resourceVersion, byte[] json, IReadOnlyDictionary<string, string> labels, string uid, bool deleting, bool hasFinalizers)
    {
        Namespace = ns;
        Name = name;
        ResourceVersion = resourceVersion;
        Json = json;
        Labels = labels;
        Uid = uid;
        Deleting = deleting;
        HasFinalizers = hasFinalizers;
    }

    public string Namespace { get; }

    public string Name { get; }

    public long ResourceVersion { get; }

    public byte[] Json { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public string Uid { get; }

    public bool Deleting { get; }

    public bool HasFinalizers { get; }

    public string Key => ResourceBucket.KeyOf(Namespace, Name);

    public JsonObject ToJson() => JsonText.ParseStored(Json);

    public static StoredObject From(JsonObject obj, long resourceVersion)
    {
        var meta = JsonText.Metadata(obj);
        var bytes = JsonText.ToBytes(obj);
        return new StoredObject(
            JsonText.Str(meta["namespace"]) ?? string.Empty,
            JsonText.Str(meta["name"]) ?? string.Empty,
            resourceVersion,
            bytes,
            JsonText.Labels(obj),
            JsonText.Str(meta["uid"]) ?? string.Empty,
            meta["deletionTimestamp"] is not null,
            meta["finalizers"] is JsonArray { Count: > 0 });
    }
}

/// <summary>A change notification for watchers.</summary>
internal sealed record WatchEvent(string Type, StoredObject Object);

/// <summary>What a watcher wants to see.</summary>
internal sealed class WatchFilter
{
    public string? Namespace { get; init; }

    public LabelSelector? Labels { get; init; }

    public FieldSelector? Fields { get; init; }

    public bool Matches(StoredObject obj)
        => (Namespace is null || obj.Namespace == Namespace)
            && (Labels is null || Labels.Matches(obj.Labels))
            && (Fields is null || Fields.Matches(obj.Namespace, obj.Name));
}

/// <summary>A live watch: events arrive on <see cref="Events"/> until disposed.</summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly ResourceBucket bucket;

    public WatchSubscription(ResourceBucket bucket, WatchFilter filter)
    {
        this.bucket = bucket;
        Filter = filter;
    }

    public WatchFilter Filter { get; }

    public Channel<WatchEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<WatchEvent> Events => Channel.Reader;

    public void Dispose()
    {
        bucket.Unsubscribe(this);
        Channel.Writer.TryComplete();
    }
}

/// <summary>
/// All objects of one group-resource (every version shares it), guarded by one lock. Keys are
/// "namespace/name" (cluster-scoped: "/name") and are kept sorted the way etcd orders keys, so
/// lists and continue tokens page in a stable order.
/// </summary>
internal sealed class ResourceBucket
{
    private const int HistoryCapacity = 4096;
    private readonly Dictionary<string, StoredObject> objects = new(StringComparer.Ordinal);
    private readonly SortedSet<string> keys = new(StringComparer.Ordinal);
    private readonly List<WatchSubscription> watchers = new();
    private readonly WatchEvent?[] history = new WatchEvent?[HistoryCapacity];
    private int historyStart;
    private int historyCount;

    public ResourceBucket(string groupResource)
    {
        GroupResource = groupResource;
    }

    public string GroupResource { get; }

    public object Gate { get; } = new();

    /// <summary>The lowest resourceVersion a watch can resume from; older ones get 410 Expired.</summary>
    public long OldestReplayable { get; private set; }

    public int Count
    {
        get
        {
            lock (Gate)
            {
                return objects.Count;
            }
        }
    }

    public static string KeyOf(string ns, string name) => ns + "/" + name;

    /// <summary>Must be called under <see cref="Gate"/>.</summary>
    public StoredObject? Find(string ns, string name) => objects.GetValueOrDefault(KeyOf(ns, name));

    public StoredObject? Get(string ns, string name)
    {
        lock (Gate)
        {
            return Find(ns, name);
        }
    }

    /// <summary>Stores and notifies; must be called under <see cref="Gate"/>.</summary>
    public void Put(StoredObject obj, string eventType)
    {
        var key = obj.Key;
        if (objects.TryAdd(key, obj))
        {
            keys.Add(key);
        }
        else
        {
            objects[key] = obj;
        }

        Publish(new WatchEvent(eventType, obj));
    }

    /// <summary>Removes and notifies with <paramref name="tombstone"/>; must be called under <see cref="Gate"/>.</summary>
    public void Remove(StoredObject tombstone)
    {
        var key = tombstone.Key;
        if (objects.Remove(key))
        {
            keys.Remove(key);
            Publish(new WatchEvent("DELETED", tombstone));
        }
    }

    /// <summary>Objects in key order, optionally only in <paramref name="ns"/>, from <paramref name="fromKey"/> (inclusive); must be called under <see cref="Gate"/>.</summary>
    public IEnumerable<StoredObject> Range(string? ns, string? fromKey)
    {
        if (keys.Count == 0)
        {
            yield break;
        }

        var lower = ns is null ? keys.Min! : ns + "/";
        var upper = ns is null ? keys.Max! : ns + "/\uffff";
        if (fromKey is not null && string.CompareOrdinal(fromKey, lower) > 0)
        {
            lower = fromKey;
        }

        if (string.CompareOrdinal(lower, upper) > 0)
        {
            yield break;
        }

        foreach (var key in keys.GetViewBetween(lower, upper))
        {
            yield return objects[key];
        }
    }

    /// <summary>A snapshot of every object (for namespace cleanup and seeding checks).</summary>
    public List<StoredObject> Snapshot(string? ns)
    {
        lock (Gate)
        {
            return new List<StoredObject>(Range(ns, null));
        }
    }

    /// <summary>
    /// Registers a watcher and returns the events it must see first: the current objects as ADDED when
    /// <paramref name="fromResourceVersion"/> is 0, else the recorded changes after it. Atomic with
    /// respect to writers, so nothing is missed or duplicated.
    /// </summary>
    public (WatchSubscription Subscription, List<WatchEvent> Initial) Subscribe(WatchFilter filter, long fromResourceVersion, bool initialState)
    {
        lock (Gate)
        {
            if (!initialState && fromResourceVersion < OldestReplayable - 1)
            {
                throw ApiErrors.Expired($"too old resource version: {fromResourceVersion} ({OldestReplayable - 1})");
            }

            var initial = new List<WatchEvent>();
            if (initialState)
            {
                foreach (var obj in Range(filter.Namespace, null))
                {
                    if (filter.Matches(obj))
                    {
                        initial.Add(new WatchEvent("ADDED", obj));
                    }
                }
            }
            else
            {
                for (var i = 0; i < historyCount; i++)
                {
                    var e = history[(historyStart + i) % HistoryCapacity]!;
                    if (e.Object.ResourceVersion > fromResourceVersion && filter.Matches(e.Object))
                    {
                        initial.Add(e);
                    }
                }
            }

            var subscription = new WatchSubscription(this, filter);
            watchers.Add(subscription);
            return (subscription, initial);
        }
    }

    public void Unsubscribe(WatchSubscription subscription)
    {
        lock (Gate)
        {
            watchers.Remove(subscription);
        }
    }

    private void Publish(WatchEvent e)
    {
        if (historyCount == HistoryCapacity)
        {
            OldestReplayable = history[historyStart]!.Object.ResourceVersion + 1;
            history[historyStart] = e;
            historyStart = (historyStart + 1) % HistoryCapacity;
        }
        else
        {
            history[(historyStart + historyCount) % HistoryCapacity] = e;
            historyCount++;
        }

        foreach (var watcher in watchers)
        {
            if (watcher.Filter.Matches(e.Object))
            {
                watcher.Channel.Writer.TryWrite(e);
            }
        }
    }
}

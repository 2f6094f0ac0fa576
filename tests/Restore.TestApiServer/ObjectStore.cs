using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading;

namespace Restore.TestApiServer;

/// <summary>A page of a list.</summary>
internal sealed record ListPage(List<StoredObject> Items, long ResourceVersion, string? Continue, long? RemainingItemCount);

/// <summary>Preconditions and policy of a DELETE (metav1.DeleteOptions).</summary>
internal sealed record DeletePreconditions(string? Uid, string? ResourceVersion);

/// <summary>
/// In-memory storage with the API server's write semantics: server-set uid, resourceVersion,
/// generation and creationTimestamp; AlreadyExists, NotFound and Conflict; namespace lifecycle;
/// status subresource rules; finalizers; and the per-kind behaviour of namespaces, services and CRDs.
/// HTTP handlers and the in-process API both go through these methods, so seeding follows the same rules.
/// </summary>
public sealed partial class ObjectStore
{
    private static readonly string[] SystemMetadata = { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" };
    private readonly ConcurrentDictionary<string, ResourceBucket> buckets = new(StringComparer.Ordinal);
    private readonly ServiceAllocator services;
    private readonly ServerKnobs knobs;
    private readonly CancellationToken stopping;
    private long resourceVersion;

    internal ObjectStore(ResourceRegistry resources, ServerKnobs knobs, TestApiServerOptions options, CancellationToken stopping)
    {
        Resources = resources;
        this.knobs = knobs;
        this.stopping = stopping;
        services = new ServiceAllocator(options.ServiceClusterIpRange, options.NodePortMin, options.NodePortMax);
        CreateDefaultServiceAccounts = options.CreateDefaultObjects;
    }

    /// <summary>The served resources (built-ins and established CRDs).</summary>
    public ResourceRegistry Resources { get; }

    /// <summary>The latest resourceVersion handed out.</summary>
    public long CurrentResourceVersion => Interlocked.Read(ref resourceVersion);

    /// <summary>The address the "kubernetes" service gets (first of the service range).</summary>
    internal string KubernetesServiceIp => services.FirstAddress;

    private bool CreateDefaultServiceAccounts { get; }

    internal ResourceBucket Bucket(ResourceType t) => buckets.GetOrAdd(t.GroupResource, key => new ResourceBucket(key));

    internal JsonObject Create(ResourceType t, string urlNamespace, JsonObject body, bool dryRun)
    {
        CheckTypeMeta(t, body);
        var meta = Json.Metadata(body);
        var ns = ReconcileNamespace(t, urlNamespace, meta);
        var name = Json.Str(meta["name"]) ?? string.Empty;
        var generated = false;
        if (name.Length == 0 && Json.Str(meta["generateName"]) is { Length: > 0 } prefix)
        {
            name = prefix + RandomSuffix();
            meta["name"] = name;
            generated = true;
        }

        if (t.Namespaced)
        {
            EnsureNamespaceAcceptsCreate(t, ns, name);
        }

        var clientResourceVersion = Json.Str(meta["resourceVersion"]);
        foreach (var key in SystemMetadata.Append("managedFields").Append("selfLink").Append("resourceVersion"))
        {
            meta.Remove(key);
        }

        var errors = Validation.ValidateObjectMeta(t, meta, name, isCreate: true);
        PrepareForCreate(t, body, name, errors);
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(t.Group, t.Kind, name, errors);
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Json.Timestamp(DateTimeOffset.UtcNow);
        if (t.TracksGeneration)
        {
            meta["generation"] = 1;
        }

        if (!string.IsNullOrEmpty(clientResourceVersion))
        {
            // The real storage layer rejects this with an unclassified error (500, reason Unknown).
            throw ApiErrors.Unknown("resourceVersion should not be set on objects to be created");
        }

        if (t.Behaviour == ResourceBehaviour.Service)
        {
            services.PrepareCreate(body, name);
        }

        var bucket = Bucket(t);
        try
        {
            lock (bucket.Gate)
            {
                if (bucket.Find(ns, name) is not null)
                {
                    throw generated
                        ? new ApiException(409, "AlreadyExists", $"{t.GroupResource} {Go.Quote(name)} already exists, the server was not able to generate a unique name for the object", name, t.Group, t.Plural, retryAfterSeconds: 1)
                        : ApiErrors.AlreadyExists(t.Group, t.Plural, name);
                }

                if (!dryRun)
                {
                    var rv = NextResourceVersion();
                    meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                    Json.Canonical(body);
                    bucket.Put(StoredObject.From(body, rv), "ADDED");
                }
            }
        }
        catch
        {
            ReleaseAllocations(t, body, null);
            throw;
        }

        if (dryRun)
        {
            ReleaseAllocations(t, body, null);
            return Json.Canonical(body);
        }

        AfterCreate(t, body, name);
        return body;
    }

    internal JsonObject Get(ResourceType t, string ns, string name)
        => (Bucket(t).Get(ns, name) ?? throw ApiErrors.NotFound(t.Group, t.Plural, name)).ToJson();

    internal StoredObject? Find(ResourceType t, string ns, string name) => Bucket(t).Get(ns, name);

    internal ListPage List(ResourceType t, string? ns, LabelSelector? labels, FieldSelector? fields, int limit, string? continueToken)
    {
        string? from = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            from = ContinueToken.Decode(continueToken);
        }

        var bucket = Bucket(t);
        var items = new List<StoredObject>();
        string? next = null;
        long? remaining = null;
        long listRv;
        lock (bucket.Gate)
        {
            listRv = CurrentResourceVersion;
            var exactName = fields?.ExactName;
            IEnumerable<StoredObject> candidates = exactName is not null && ns is not null
                ? (bucket.Find(ns, exactName) is { } one ? new[] { one } : Array.Empty<StoredObject>())
                : bucket.Range(ns, from);
            using var e = candidates.GetEnumerator();
            while (e.MoveNext())
            {
                var obj = e.Current;
                if ((labels is not null && !labels.Matches(obj.Labels)) || (fields is not null && !fields.Matches(obj.Namespace, obj.Name)))
                {
                    continue;
                }

                if (limit > 0 && items.Count == limit)
                {
                    next = ContinueToken.Encode(listRv, items[^1].Key);
                    if (labels is null && fields is null)
                    {
                        long count = 1;
                        while (e.MoveNext())
                        {
                            count++;
                        }

                        remaining = count;
                    }

                    break;
                }

                items.Add(obj);
            }
        }

        return new ListPage(items, listRv, next, remaining);
    }

    internal JsonObject Update(ResourceType t, string urlNamespace, string name, JsonObject body, bool statusOnly, bool dryRun)
    {
        CheckTypeMeta(t, body);
        var meta = Json.Metadata(body);
        var ns = ReconcileNamespace(t, urlNamespace, meta);
        var bodyName = Json.Str(meta["name"]) ?? string.Empty;
        if (bodyName != name)
        {
            throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        return Mutate(t, ns, name, statusOnly, dryRun, _ => body);
    }

    internal JsonObject Patch(ResourceType t, string ns, string name, string contentType, byte[] patch, bool statusOnly, bool dryRun)
    {
        var kind = Patching.KindOf(contentType, t);
        return Mutate(t, ns, name, statusOnly, dryRun, current =>
        {
            var patched = Patching.Apply(kind, current, patch, t);
            if (Json.Str(Json.Metadata(patched)["name"]) is { } patchedName && patchedName != name)
            {
                throw ApiErrors.BadRequest($"the name of the object ({patchedName}) does not match the name on the URL ({name})");
            }

            return patched;
        });
    }

    internal (int Code, JsonObject Body) Delete(ResourceType t, string ns, string name, DeletePreconditions? preconditions, bool dryRun)
    {
        if (t.Behaviour == ResourceBehaviour.Namespace)
        {
            return (200, BeginNamespaceDeletion(name, preconditions, dryRun));
        }

        var bucket = Bucket(t);
        JsonObject obj;
        lock (bucket.Gate)
        {
            var current = bucket.Find(ns, name) ?? throw ApiErrors.NotFound(t.Group, t.Plural, name);
            CheckPreconditions(t, current, preconditions);
            obj = current.ToJson();
            if (current.HasFinalizers)
            {
                // Finalizers hold the object: it only gets its deletion timestamp, like a real server.
                if (!current.Deleting && !dryRun)
                {
                    var meta = Json.Metadata(obj);
                    meta["deletionTimestamp"] = Json.Timestamp(DateTimeOffset.UtcNow);
                    meta["deletionGracePeriodSeconds"] = 0;
                    StoreModified(bucket, obj);
                }

                return (200, obj);
            }

            if (dryRun)
            {
                return (200, t.ReturnsDeletedObject ? obj : SuccessStatus(t, name, current.Uid));
            }

            RemoveLocked(bucket, current);
        }

        AfterDelete(t, obj, name);
        return (200, t.ReturnsDeletedObject ? obj : SuccessStatus(t, name, Json.Str(Json.Metadata(obj)["uid"]) ?? string.Empty));
    }

    internal JsonObject DeleteCollection(ResourceType t, string? ns, LabelSelector? labels, FieldSelector? fields, bool dryRun)
    {
        var page = List(t, ns, labels, fields, 0, null);
        var deleted = new JsonArray();
        foreach (var item in page.Items)
        {
            try
            {
                Delete(t, item.Namespace, item.Name, null, dryRun);
                deleted.Add(item.ToJson());
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted concurrently; a real server skips it too.
            }
        }

        return new JsonObject
        {
            ["kind"] = t.EffectiveListKind,
            ["apiVersion"] = t.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = CurrentResourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        };
    }

    private JsonObject Mutate(ResourceType t, string ns, string name, bool statusOnly, bool dryRun, Func<JsonObject, JsonObject> produce)
    {
        var bucket = Bucket(t);
        JsonObject old;
        JsonObject updated;
        var removed = false;
        lock (bucket.Gate)
        {
            var current = bucket.Find(ns, name) ?? throw ApiErrors.NotFound(t.Group, t.Plural, name);
            old = current.ToJson();
            var proposed = produce(current.ToJson());
            var proposedMeta = Json.Metadata(proposed);
            var rv = Json.Str(proposedMeta["resourceVersion"]);
            if (string.IsNullOrEmpty(rv))
            {
                if (t.IsCustom)
                {
                    throw ApiErrors.Invalid(t.Group, t.Kind, name, new[] { StatusCause.Invalid("metadata.resourceVersion", "0x0", "must be specified for an update") });
                }
            }
            else if (rv != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiErrors.Conflict(t.Group, t.Plural, name, ApiErrors.ObjectModified);
            }

            if (statusOnly)
            {
                updated = old.DeepClone().AsObject();
                updated["status"] = proposed["status"]?.DeepClone();
                if (proposed["status"] is null)
                {
                    updated.Remove("status");
                }
            }
            else
            {
                updated = proposed;
                var meta = Json.Metadata(updated);
                var oldMeta = Json.Metadata(old);
                foreach (var key in SystemMetadata)
                {
                    meta.Remove(key);
                    if (oldMeta[key] is { } value)
                    {
                        meta[key] = value.DeepClone();
                    }
                }

                meta.Remove("managedFields");
                meta.Remove("selfLink");
                meta["namespace"] = oldMeta["namespace"]?.DeepClone();
                if (t.Namespaced is false)
                {
                    meta.Remove("namespace");
                }

                if (t.HasStatus)
                {
                    updated.Remove("status");
                    if (old["status"] is { } oldStatus)
                    {
                        updated["status"] = oldStatus.DeepClone();
                    }
                }

                var errors = Validation.ValidateObjectMeta(t, meta, name, isCreate: false);
                PrepareForUpdate(t, updated, old, name, errors);
                if (errors.Count > 0)
                {
                    ReleaseAllocations(t, updated, old);
                    throw ApiErrors.Invalid(t.Group, t.Kind, name, errors);
                }

                if (t.TracksGeneration && SpecChanged(old, updated))
                {
                    meta["generation"] = (Json.Int(oldMeta["generation"]) ?? 0) + 1;
                }
            }

            Json.Metadata(updated)["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            Json.Canonical(updated);
            if (Json.DeepEquals(updated, old))
            {
                // A no-op write changes nothing, not even the resourceVersion (kubectl reports "unchanged").
                return old;
            }

            if (dryRun)
            {
                ReleaseAllocations(t, updated, old);
                return updated;
            }

            if (current.Deleting && Json.Finalizers(updated).Count == 0)
            {
                // The last finalizer is gone: the object goes away (one DELETED event, as on a real server).
                RemoveLocked(bucket, updated);
                removed = true;
            }
            else
            {
                StoreModified(bucket, updated);
            }
        }

        if (t.Behaviour == ResourceBehaviour.Service)
        {
            services.ReleaseDropped(old, updated);
        }

        if (removed)
        {
            AfterDelete(t, updated, name);
        }
        else
        {
            AfterUpdate(t, updated, old);
        }

        return updated;
    }

    private StoredObject StoreModified(ResourceBucket bucket, JsonObject obj)
    {
        var rv = NextResourceVersion();
        Json.Metadata(obj)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        Json.Canonical(obj);
        var stored = StoredObject.From(obj, rv);
        bucket.Put(stored, "MODIFIED");
        return stored;
    }

    private void RemoveLocked(ResourceBucket bucket, StoredObject current) => RemoveLocked(bucket, current.ToJson());

    private void RemoveLocked(ResourceBucket bucket, JsonObject tombstone)
    {
        var rv = NextResourceVersion();
        Json.Metadata(tombstone)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        bucket.Remove(StoredObject.From(tombstone, rv));
    }

    private static void CheckPreconditions(ResourceType t, StoredObject current, DeletePreconditions? preconditions)
    {
        if (preconditions?.Uid is { Length: > 0 } uid && uid != current.Uid)
        {
            throw ApiErrors.Conflict(t.Group, t.Plural, current.Name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
        }

        var rv = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (preconditions?.ResourceVersion is { Length: > 0 } wanted && wanted != rv)
        {
            throw ApiErrors.Conflict(t.Group, t.Plural, current.Name, $"Precondition failed: ResourceVersion in precondition: {wanted}, ResourceVersion in object meta: {rv}");
        }
    }

    private static JsonObject SuccessStatus(ResourceType t, string name, string uid)
    {
        var details = new JsonObject { ["name"] = name };
        if (t.Group.Length > 0)
        {
            details["group"] = t.Group;
        }

        details["kind"] = t.Plural;
        details["uid"] = uid;
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    private static void CheckTypeMeta(ResourceType t, JsonObject body)
    {
        var apiVersion = Json.Str(body["apiVersion"]);
        var kind = Json.Str(body["kind"]);
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != t.GroupVersion)
        {
            throw ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({t.GroupVersion})");
        }

        if (!string.IsNullOrEmpty(kind) && kind != t.Kind)
        {
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({t.Kind})");
        }

        body["apiVersion"] = t.GroupVersion;
        body["kind"] = t.Kind;
    }

    private static string ReconcileNamespace(ResourceType t, string urlNamespace, JsonObject meta)
    {
        if (!t.Namespaced)
        {
            meta.Remove("namespace");
            return string.Empty;
        }

        var objNamespace = Json.Str(meta["namespace"]) ?? string.Empty;
        if (objNamespace.Length == 0)
        {
            meta["namespace"] = urlNamespace;
        }
        else if (objNamespace != urlNamespace)
        {
            throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        return urlNamespace;
    }

    private static bool SpecChanged(JsonObject old, JsonObject updated)
    {
        foreach (var (key, value) in updated)
        {
            if (key is "metadata" or "status" or "kind" or "apiVersion")
            {
                continue;
            }

            if (!Json.DeepEquals(value, old[key]))
            {
                return true;
            }
        }

        return old.Any(p => p.Key is not ("metadata" or "status" or "kind" or "apiVersion") && !updated.ContainsKey(p.Key));
    }

    private void ReleaseAllocations(ResourceType t, JsonObject prepared, JsonObject? previous)
    {
        if (t.Behaviour != ResourceBehaviour.Service)
        {
            return;
        }

        if (previous is null)
        {
            services.Release(prepared);
        }
        else
        {
            services.ReleaseDropped(prepared, previous);
        }
    }

    private long NextResourceVersion() => Interlocked.Increment(ref resourceVersion);

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars);
    }
}

/// <summary>Continue tokens shaped like the real server's: base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}.</summary>
internal static class ContinueToken
{
    public static string Encode(long resourceVersion, string lastKey)
    {
        var json = Json.ToBytes(new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = resourceVersion, ["start"] = lastKey + "\u0000" });
        return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The inclusive start key; throws 400 for a malformed token.</summary>
    public static string Decode(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var obj = Json.ParseObject(Convert.FromBase64String(padded), "continue");
            if (Json.Str(obj["v"]) != "meta.k8s.io/v1" || Json.Str(obj["start"]) is not { Length: > 0 } start)
            {
                throw new FormatException("unknown version or missing start");
            }

            return start;
        }
        catch (Exception e) when (e is FormatException or ApiException or ArgumentException)
        {
            throw ApiErrors.BadRequest("continue key is not valid: " + e.Message);
        }
    }
}

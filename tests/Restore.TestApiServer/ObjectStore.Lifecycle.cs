using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Restore.TestApiServer;

/// <summary>Per-kind behaviour: defaults on create, update rules, namespace lifecycle.</summary>
public sealed partial class ObjectStore
{
    private const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    private void PrepareForCreate(ResourceType t, JsonObject obj, string name, List<StatusCause> errors)
    {
        if (t.HasStatus)
        {
            // Status is owned by controllers: a create never sets it (built-ins get their initial status).
            obj.Remove("status");
            var initial = InitialStatus(t, obj);
            if (initial is not null)
            {
                obj["status"] = initial;
            }
        }

        switch (t.Behaviour)
        {
            case ResourceBehaviour.Namespace:
                Json.Obj(Json.Metadata(obj), "labels")[NamespaceNameLabel] = name;
                Json.Obj(obj, "spec")["finalizers"] = new JsonArray("kubernetes");
                break;
            case ResourceBehaviour.CustomResourceDefinition:
                PrepareCrd(obj, name, errors, isCreate: true);
                break;
        }

        if (t.Group.Length == 0 && t.Kind == "Secret")
        {
            NormalizeSecret(obj);
        }
    }

    private void PrepareForUpdate(ResourceType t, JsonObject updated, JsonObject old, string name, List<StatusCause> errors)
    {
        switch (t.Behaviour)
        {
            case ResourceBehaviour.Namespace:
                Json.Obj(Json.Metadata(updated), "labels")[NamespaceNameLabel] = name;
                var spec = Json.Obj(updated, "spec");
                spec["finalizers"] = (old["spec"] as JsonObject)?["finalizers"]?.DeepClone();
                break;
            case ResourceBehaviour.Service:
                services.PrepareUpdate(updated, old, name);
                break;
            case ResourceBehaviour.CustomResourceDefinition:
                PrepareCrd(updated, name, errors, isCreate: false);
                break;
        }

        if (t.Group.Length == 0 && t.Kind is "Secret" or "ConfigMap")
        {
            if (t.Kind == "Secret")
            {
                NormalizeSecret(updated);
            }

            if (old["immutable"] is JsonValue immutable && immutable.TryGetValue<bool>(out var isImmutable) && isImmutable)
            {
                foreach (var field in new[] { "data", "binaryData" })
                {
                    if (!Json.DeepEquals(old[field], updated[field]))
                    {
                        errors.Add(StatusCause.Forbidden(field, "field is immutable when `immutable` is set"));
                    }
                }

                if (!Json.DeepEquals(old["immutable"], updated["immutable"]))
                {
                    errors.Add(StatusCause.Forbidden("immutable", "field is immutable when `immutable` is set"));
                }
            }
        }
    }

    private void AfterCreate(ResourceType t, JsonObject obj, string name)
    {
        switch (t.Behaviour)
        {
            case ResourceBehaviour.Namespace when CreateDefaultServiceAccounts:
                // What the service-account controller does in a real cluster.
                TryCreateInternal("serviceaccounts", name, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
                break;
            case ResourceBehaviour.CustomResourceDefinition:
                ScheduleEstablish(name, Json.Str(Json.Metadata(obj)["uid"]) ?? string.Empty);
                break;
            case ResourceBehaviour.Generic when t.Group.Length == 0 && t.Plural == "pods":
                SchedulePodStart(obj, Json.Str(Json.Metadata(obj)["namespace"]) ?? string.Empty, name);
                break;
        }
    }

    private void AfterUpdate(ResourceType t, JsonObject updated, JsonObject old)
    {
        if (t.Behaviour == ResourceBehaviour.CustomResourceDefinition && IsEstablished(updated))
        {
            Resources.SetCustom(Json.Str(Json.Metadata(updated)["name"])!, CustomTypes(updated));
        }

        _ = old;
    }

    private void AfterDelete(ResourceType t, JsonObject obj, string name)
    {
        switch (t.Behaviour)
        {
            case ResourceBehaviour.Service:
                services.Release(obj);
                break;
            case ResourceBehaviour.CustomResourceDefinition:
                Resources.RemoveCustom(name);
                PurgeBucket(CustomGroupResource(obj));
                break;
        }
    }

    private static JsonObject? InitialStatus(ResourceType t, JsonObject obj)
    {
        if (t.IsCustom)
        {
            return null;
        }

        return (t.Group, t.Kind) switch
        {
            ("", "Namespace") => new JsonObject { ["phase"] = "Active" },
            ("", "Pod") => new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(obj) },
            ("", "PersistentVolume") => new JsonObject { ["phase"] = "Pending" },
            ("", "PersistentVolumeClaim") => new JsonObject { ["phase"] = "Pending" },
            ("", "Service") => new JsonObject { ["loadBalancer"] = new JsonObject() },
            ("apiextensions.k8s.io", _) => null,
            _ => new JsonObject(),
        };
    }

    private static string QosClass(JsonObject pod)
    {
        var containers = (pod["spec"] as JsonObject)?["containers"] as JsonArray;
        if (containers is null || containers.Count == 0)
        {
            return "BestEffort";
        }

        var any = false;
        var guaranteed = true;
        foreach (var c in containers.OfType<JsonObject>())
        {
            var resources = c["resources"] as JsonObject;
            var requests = resources?["requests"] as JsonObject;
            var limits = resources?["limits"] as JsonObject;
            any |= requests is { Count: > 0 } || limits is { Count: > 0 };
            foreach (var resource in new[] { "cpu", "memory" })
            {
                var limit = limits?[resource];
                var request = requests?[resource] ?? limit;
                guaranteed &= limit is not null && Json.DeepEquals(limit, request);
            }
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private static void NormalizeSecret(JsonObject secret)
    {
        // The API server folds stringData into data (base64) and never returns stringData.
        if (secret["stringData"] is JsonObject stringData)
        {
            var data = Json.Obj(secret, "data");
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.Str(value) ?? string.Empty));
            }

            secret.Remove("stringData");
        }

        secret["type"] ??= "Opaque";
    }

    private void EnsureNamespaceAcceptsCreate(ResourceType t, string ns, string name)
    {
        var namespaces = Resources.Current.ByGroupResource("namespaces")!;
        var found = Bucket(namespaces).Get(string.Empty, ns) ?? throw ApiErrors.NotFound(string.Empty, "namespaces", ns);
        if (found.Deleting)
        {
            throw ApiErrors.Forbidden(t.Group, t.Plural, name, $"unable to create new content in namespace {ns} because it is being terminated", new[]
            {
                new StatusCause("NamespaceTerminating", $"namespace {ns} is being terminated", "metadata.namespace"),
            });
        }
    }

    private JsonObject BeginNamespaceDeletion(string name, DeletePreconditions? preconditions, bool dryRun)
    {
        var t = Resources.Current.ByGroupResource("namespaces")!;
        var bucket = Bucket(t);
        JsonObject obj;
        lock (bucket.Gate)
        {
            var current = bucket.Find(string.Empty, name) ?? throw ApiErrors.NotFound(string.Empty, "namespaces", name);
            CheckPreconditions(t, current, preconditions);
            obj = current.ToJson();
            if (current.Deleting || dryRun)
            {
                return obj;
            }

            Json.Metadata(obj)["deletionTimestamp"] = Json.Timestamp(DateTimeOffset.UtcNow);
            Json.Obj(obj, "status")["phase"] = "Terminating";
            StoreModified(bucket, obj);
        }

        var uid = Json.Str(Json.Metadata(obj)["uid"]) ?? string.Empty;
        var delay = knobs.NamespaceTerminationDelay;
        if (delay <= TimeSpan.Zero && TryFinalizeNamespace(name, uid))
        {
            return obj;
        }

        _ = FinalizeNamespaceAsync(name, uid, delay);
        return obj;
    }

    private async Task FinalizeNamespaceAsync(string name, string uid, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }

            while (!TryFinalizeNamespace(name, uid))
            {
                await Task.Delay(50, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The server is shutting down.
        }
    }

    /// <summary>What the namespace controller does: delete the contents, then the namespace once nothing is left.</summary>
    private bool TryFinalizeNamespace(string name, string uid)
    {
        var remaining = 0;
        foreach (var t in Resources.Current.All.Where(t => t.Namespaced && t.Stored).GroupBy(t => t.GroupResource).Select(g => g.First()))
        {
            foreach (var item in Bucket(t).Snapshot(name))
            {
                try
                {
                    Delete(t, name, item.Name, null, dryRun: false);
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    // Already gone.
                }

                if (Bucket(t).Get(name, item.Name) is not null)
                {
                    remaining++;
                }
            }
        }

        if (remaining > 0)
        {
            return false;
        }

        var namespaces = Resources.Current.ByGroupResource("namespaces")!;
        var bucket = Bucket(namespaces);
        lock (bucket.Gate)
        {
            var current = bucket.Find(string.Empty, name);
            if (current is null || current.Uid != uid)
            {
                return true;
            }

            if (current.HasFinalizers)
            {
                return false;
            }

            var tombstone = current.ToJson();
            if (tombstone["spec"] is JsonObject spec)
            {
                spec["finalizers"] = new JsonArray();
            }

            RemoveLocked(bucket, tombstone);
            return true;
        }
    }

    private void PurgeBucket(string groupResource)
    {
        if (!buckets.TryGetValue(groupResource, out var bucket))
        {
            return;
        }

        lock (bucket.Gate)
        {
            foreach (var item in bucket.Range(null, null).ToList())
            {
                RemoveLocked(bucket, item);
            }
        }
    }

    private void TryCreateInternal(string resource, string ns, JsonObject obj)
    {
        try
        {
            Create(Resources.Current.Resolve(resource), ns, obj, dryRun: false);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Already there.
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>
/// The in-process API for seeding and inspecting objects. Resources are named as kubectl names
/// them ("configmaps", "deployments.apps", "cm", "Deployment"). Writes follow the same rules as
/// HTTP requests and throw <see cref="ApiException"/> carrying the Status a client would get.
/// </summary>
public sealed partial class ObjectStore
{
    /// <summary>Creates an object; its type comes from apiVersion and kind, its namespace from metadata.namespace.</summary>
    public JsonObject Create(JsonObject obj)
    {
        var t = TypeOf(obj);
        var ns = t.Namespaced ? Json.Str((obj["metadata"] as JsonObject)?["namespace"]) ?? "default" : string.Empty;
        return Create(t, ns, (JsonObject)obj.DeepClone(), dryRun: false);
    }

    /// <summary>Parses <paramref name="json"/> and creates it (see <see cref="Create(JsonObject)"/>).</summary>
    public JsonObject Create(string json) => Create(Json.ParseObject(Encoding.UTF8.GetBytes(json), "object"));

    /// <summary>Creates every object in order, creating missing namespaces first; returns the stored objects.</summary>
    public IReadOnlyList<JsonObject> Seed(IEnumerable<JsonObject> objects)
    {
        var result = new List<JsonObject>();
        foreach (var obj in objects)
        {
            var t = TypeOf(obj);
            if (t.Namespaced)
            {
                EnsureNamespace(Json.Str((obj["metadata"] as JsonObject)?["namespace"]) ?? "default");
            }

            result.Add(Create(obj));
        }

        return result;
    }

    /// <summary>Creates the namespace unless it exists; returns it.</summary>
    public JsonObject EnsureNamespace(string name)
    {
        var t = Resources.Current.ByGroupResource("namespaces")!;
        if (Find(t, string.Empty, name) is { } existing)
        {
            return existing.ToJson();
        }

        try
        {
            return Create(t, string.Empty, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } }, dryRun: false);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            return Get(t, string.Empty, name);
        }
    }

    /// <summary>The object, or null when it does not exist.</summary>
    public JsonObject? Get(string resource, string? @namespace, string name)
    {
        var t = Resources.Current.Resolve(resource);
        return Find(t, t.Namespaced ? @namespace ?? "default" : string.Empty, name)?.ToJson();
    }

    /// <summary>Objects of a resource (all namespaces when <paramref name="namespace"/> is null), in storage order.</summary>
    public IReadOnlyList<JsonObject> List(string resource, string? @namespace = null, string? labelSelector = null)
    {
        var t = Resources.Current.Resolve(resource);
        var selector = string.IsNullOrEmpty(labelSelector) ? null : LabelSelector.Parse(labelSelector);
        return List(t, t.Namespaced ? @namespace : null, selector, null, 0, null).Items.Select(i => i.ToJson()).ToList();
    }

    /// <summary>How many objects a resource has (in one namespace or all).</summary>
    public int Count(string resource, string? @namespace = null)
    {
        var t = Resources.Current.Resolve(resource);
        if (@namespace is null || !t.Namespaced)
        {
            return Bucket(t).Count;
        }

        return Bucket(t).Snapshot(@namespace).Count;
    }

    /// <summary>Replaces an object (PUT semantics: a stale resourceVersion is a Conflict).</summary>
    public JsonObject Update(JsonObject obj)
    {
        var t = TypeOf(obj);
        var meta = obj["metadata"] as JsonObject;
        var ns = t.Namespaced ? Json.Str(meta?["namespace"]) ?? "default" : string.Empty;
        return Update(t, ns, Json.Str(meta?["name"]) ?? string.Empty, (JsonObject)obj.DeepClone(), statusOnly: false, dryRun: false);
    }

    /// <summary>Replaces only the status (PUT .../status semantics).</summary>
    public JsonObject UpdateStatus(JsonObject obj)
    {
        var t = TypeOf(obj);
        var meta = obj["metadata"] as JsonObject;
        var ns = t.Namespaced ? Json.Str(meta?["namespace"]) ?? "default" : string.Empty;
        return Update(t, ns, Json.Str(meta?["name"]) ?? string.Empty, (JsonObject)obj.DeepClone(), statusOnly: true, dryRun: false);
    }

    /// <summary>Patches an object; <paramref name="patchType"/> is a media type or "json", "merge", "strategic".</summary>
    public JsonObject Patch(string resource, string? @namespace, string name, string patchType, string patch)
    {
        var t = Resources.Current.Resolve(resource);
        var mediaType = patchType switch
        {
            "json" => Patching.JsonPatchType,
            "merge" => Patching.MergePatchType,
            "strategic" => Patching.StrategicMergePatchType,
            _ => patchType,
        };
        return Patch(t, t.Namespaced ? @namespace ?? "default" : string.Empty, name, mediaType, Encoding.UTF8.GetBytes(patch), statusOnly: false, dryRun: false);
    }

    /// <summary>Deletes an object as a DELETE request would (finalizers hold it; namespaces terminate); false when it did not exist.</summary>
    public bool Delete(string resource, string? @namespace, string name)
    {
        var t = Resources.Current.Resolve(resource);
        try
        {
            Delete(t, t.Namespaced ? @namespace ?? "default" : string.Empty, name, null, dryRun: false);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    private ResourceType TypeOf(JsonObject obj)
    {
        var apiVersion = Json.Str(obj["apiVersion"]) ?? throw new ArgumentException("The object has no apiVersion.", nameof(obj));
        var kind = Json.Str(obj["kind"]) ?? throw new ArgumentException("The object has no kind.", nameof(obj));
        return Resources.Current.ByKind(apiVersion, kind)
            ?? throw new ArgumentException($"The server does not serve {kind} in {apiVersion}.", nameof(obj));
    }
}

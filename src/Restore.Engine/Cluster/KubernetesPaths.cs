using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Cluster;

/// <summary>Options for one list call.</summary>
internal sealed class KubernetesListOptions
{
    /// <summary>Label selector, such as <c>app=web,tier!=cache</c>; null for all.</summary>
    public string? LabelSelector { get; set; }

    /// <summary>Field selector, such as <c>metadata.name=web</c>; null for all.</summary>
    public string? FieldSelector { get; set; }

    /// <summary>Page size; 0 for the server's default (no paging).</summary>
    public int Limit { get; set; }

    /// <summary>The continue token from the previous page; null for the first page.</summary>
    public string? Continue { get; set; }
}

/// <summary>One page of a list.</summary>
internal sealed class KubernetesListPage
{
    /// <summary>Creates a page.</summary>
    public KubernetesListPage(IReadOnlyList<JsonObject> items, string? continueToken, string? resourceVersion, long? remainingItemCount)
    {
        Items = items;
        Continue = string.IsNullOrEmpty(continueToken) ? null : continueToken;
        ResourceVersion = resourceVersion;
        RemainingItemCount = remainingItemCount;
    }

    /// <summary>The objects, with <c>apiVersion</c> and <c>kind</c> filled in.</summary>
    public IReadOnlyList<JsonObject> Items { get; }

    /// <summary>The token for the next page; null on the last page.</summary>
    public string? Continue { get; }

    /// <summary>The list's resourceVersion.</summary>
    public string? ResourceVersion { get; }

    /// <summary>The server's estimate of items after this page, when it sends one.</summary>
    public long? RemainingItemCount { get; }
}

/// <summary>REST paths for resources: <c>/api/v1/...</c> for the core group, <c>/apis/group/version/...</c> otherwise.</summary>
internal static class KubernetesPaths
{
    public static string GroupVersionRoot(string group, string version) =>
        group.Length == 0 ? "/api/" + version : "/apis/" + group + "/" + version;

    /// <summary>The collection path; <paramref name="ns"/> null lists across all namespaces.</summary>
    public static string Collection(ApiResourceInfo resource, string? ns, bool requireNamespace = false)
    {
        CheckScope(resource, ns, requireNamespace);
        var root = GroupVersionRoot(resource.Group, resource.Version);
        return resource.Namespaced && !string.IsNullOrEmpty(ns)
            ? root + "/namespaces/" + Escape(ns!) + "/" + resource.Resource
            : root + "/" + resource.Resource;
    }

    public static string Item(ApiResourceInfo resource, string? ns, string name, string? subresource)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"A name is needed to address one {resource.GroupResource} object.", nameof(name));
        }

        var path = Collection(resource, ns, requireNamespace: true) + "/" + Escape(name);
        return subresource is null ? path : path + "/" + subresource;
    }

    public static string Describe(ApiResourceInfo resource, string? ns, string name) =>
        resource.Namespaced && !string.IsNullOrEmpty(ns) ? resource.GroupResource + " " + ns + "/" + name : resource.GroupResource + " " + name;

    public static string DescribeCollection(ApiResourceInfo resource, string? ns) =>
        !resource.Namespaced ? resource.GroupResource
        : string.IsNullOrEmpty(ns) ? resource.GroupResource + " (all namespaces)"
        : resource.GroupResource + " in namespace " + ns;

    private static void CheckScope(ApiResourceInfo resource, string? ns, bool requireNamespace)
    {
        if (resource is null)
        {
            throw new ArgumentNullException(nameof(resource));
        }

        if (!resource.Namespaced && !string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException($"{resource.GroupResource} is cluster-scoped; no namespace may be given (got '{ns}').", nameof(ns));
        }

        if (resource.Namespaced && requireNamespace && string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException($"{resource.GroupResource} is namespaced; a namespace is required.", nameof(ns));
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}

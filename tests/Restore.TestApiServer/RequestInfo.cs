using System;
using System.Collections.Generic;

namespace Restore.TestApiServer;

/// <summary>What a request addresses, parsed from its path the way k8s.io/apiserver's RequestInfoFactory does.</summary>
internal sealed class RequestInfo
{
    private static readonly HashSet<string> NamespaceSubresources = new(StringComparer.Ordinal) { "status", "finalize" };

    public string Method { get; private init; } = string.Empty;

    /// <summary>True for /api/..., /apis/... paths that address a resource.</summary>
    public bool IsResourceRequest { get; private init; }

    /// <summary>True for discovery, version, health and OpenAPI paths.</summary>
    public bool IsDiscovery { get; private init; }

    public string Verb { get; private set; } = string.Empty;

    public string Group { get; private init; } = string.Empty;

    public string Version { get; private init; } = string.Empty;

    public string Resource { get; private init; } = string.Empty;

    public string Subresource { get; private init; } = string.Empty;

    public string Namespace { get; private init; } = string.Empty;

    public string Name { get; private init; } = string.Empty;

    /// <summary>Extra path parts beyond name/subresource (not served).</summary>
    public bool HasExtraParts { get; private init; }

    /// <summary>The path segments (for discovery routing).</summary>
    public string[] Segments { get; private init; } = Array.Empty<string>();

    /// <summary>"configmaps" or "deployments.apps".</summary>
    public string GroupResource => Resource.Length == 0 ? string.Empty : ApiErrors.Qualified(Group, Resource);

    /// <summary>The journal's resource label, with the subresource.</summary>
    public string JournalResource => Resource.Length == 0 ? string.Empty : Subresource.Length == 0 ? GroupResource : ApiErrors.Qualified(Group, Resource + "/" + Subresource);

    public static RequestInfo Parse(string method, string path, bool watchQuery)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.UnescapeDataString(segments[i]);
        }

        int prefix;
        string group;
        string version;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (prefix, group, version) = (2, string.Empty, segments[1]);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (prefix, group, version) = (3, segments[1], segments[2]);
        }
        else
        {
            return new RequestInfo { Method = method, Segments = segments, IsDiscovery = true, Verb = method.ToLowerInvariant() };
        }

        var parts = segments[prefix..];
        var ns = string.Empty;
        if (parts[0] == "namespaces" && parts.Length > 1)
        {
            ns = parts[1];
            if (parts.Length > 2 && !NamespaceSubresources.Contains(parts[2]))
            {
                parts = parts[2..];
            }
        }

        var info = new RequestInfo
        {
            Method = method,
            Segments = segments,
            IsResourceRequest = true,
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = parts[0],
            Name = parts.Length > 1 ? parts[1] : string.Empty,
            Subresource = parts.Length > 2 ? parts[2] : string.Empty,
            HasExtraParts = parts.Length > 3,
        };
        info.Verb = method switch
        {
            "GET" or "HEAD" => info.Name.Length > 0 ? "get" : watchQuery ? "watch" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => info.Name.Length > 0 ? "delete" : "deletecollection",
            _ => method.ToLowerInvariant(),
        };
        return info;
    }
}

using System;
using System.Collections.Generic;

namespace Restore.Engine.Kubernetes;

/// <summary>One resource a cluster serves (or would serve), as discovery describes it.</summary>
internal sealed class ApiResourceInfo
{
    /// <summary>Creates a description of a served resource.</summary>
    public ApiResourceInfo(string group, string version, string resource, string kind, bool namespaced, IReadOnlyList<string>? shortNames = null, string? singularName = null, IReadOnlyList<string>? verbs = null)
    {
        Group = group ?? string.Empty;
        Version = version ?? throw new ArgumentNullException(nameof(version));
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
        Kind = kind ?? throw new ArgumentNullException(nameof(kind));
        Namespaced = namespaced;
        ShortNames = shortNames ?? Array.Empty<string>();
        SingularName = string.IsNullOrEmpty(singularName) ? kind.ToLowerInvariant() : singularName!;
        Verbs = verbs ?? Array.Empty<string>();
    }

    /// <summary>API group; empty for the core group.</summary>
    public string Group { get; }

    /// <summary>API version within the group, such as <c>v1</c>.</summary>
    public string Version { get; }

    /// <summary>Plural resource name, such as <c>deployments</c>.</summary>
    public string Resource { get; }

    /// <summary>Kind, such as <c>Deployment</c>.</summary>
    public string Kind { get; }

    /// <summary>True for namespaced resources.</summary>
    public bool Namespaced { get; }

    /// <summary>Short names such as <c>deploy</c>.</summary>
    public IReadOnlyList<string> ShortNames { get; }

    /// <summary>Singular name such as <c>deployment</c>.</summary>
    public string SingularName { get; }

    /// <summary>Verbs the server allows.</summary>
    public IReadOnlyList<string> Verbs { get; }

    /// <summary>The group-resource string: <c>resource.group</c>, or the bare resource for the core group.</summary>
    public string GroupResource => Group.Length == 0 ? Resource : Resource + "." + Group;

    /// <summary>The apiVersion string: <c>group/version</c>, or the bare version for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <inheritdoc />
    public override string ToString() => GroupResource + " (" + ApiVersion + ", " + Kind + ")";
}

/// <summary>
/// What the planner needs to know about the resources a cluster serves: name resolution as
/// Velero's RESTMapper does it, scope, and served versions per group.
/// </summary>
internal interface IResourceCatalog
{
    /// <summary>Every resource at the group's preferred version.</summary>
    IReadOnlyList<ApiResourceInfo> Resources { get; }

    /// <summary>
    /// Resolves a plural, singular, short name, kind or <c>resource.group</c> (split on the first dot)
    /// to a served resource at its preferred version; null when nothing matches.
    /// </summary>
    ApiResourceInfo? Resolve(string name);

    /// <summary>Finds the resource for a group-resource string; null when the cluster does not serve it.</summary>
    ApiResourceInfo? FindByGroupResource(string groupResource);

    /// <summary>Finds the resource for an apiVersion and kind; null when not served.</summary>
    ApiResourceInfo? FindByKind(string apiVersion, string kind);

    /// <summary>Versions served for a group, preferred first; empty when the group is not served.</summary>
    IReadOnlyList<string> GetServedVersions(string group);
}

using System;
using System.Collections.Generic;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Planning;

/// <summary>
/// One <c>-Object</c> pattern: <c>resource.group/namespace/name</c> for namespaced items, or
/// <c>resource.group/name</c>, which matches cluster-scoped items and, for a namespaced resource, that name
/// in every namespace. Every part takes globs (<c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>{a,b}</c>). A resource part
/// without glob characters is resolved through the resource catalog, so short names and kinds work
/// (<c>deploy/shop/web</c>, <c>cm/shop/*</c>).
/// </summary>
internal sealed class ObjectSelector
{
    private readonly GlobPattern resource;
    private readonly GlobPattern? @namespace;
    private readonly GlobPattern name;

    private ObjectSelector(string pattern, GlobPattern resource, GlobPattern? @namespace, GlobPattern name)
    {
        Pattern = pattern;
        this.resource = resource;
        this.@namespace = @namespace;
        this.name = name;
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>Parses a pattern; returns false with a message naming the problem.</summary>
    /// <param name="pattern">The pattern text.</param>
    /// <param name="catalog">Resolves short names and kinds; null keeps the resource part verbatim.</param>
    /// <param name="selector">The parsed selector.</param>
    /// <param name="error">Why the pattern is invalid.</param>
    public static bool TryParse(string pattern, IResourceCatalog? catalog, out ObjectSelector? selector, out string? error)
    {
        selector = null;
        error = null;
        var parts = (pattern ?? string.Empty).Split('/');
        if (parts.Length is < 2 or > 3 || Array.Exists(parts, p => p.Length == 0))
        {
            error = $"invalid object pattern \"{pattern}\": use resource.group/namespace/name or resource.group/name";
            return false;
        }

        var resourcePart = parts[0];
        if (resourcePart.IndexOfAny(new[] { '*', '?', '[', '{', '\\' }) < 0 && catalog?.Resolve(resourcePart) is ApiResourceInfo info)
        {
            resourcePart = info.GroupResource;
        }

        if (!Compile(pattern!, resourcePart, out var resourceGlob, out error)
            || !Compile(pattern!, parts[parts.Length - 1], out var nameGlob, out error))
        {
            return false;
        }

        GlobPattern? nsGlob = null;
        if (parts.Length == 3 && !Compile(pattern!, parts[1], out nsGlob, out error))
        {
            return false;
        }

        selector = new ObjectSelector(pattern!, resourceGlob!, nsGlob, nameGlob!);
        return true;
    }

    /// <summary>True when the item (group-resource, source namespace or empty, name) matches.</summary>
    public bool Matches(string groupResource, string sourceNamespace, string itemName)
    {
        if (!resource.IsMatch(groupResource) || !name.IsMatch(itemName))
        {
            return false;
        }

        if (@namespace is null)
        {
            return true;
        }

        // The three-part form names a namespace, so it never matches cluster-scoped items.
        return sourceNamespace.Length > 0 && @namespace.IsMatch(sourceNamespace);
    }

    /// <summary>True when any selector matches; an empty list matches everything.</summary>
    public static bool AnyMatches(IReadOnlyList<ObjectSelector> selectors, string groupResource, string sourceNamespace, string itemName)
    {
        if (selectors.Count == 0)
        {
            return true;
        }

        foreach (var s in selectors)
        {
            if (s.Matches(groupResource, sourceNamespace, itemName))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Pattern;

    private static bool Compile(string pattern, string part, out GlobPattern? glob, out string? error)
    {
        if (GlobPattern.TryCompile(part, null, out glob, out var problem))
        {
            error = null;
            return true;
        }

        error = $"invalid object pattern \"{pattern}\": {problem}";
        return false;
    }
}

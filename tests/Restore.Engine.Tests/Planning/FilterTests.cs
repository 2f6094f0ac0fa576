using System.Collections.Generic;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

public class FilterTests
{
    private static readonly StaticResourceCatalog Catalog = StaticResourceCatalog.CreateDefault();

    [Theory]
    [InlineData("po", null, "pods", true)] // docs/velero-compatibility.md#filters-resources
    [InlineData("deploy", null, "deployments.apps", true)]
    [InlineData("pvc", null, "persistentvolumeclaims", true)]
    [InlineData("deploy", null, "pods", false)]
    [InlineData("*.apps", null, "deployments.apps", true)] // docs/velero-compatibility.md#filters-resources
    [InlineData("*.apps", null, "pods", false)]
    [InlineData("widgets", null, "widgets", true)] // unresolvable: kept verbatim
    [InlineData("widget*", null, "widgets.example.com", true)]
    [InlineData("*", "secrets", "secrets", false)]
    [InlineData("*", "cm", "configmaps", false)]
    [InlineData(null, "*", "pods", true)] // '*' is dropped from the excludes
    [InlineData(null, null, "anything", true)]
    [InlineData("[pods", null, "pods", false)] // a glob that does not compile matches nothing
    [InlineData("{pods,secrets}", null, "secrets", true)]
    public void Resource_filter_resolves_then_globs(string? include, string? exclude, string gr, bool included)
    {
        var filter = ResourceFilter.Create(include?.Split(';'), exclude?.Split(';'), Catalog);
        Assert.Equal(included, filter.ShouldInclude(gr));
    }

    [Theory]
    [InlineData("app-*", null, "app-1", true)] // docs/velero-compatibility.md#filters-namespaces (≤1.17 glob)
    [InlineData("app-*", null, "web", false)]
    [InlineData("{a,b}", null, "b", true)] // docs/velero-compatibility.md#filters-namespaces
    [InlineData("*", "kube-*", "kube-system", false)]
    [InlineData("*", "kube-*", "shop", true)]
    [InlineData("/^team-(a|b)$/", null, "team-a", true)]
    [InlineData("/^team-(a|b)$/", null, "team-c", false)]
    [InlineData("/team/", null, "my-team-x", true)] // unanchored search
    [InlineData(null, "/^kube-/", "kube-public", false)]
    [InlineData("", null, "x", true)]
    public void Namespace_filter_in_glob_mode(string? include, string? exclude, string ns, bool included)
    {
        var filter = NamespaceFilter.Create(include is null or "" ? null : include.Split(';'), exclude?.Split(';'), NamespaceMatching.Glob, new[] { "app-1", "web" }, out var error, out var warning);
        Assert.Null(error);
        Assert.Null(warning);
        Assert.Equal(included, filter.ShouldInclude(ns));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("*", null, true)]
    [InlineData("*", "kube-system", false)]
    [InlineData("shop", null, false)]
    [InlineData("*;shop", null, false)]
    public void Include_everything(string? include, string? exclude, bool everything)
    {
        var filter = NamespaceFilter.Create(include?.Split(';'), exclude?.Split(';'), NamespaceMatching.Glob, new string[0], out _, out _);
        Assert.Equal(everything, filter.IncludeEverything);
    }

    [Fact]
    public void Expand_mode_expands_against_backup_namespaces() // docs/velero-compatibility.md#filters-namespaces (1.18)
    {
        var filter = NamespaceFilter.Create(new[] { "app-*", "literal", "/^team-/" }, new[] { "app-2" }, NamespaceMatching.Expand, new[] { "app-1", "app-2", "team-x", "web" }, out var error, out var warning);
        Assert.Null(error);
        Assert.Null(warning);
        Assert.True(filter.IsExpanded);
        Assert.Equal(new[] { "app-1", "app-2", "literal", "team-x" }, filter.Includes);
        Assert.Equal(new[] { "app-2" }, filter.Excludes);
        Assert.True(filter.ShouldInclude("app-1"));
        Assert.False(filter.ShouldInclude("app-2"));
        Assert.True(filter.ShouldInclude("literal"));
        Assert.False(filter.ShouldInclude("app-3")); // not in the backup when expanded
        Assert.False(filter.IncludeEverything);
    }

    [Fact]
    public void Expand_mode_with_includes_matching_nothing_selects_nothing_and_warns() // docs/velero-compatibility.md#filters-namespaces, our recommendation
    {
        var filter = NamespaceFilter.Create(new[] { "nomatch-*" }, null, NamespaceMatching.Expand, new[] { "a", "b" }, out var error, out var warning);
        Assert.Null(error);
        Assert.Contains("match no namespace in the backup", warning);
        Assert.False(filter.ShouldInclude("a"));
        Assert.False(filter.IncludeEverything);
    }

    [Theory]
    [InlineData("{a,b};c*", null, "error expanding wildcard patterns in namespace includes/excludes: wildcard pattern contains unsupported characters")] // docs/velero-compatibility.md#filters-namespaces
    [InlineData("a*", "*", "wildcard '*' is not allowed in restore excludes")]
    [InlineData("a[", null, "error expanding wildcard patterns in namespace includes/excludes: wildcard pattern contains unclosed bracket")]
    public void Expand_mode_errors_stop_the_restore(string include, string? exclude, string message)
    {
        var filter = NamespaceFilter.Create(include.Split(';'), exclude?.Split(';'), NamespaceMatching.Expand, new[] { "a", "b" }, out var error, out _);
        Assert.StartsWith(message, error);
        Assert.False(filter.ShouldInclude("a"));
    }

    [Fact]
    public void Expand_mode_without_wildcards_behaves_like_globs()
    {
        var filter = NamespaceFilter.Create(new[] { "a" }, null, NamespaceMatching.Expand, new[] { "a", "b" }, out var error, out _);
        Assert.Null(error);
        Assert.False(filter.IsExpanded);
        Assert.True(filter.ShouldInclude("a"));
        Assert.False(filter.ShouldInclude("b"));
    }

    [Theory]
    [InlineData("deploy/shop/web", "deployments.apps", "shop", "web", true)]
    [InlineData("deploy/shop/web", "deployments.apps", "other", "web", false)]
    [InlineData("deployments.apps/shop/w*", "deployments.apps", "shop", "web", true)]
    [InlineData("*.apps/*/web", "statefulsets.apps", "x", "web", true)]
    [InlineData("cm/web", "configmaps", "any", "web", true)] // two parts: every namespace
    [InlineData("pv/pv-*", "persistentvolumes", "", "pv-1", true)]
    [InlineData("pv/*/pv-1", "persistentvolumes", "", "pv-1", false)] // three parts never match cluster-scoped items
    [InlineData("Deployment/shop/web", "deployments.apps", "shop", "web", true)]
    [InlineData("widgets/a/b", "widgets", "a", "b", true)]
    public void Object_selector(string pattern, string gr, string ns, string name, bool matches)
    {
        Assert.True(ObjectSelector.TryParse(pattern, Catalog, out var selector, out var error), error);
        Assert.Equal(matches, selector!.Matches(gr, ns, name));
    }

    [Fact]
    public void Empty_object_selector_list_matches_everything()
    {
        Assert.True(ObjectSelector.AnyMatches(new List<ObjectSelector>(), "pods", "a", "b"));
    }
}

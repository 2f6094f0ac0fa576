using System.Linq;
using Restore.Engine.Planning.Matching;
using Xunit;

namespace Restore.Engine.Tests.Planning.Matching;

public class IncludeExcludeFilterTests
{
    private static string[] L(string s) => s.Length == 0 ? new string[0] : s.Split('|');

    [Theory]
    [InlineData("", "", "pods", true)]
    [InlineData("*", "", "pods", true)]
    [InlineData("pods", "", "pods", true)]
    [InlineData("pods", "", "secrets", false)]
    [InlineData("*.apps", "", "deployments.apps", true)]
    [InlineData("*.apps", "", "pods", false)]
    [InlineData("*", "secrets", "secrets", false)]
    [InlineData("", "*.apps", "deployments.apps.example.com", true)]
    [InlineData("", "*.apps", "deployments.apps", false)]
    [InlineData("[]|pods", "", "[]", false)] // an invalid pattern matches nothing, not even itself
    [InlineData("*|[]", "", "x", true)]
    [InlineData("", "[]", "[]", true)]
    [InlineData("{a,b}", "", "b", true)]
    [InlineData("app-*", "app-b", "app-a", true)]
    [InlineData("app-*", "app-b", "app-b", false)]
    public void ShouldInclude(string includes, string excludes, string item, bool expected)
    {
        Assert.Equal(expected, new IncludeExcludeFilter(L(includes), L(excludes)).ShouldInclude(item));
    }

    [Theory]
    [InlineData("", "", true)]
    [InlineData("*", "", true)]
    [InlineData("*|*", "", true)]
    [InlineData("*|a", "", false)]
    [InlineData("a", "", false)]
    [InlineData("", "b", false)]
    [InlineData("*", "b", false)]
    public void IncludeEverything(string includes, string excludes, bool expected)
    {
        Assert.Equal(expected, new IncludeExcludeFilter(L(includes), L(excludes)).IncludeEverything);
    }

    [Theory]
    [InlineData("", "", "")]
    [InlineData("*", "", "")]
    [InlineData("*|pods", "", "includes list must either contain '*' only, or a non-empty list of items")]
    [InlineData("", "*", "excludes list cannot contain '*'")]
    [InlineData("a|b", "b|a", "excludes list cannot contain an item in the includes list: a;excludes list cannot contain an item in the includes list: b")]
    [InlineData("*|x", "*|x", "includes list must either contain '*' only, or a non-empty list of items;excludes list cannot contain '*';excludes list cannot contain an item in the includes list: *;excludes list cannot contain an item in the includes list: x")]
    public void Validate(string includes, string excludes, string expected)
    {
        var errors = IncludeExcludeFilter.Validate(L(includes), L(excludes));
        Assert.Equal(expected, string.Join(";", errors));
    }

    [Fact]
    public void DuplicatesAreDropped()
    {
        var f = new IncludeExcludeFilter(new[] { "a", "a", "b" }, null);
        Assert.Equal(new[] { "a", "b" }, f.Includes.ToArray());
        Assert.Empty(f.Excludes);
        Assert.True(IncludeExcludeFilter.All.IncludeEverything);
    }
}

using Restore.Engine.Planning.Matching;
using Xunit;

namespace Restore.Engine.Tests.Planning.Matching;

public class NamespaceWildcardsTests
{
    private static string[] L(string s) => s.Length == 0 ? new string[0] : s.Split('|');

    private static readonly string[] BackupNamespaces = { "app-a", "app-b", "db", "kube-system", "team1" };

    [Theory]
    [InlineData("", "", false)]
    [InlineData("", "app-*", false)] // empty includes means everything: no expansion
    [InlineData("*", "app-*", false)]
    [InlineData("app-*|*", "", false)]
    [InlineData("db", "", false)]
    [InlineData("app-*", "", true)]
    [InlineData("db", "app-?", true)]
    [InlineData("team[0-9]", "", true)]
    [InlineData("{a,b}", "", false)] // braces are not wildcard triggers in 1.18
    public void ShouldExpand(string includes, string excludes, bool expected)
    {
        Assert.Equal(expected, NamespaceWildcards.ShouldExpand(L(includes), L(excludes)));
    }

    [Theory]
    [InlineData("app-*", null)]
    [InlineData("team[0-9]", null)]
    [InlineData("a?c", null)]
    [InlineData("{a,b}", "wildcard pattern contains unsupported characters: |, (, ), !, {, }, ,")]
    [InlineData("a|b", "wildcard pattern contains unsupported characters: |, (, ), !, {, }, ,")]
    [InlineData("[!a]x", "wildcard pattern contains unsupported characters: |, (, ), !, {, }, ,")]
    [InlineData("app-**", "wildcard pattern contains consecutive asterisks (only single * allowed)")]
    [InlineData("a[]", "wildcard pattern contains empty bracket pattern '[]'")]
    [InlineData("a[bc", "wildcard pattern contains unclosed bracket '['")]
    [InlineData("a]", "wildcard pattern contains unmatched closing bracket ']'")]
    public void Validate(string pattern, string? expected)
    {
        Assert.Equal(expected, NamespaceWildcards.Validate(pattern));
    }

    [Theory]
    [InlineData("app-*", "", "app-a|app-b", "", "app-a|app-b", false)]
    [InlineData("app-*|db|missing", "app-b", "app-a|app-b|db|missing", "app-b", "app-a|db|missing", false)]
    [InlineData("*-*", "kube-*", "app-a|app-b|kube-system", "kube-system", "app-a|app-b", false)]
    [InlineData("zzz-*", "", "", "", "", true)]
    [InlineData("team[0-9]", "", "team1", "", "team1", false)]
    public void Expands(string includes, string excludes, string expIncludes, string expExcludes, string expSelected, bool matchedNothing)
    {
        Assert.True(NamespaceWildcards.TryExpand(L(includes), L(excludes), BackupNamespaces, out var expansion, out var error), error);
        Assert.Equal(L(expIncludes), expansion!.Includes);
        Assert.Equal(L(expExcludes), expansion.Excludes);
        Assert.Equal(L(expSelected), expansion.Selected);
        Assert.Equal(matchedNothing, expansion.IncludesMatchedNothing);
    }

    [Theory]
    [InlineData("app-*", "*", "wildcard '*' is not allowed in restore excludes")]
    [InlineData("{a,b}*", "", "error expanding wildcard patterns in namespace includes/excludes: wildcard pattern contains unsupported characters: |, (, ), !, {, }, ,")]
    [InlineData("app-*", "x**", "error expanding wildcard patterns in namespace includes/excludes: wildcard pattern contains consecutive asterisks (only single * allowed)")]
    [InlineData("[z-a]*", "", "error expanding wildcard patterns in namespace includes/excludes: invalid glob pattern \"[z-a]*\": hi character 'a' should be greater than lo 'z'")]
    public void ExpansionErrors(string includes, string excludes, string expected)
    {
        Assert.False(NamespaceWildcards.TryExpand(L(includes), L(excludes), BackupNamespaces, out var expansion, out var error));
        Assert.Null(expansion);
        Assert.Equal(expected, error);
    }
}

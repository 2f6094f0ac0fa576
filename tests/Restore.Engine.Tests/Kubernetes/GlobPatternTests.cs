using System;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Kubernetes;

public class GlobPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "deployments.apps", true)]
    [InlineData("pods", "pods", true)]
    [InlineData("pods", "pod", false)]
    [InlineData("pods", "podsx", false)]
    [InlineData("*.apps", "deployments.apps", true)]
    [InlineData("*.apps", "deployments.apps.example", false)]
    [InlineData("po?s", "pods", true)]
    [InlineData("po?s", "pos", false)]
    [InlineData("po?s", "po.s", true)]
    [InlineData("[abc]x", "bx", true)]
    [InlineData("[abc]x", "dx", false)]
    [InlineData("[!abc]x", "dx", true)]
    [InlineData("[!abc]x", "ax", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[!a-c]x", "dx", true)]
    [InlineData("[ab-c]", "-", true)] // gobwas: a class is either one range or a plain list
    [InlineData("{pods,secrets}", "secrets", true)]
    [InlineData("{pods,secrets}", "configmaps", false)]
    [InlineData("app-{a,b{1,2}}", "app-b2", true)]
    [InlineData("app-{a,b{1,2}}", "app-b3", false)]
    [InlineData("{a,}x", "x", true)]
    [InlineData("{a,b", "b", true)] // unclosed alternatives are closed at the end
    [InlineData("a,b", "a,b", true)] // comma outside braces is literal
    [InlineData("a}", "a}", true)]
    [InlineData("a]", "a]", true)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "x", false)]
    [InlineData("a\\?b", "a?b", true)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("a\\", "a", true)] // a trailing backslash is dropped
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("a.b", "aXb", false)] // '.' is literal, not a regex wildcard
    [InlineData("(a|b)", "(a|b)", true)]
    [InlineData("ns-*-prod", "ns-team-a-prod", true)]
    [InlineData("**", "x.y.z", true)]
    public void MatchesWithoutSeparator(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Compile(pattern).IsMatch(text));
    }

    [Theory]
    [InlineData("*", "pods", true)]
    [InlineData("*", "deployments.apps", false)]
    [InlineData("*.apps", "deployments.apps", true)]
    [InlineData("*.*", "deployments.apps", true)]
    [InlineData("*.*", "ingresses.networking.k8s.io", false)]
    [InlineData("**", "ingresses.networking.k8s.io", true)]
    [InlineData("*.networking.k8s.io", "ingresses.networking.k8s.io", true)]
    [InlineData("**.k8s.io", "ingresses.networking.k8s.io", true)]
    [InlineData("pod?", "pods", true)]
    [InlineData("pods?apps", "pods.apps", false)]
    [InlineData("pods[.]apps", "pods.apps", true)] // a class may match the separator, as in gobwas
    public void MatchesWithDotSeparator(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Compile(pattern, '.').IsMatch(text));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[!]")]
    [InlineData("[abc")]
    [InlineData("[")]
    [InlineData("[z-a]")]
    [InlineData("[a-]")]
    [InlineData("[a-bc]")]
    public void RejectsInvalidPatterns(string pattern)
    {
        Assert.False(GlobPattern.TryCompile(pattern, null, out var glob, out var error));
        Assert.Null(glob);
        Assert.Contains(pattern, error, StringComparison.Ordinal);
        var ex = Assert.Throws<ArgumentException>(() => GlobPattern.Compile(pattern));
        Assert.Contains("invalid glob pattern", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SurrogatePairCountsAsOneCharacter()
    {
        Assert.True(GlobPattern.Compile("a?b").IsMatch("a\U0001F600b"));
    }

    [Fact]
    public void KeepsPatternText()
    {
        Assert.Equal("*.apps", GlobPattern.Compile("*.apps", '.').Pattern);
    }
}

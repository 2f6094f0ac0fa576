using System;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Kubernetes;

public class Re2RegexTests
{
    [Theory]
    [InlineData("web", "my-web-1", true)] // unanchored search (case 75)
    [InlineData("^web", "my-web-1", false)]
    [InlineData("^my-.*-1$", "my-web-1", true)]
    [InlineData("web$", "web\n", false)] // $ is the end of the text in RE2, not before a final newline
    [InlineData("(?m)web$", "web\nx", true)]
    [InlineData("\\d+", "app-12", true)]
    [InlineData("\\d", "app-\u0663", false)] // \d is ASCII only in RE2
    [InlineData("\\w+-\\w+", "a_b-c", true)]
    [InlineData("\\bweb\\b", "my-web-1", true)]
    [InlineData("\\bweb\\b", "myweb", false)]
    [InlineData("\\Bweb", "myweb", true)]
    [InlineData("(?P<app>[a-z]+)-(?P<n>\\d+)", "shop-42", true)]
    [InlineData("(?<app>[a-z]+)-\\d", "shop-4", true)]
    [InlineData("(?i)WEB", "my-web", true)]
    [InlineData("(?i:W)eb", "web", true)]
    [InlineData("(?i:W)EB", "web", false)]
    [InlineData("(?U)a+", "aaa", true)]
    [InlineData("[[:digit:]]{2}", "a12", true)]
    [InlineData("[[:alpha:]-]+$", "ab-c", true)]
    [InlineData("[]a]", "]", true)]
    [InlineData("[a-c-[x]]", "-", false)] // '[' is literal inside an RE2 class: no .NET class subtraction
    [InlineData("[a-c-[x]]", "b]", true)]
    [InlineData("\\Qa.b\\E", "a.b", true)]
    [InlineData("\\Qa.b\\E", "axb", false)]
    [InlineData("a{2}", "caab", true)]
    [InlineData("a{,2}", "a{,2}", true)] // not a repeat in RE2: literal text
    [InlineData("x{1,3}?y", "xxy", true)]
    [InlineData("\\x41\\x{42}", "AB", true)]
    [InlineData("\\101", "A", true)] // octal
    [InlineData("\\pL+", "abc", true)]
    [InlineData("\\p{Lu}", "abc", false)]
    [InlineData("a.c", "a\nc", false)]
    [InlineData("(?s)a.c", "a\nc", true)]
    [InlineData("\\.", "a.b", true)]
    [InlineData("", "anything", true)]
    [InlineData("a|b", "xbx", true)]
    public void MatchesLikeGo(string pattern, string input, bool expected)
    {
        Assert.True(Re2Regex.TryCompile(pattern, out var regex, out var error), error);
        Assert.Equal(expected, regex!.IsMatch(input));
    }

    [Theory]
    [InlineData("(a)\\1", "invalid escape sequence: `\\1`")]
    [InlineData("a(?=b)", "invalid or unsupported Perl syntax: `(?=`")]
    [InlineData("a(?!b)", "invalid or unsupported Perl syntax: `(?!`")]
    [InlineData("(?<=a)b", "invalid or unsupported Perl syntax")]
    [InlineData("(?<!a)b", "invalid or unsupported Perl syntax")]
    [InlineData("(?>a)", "invalid or unsupported Perl syntax: `(?>`")]
    [InlineData("(?x)a", "invalid or unsupported Perl syntax: `(?x`")]
    [InlineData("a**", "invalid nested repetition operator: `**`")]
    [InlineData("a++", "invalid nested repetition operator: `++`")]
    [InlineData("*a", "missing argument to repetition operator: `*`")]
    [InlineData("(a", "missing closing )")]
    [InlineData("a)", "unexpected )")]
    [InlineData("[a", "missing closing ]")]
    [InlineData("[z-a]", "invalid character class range")]
    [InlineData("a{1001}", "invalid repeat count")]
    [InlineData("\\Z", "invalid escape sequence: `\\Z`")]
    [InlineData("\\G", "invalid escape sequence")]
    [InlineData("a\\", "trailing backslash")]
    [InlineData("\\p{Greek}", "unsupported Unicode class")]
    [InlineData("(?P<>a)", "invalid named capture")]
    public void RejectsWhatRe2Rejects(string pattern, string fragment)
    {
        Assert.False(Re2Regex.TryCompile(pattern, out var regex, out var error));
        Assert.Null(regex);
        Assert.StartsWith("error parsing regexp: ", error, StringComparison.Ordinal);
        Assert.Contains(fragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void PathologicalPatternStillAnswers()
    {
        Assert.True(Re2Regex.TryCompile("(a+)+b", out var regex, out _));
        // On runtimes with linear-time matching this is instant; otherwise it must time out, not hang.
        try
        {
            Assert.False(regex!.IsMatch(new string('a', 40)));
        }
        catch (TimeoutException ex)
        {
            Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        }
    }
}

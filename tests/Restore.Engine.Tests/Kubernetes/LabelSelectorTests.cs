using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Kubernetes;

public class LabelSelectorTests
{
    private static Dictionary<string, string> Labels(string s)
    {
        var d = new Dictionary<string, string>();
        foreach (var part in s.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=');
            d[kv[0]] = kv[1];
        }

        return d;
    }

    [Theory]
    [InlineData("", "", true)]
    [InlineData("app=web", "app=web", true)]
    [InlineData("app==web", "app=web", true)]
    [InlineData("app=web", "app=db", false)]
    [InlineData("app=web", "", false)]
    [InlineData("app!=web", "", true)]
    [InlineData("app!=web", "app=web", false)]
    [InlineData("app!=web", "app=db", true)]
    [InlineData("app in (web,db)", "app=db", true)]
    [InlineData("app in (web,db)", "app=x", false)]
    [InlineData("app in (web,db)", "", false)]
    [InlineData("app notin (web)", "", true)]
    [InlineData("app notin (web)", "app=web", false)]
    [InlineData("app notin (web)", "app=db", true)]
    [InlineData("app", "app=", true)]
    [InlineData("app", "other=x", false)]
    [InlineData("!app", "other=x", true)]
    [InlineData("!app", "app=x", false)]
    [InlineData("app=web,tier=front", "app=web,tier=front", true)]
    [InlineData("app=web,tier=front", "app=web,tier=back", false)]
    [InlineData("  app = web ,  tier  ", "app=web,tier=x", true)]
    [InlineData("app=", "app=", true)]
    [InlineData("app=", "app=x", false)]
    [InlineData("app in ()", "app=", true)]
    [InlineData("example.com/role=db", "example.com/role=db", true)]
    public void ParsesAndMatches(string expression, string labels, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(expression).Matches(Labels(labels)));
    }

    [Theory]
    [InlineData("app=web,app2 in (b,a)", "app=web,app2 in (a,b)")]
    [InlineData("b,!a", "!a,b")]
    [InlineData("x==1", "x=1")]
    [InlineData("x notin (z,y,z)", "x notin (y,z)")]
    [InlineData("  ", "")]
    public void ToStringIsKubectlForm(string expression, string expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(expression).ToString());
    }

    [Theory]
    [InlineData("app=web=x", "found '='")]
    [InlineData("app in web", "expected: '('")]
    [InlineData("app in (web", "expected: ')'")]
    [InlineData("app ~ web", "found '~'")]
    [InlineData("app=web,", "after ','")]
    [InlineData("=web", "expected: identifier")]
    [InlineData("-bad=x", "invalid label key \"-bad\"")]
    [InlineData("app=-bad", "invalid label value \"-bad\"")]
    [InlineData("Example.com/x=y", "prefix part must be a lowercase DNS subdomain")]
    [InlineData("a/b/c=y", "separated by one '/'")]
    [InlineData("/x=y", "prefix part must be non-empty")]
    [InlineData("app=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "no more than 63 characters")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=x", "no more than 63 characters")]
    [InlineData("app>5", "found '>'")]
    public void ParseErrorsNameTheProblem(string expression, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => LabelSelector.Parse(expression));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "", true)]
    [InlineData("{\"matchLabels\":{\"app\":\"web\"}}", "app=web", true)]
    [InlineData("{\"matchLabels\":{\"app\":\"web\"}}", "app=db", false)]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}", "app=b", true)]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"NotIn\",\"values\":[\"a\"]}]}", "", true)]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Exists\"}]}", "app=x", true)]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"DoesNotExist\"}]}", "", true)]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"DoesNotExist\"}]}", "app=x", false)]
    [InlineData("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Exists\"}]}", "app=web", false)]
    [InlineData("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Exists\"}]}", "app=web,tier=a", true)]
    public void FromJsonMatches(string json, string labels, bool expected)
    {
        Assert.Equal(expected, LabelSelector.FromJson(JsonNode.Parse(json)).Matches(Labels(labels)));
    }

    [Theory]
    [InlineData("[]", "expected an object")]
    [InlineData("{\"matchLabels\":{\"app\":1}}", "matchLabels.app must be a string")]
    [InlineData("{\"matchLabels\":[]}", "matchLabels must be an object")]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"in\",\"values\":[\"a\"]}]}", "\"in\" is not a valid label selector operator")]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\"}]}", "can't be empty")]
    [InlineData("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Exists\",\"values\":[\"a\"]}]}", "must be empty")]
    [InlineData("{\"matchExpressions\":[{\"operator\":\"Exists\"}]}", "label key must not be empty")]
    [InlineData("{\"matchLabels\":{\"a b\":\"x\"}}", "invalid label key \"a b\"")]
    public void FromJsonErrors(string json, string fragment)
    {
        var ex = Assert.Throws<FormatException>(() => LabelSelector.FromJson(JsonNode.Parse(json)));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullJsonIsEverything()
    {
        Assert.Same(LabelSelector.Everything, LabelSelector.FromJson(null));
        Assert.True(LabelSelector.Everything.Matches(null));
        Assert.True(LabelSelector.Everything.IsEverything);
    }

    [Fact]
    public void NothingMatchesNothing()
    {
        Assert.False(LabelSelector.Nothing.Matches(null));
        Assert.False(LabelSelector.Nothing.Matches(Labels("a=b")));
        Assert.True(LabelSelector.Nothing.IsNothing);
        Assert.Throws<InvalidOperationException>(() => LabelSelector.Nothing.ToJson());
    }

    [Theory]
    [InlineData("app=web,tier in (a,b),!gone,has,x!=y", "{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"gone\",\"operator\":\"DoesNotExist\"},{\"key\":\"has\",\"operator\":\"Exists\"},{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]},{\"key\":\"x\",\"operator\":\"NotIn\",\"values\":[\"y\"]}]}")]
    [InlineData("", "{}")]
    public void ToJsonRoundTrips(string expression, string expectedJson)
    {
        var selector = LabelSelector.Parse(expression);
        var json = selector.ToJson();
        Assert.Equal(expectedJson, json.ToJsonString());
        Assert.Equal(expectedJson, LabelSelector.FromJson(json).ToJson().ToJsonString());
    }
}

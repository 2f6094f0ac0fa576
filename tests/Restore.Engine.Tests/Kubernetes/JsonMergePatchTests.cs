using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Kubernetes;

public class JsonMergePatchTests
{
    private static string Q(string s) => s.Replace('\'', '"');

    private static string U(JsonNode? n) => n is null ? "null" : n.ToJsonString().Replace('"', '\'');

    [Theory]
    // RFC 7386 appendix A
    [InlineData("{'a':'b'}", "{'a':'c'}", "{'a':'c'}")]
    [InlineData("{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}")]
    [InlineData("{'a':'b'}", "{'a':null}", "{}")]
    [InlineData("{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}")]
    [InlineData("{'a':['b']}", "{'a':'c'}", "{'a':'c'}")]
    [InlineData("{'a':'c'}", "{'a':['b']}", "{'a':['b']}")]
    [InlineData("{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}")]
    [InlineData("{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}")]
    [InlineData("['a','b']", "['c','d']", "['c','d']")]
    [InlineData("{'a':'b'}", "['c']", "['c']")]
    [InlineData("{'a':'foo'}", "null", "null")]
    [InlineData("{'a':'foo'}", "'bar'", "'bar'")]
    [InlineData("{'e':null}", "{'a':1}", "{'e':null,'a':1}")]
    [InlineData("[1,2]", "{'a':'b','c':null}", "{'a':'b'}")]
    [InlineData("{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}")]
    // evanphx: objects copied in from the patch lose null members, also inside arrays
    [InlineData("{}", "{'a':[{'x':null,'y':1},null]}", "{'a':[{'y':1},null]}")]
    [InlineData("{'metadata':{'annotations':{'a':'1','b':'2'}}}", "{'metadata':{'annotations':{'a':null}}}", "{'metadata':{'annotations':{'b':'2'}}}")]
    public void Applies(string target, string patch, string expected)
    {
        var targetNode = JsonNode.Parse(Q(target));
        var before = U(targetNode);
        Assert.Equal(expected, U(JsonMergePatch.Apply(targetNode, JsonNode.Parse(Q(patch)))));
        Assert.Equal(before, U(targetNode));
    }

    [Theory]
    [InlineData("{'a':1}", "{'a':1}", "{}")]
    [InlineData("{'a':1}", "{'a':1.0}", "{}")]
    [InlineData("{'a':1}", "{'a':2}", "{'a':2}")]
    [InlineData("{'a':1,'b':2}", "{'a':1}", "{'b':null}")]
    [InlineData("{'a':1}", "{'a':1,'c':[1]}", "{'c':[1]}")]
    [InlineData("{'m':{'l':{'x':'1','y':'2'}}}", "{'m':{'l':{'x':'1','y':'3','z':'4'}}}", "{'m':{'l':{'y':'3','z':'4'}}}")]
    [InlineData("{'a':[1,2]}", "{'a':[1,2]}", "{}")]
    [InlineData("{'a':[1,2]}", "{'a':[2,1]}", "{'a':[2,1]}")]
    [InlineData("{'a':{'b':1}}", "{'a':'s'}", "{'a':'s'}")]
    [InlineData("{'a':null}", "{'a':1}", "{'a':1}")]
    [InlineData("{'a':{'b':1}}", "{'a':{}}", "{'a':{'b':null}}")]
    public void CreatesMinimalPatch(string from, string to, string expected)
    {
        var f = JsonNode.Parse(Q(from));
        var t = JsonNode.Parse(Q(to));
        var patch = JsonMergePatch.Create(f, t);
        Assert.Equal(expected, U(patch));
        // Applying the patch reproduces the target (up to numeric spelling).
        Assert.True(JsonValues.DeepEquals(StripNulls(t), JsonMergePatch.Apply(f, patch)));
    }

    [Fact]
    public void NullOnBothSidesNeedsNoPatch()
    {
        Assert.Equal("{}", U(JsonMergePatch.Create(JsonNode.Parse("{\"a\":null}"), JsonNode.Parse("{\"a\":null}"))));
    }

    private static JsonNode? StripNulls(JsonNode? n) => JsonMergePatch.Apply(new JsonObject(), n);
}

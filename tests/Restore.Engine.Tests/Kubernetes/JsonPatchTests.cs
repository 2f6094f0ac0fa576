using System;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Kubernetes;

public class JsonPatchTests
{
    private static string Q(string s) => s.Replace('\'', '"');

    private static string Apply(string doc, string patch) =>
        JsonPatch.Parse(Q(patch)).Apply(JsonNode.Parse(Q(doc)))!.ToJsonString().Replace('"', '\'');

    [Theory]
    // add
    [InlineData("{'a':1}", "[{'op':'add','path':'/b','value':2}]", "{'a':1,'b':2}")]
    [InlineData("{'a':1}", "[{'op':'add','path':'/a','value':3}]", "{'a':3}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/1','value':9}]", "{'a':[1,9,2]}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/-','value':9}]", "{'a':[1,2,9]}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/2','value':9}]", "{'a':[1,2,9]}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/-1','value':9}]", "{'a':[1,2,9]}")] // -1 means after the last
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/-3','value':9}]", "{'a':[9,1,2]}")]
    [InlineData("{'a':{}}", "[{'op':'add','path':'/a/x~1y','value':'s'}]", "{'a':{'x/y':'s'}}")]
    [InlineData("{'a':{}}", "[{'op':'add','path':'/a/t~0','value':null}]", "{'a':{'t~':null}}")]
    [InlineData("{'a':1}", "[{'op':'add','path':'','value':{'z':0}}]", "{'z':0}")]
    [InlineData("{'a':1}", "[{'op':'add','path':'x/b','value':2}]", "{'a':1,'b':2}")] // text before the first '/' is ignored
    // remove
    [InlineData("{'a':1,'b':2}", "[{'op':'remove','path':'/a'}]", "{'b':2}")]
    [InlineData("{'a':[1,2,3]}", "[{'op':'remove','path':'/a/-1'}]", "{'a':[1,2]}")]
    [InlineData("{'a':[1,2,3]}", "[{'op':'remove','path':'/a/0'}]", "{'a':[2,3]}")]
    // replace
    [InlineData("{'a':1}", "[{'op':'replace','path':'/a','value':'x'}]", "{'a':'x'}")]
    [InlineData("{'a':[1,2]}", "[{'op':'replace','path':'/a/-2','value':0}]", "{'a':[0,2]}")]
    [InlineData("{'a':1}", "[{'op':'replace','path':'','value':[1]}]", "[1]")]
    // move / copy
    [InlineData("{'a':{'b':1},'c':{}}", "[{'op':'move','from':'/a/b','path':'/c/d'}]", "{'a':{},'c':{'d':1}}")]
    [InlineData("{'a':[1,2,3]}", "[{'op':'move','from':'/a/0','path':'/a/-'}]", "{'a':[2,3,1]}")]
    [InlineData("{'a':{'b':[1]}}", "[{'op':'copy','from':'/a/b','path':'/c'}]", "{'a':{'b':[1]},'c':[1]}")]
    [InlineData("{'a':1}", "[{'op':'copy','from':'','path':'/self'}]", "{'a':1,'self':{'a':1}}")]
    // test
    [InlineData("{'a':{'b':1.0,'c':[1,'x']}}", "[{'op':'test','path':'/a','value':{'c':[1,'x'],'b':1}}]", "{'a':{'b':1.0,'c':[1,'x']}}")]
    [InlineData("{'a':null}", "[{'op':'test','path':'/a','value':null}]", "{'a':null}")]
    [InlineData("{'a':1}", "[{'op':'test','path':'/missing','value':null}]", "{'a':1}")]
    [InlineData("{'a':'\\u0041'}", "[{'op':'test','path':'/a','value':'A'}]", "{'a':'A'}")]
    [InlineData("{'a':1}", "[{'op':'test','path':'','value':{'a':1}}]", "{'a':1}")]
    public void AppliesOperations(string doc, string patch, string expected)
    {
        Assert.Equal(expected, Apply(doc, patch));
    }

    [Theory]
    [InlineData("{'a':1}", "[{'op':'remove','path':'/b'}]", JsonPatchErrorKind.Missing, "error in remove for path: '/b': unable to remove nonexistent key: b: missing value")]
    [InlineData("{'a':1}", "[{'op':'remove','path':'/x/y'}]", JsonPatchErrorKind.Missing, "remove operation does not apply: doc is missing path: \"/x/y\": missing value")]
    [InlineData("{'a':1}", "[{'op':'add','path':'/x/y','value':1}]", JsonPatchErrorKind.Missing, "add operation does not apply: doc is missing path: \"/x/y\": missing value")]
    [InlineData("{'a':'s'}", "[{'op':'add','path':'/a/y','value':1}]", JsonPatchErrorKind.Missing, "doc is missing path")]
    [InlineData("{'a':[1]}", "[{'op':'add','path':'/a/5','value':1}]", JsonPatchErrorKind.InvalidIndex, "Unable to access invalid index: 5")]
    [InlineData("{'a':[1]}", "[{'op':'add','path':'/a/-3','value':1}]", JsonPatchErrorKind.InvalidIndex, "Unable to access invalid index: -3")]
    [InlineData("{'a':[1]}", "[{'op':'add','path':'/a/x','value':1}]", JsonPatchErrorKind.InvalidIndex, "value was not a proper array index: 'x'")]
    [InlineData("{'a':[1]}", "[{'op':'remove','path':'/a/1'}]", JsonPatchErrorKind.InvalidIndex, "Unable to access invalid index: 1")]
    [InlineData("{'a':1}", "[{'op':'replace','path':'/b','value':1}]", JsonPatchErrorKind.Missing, "replace operation does not apply: doc is missing key: /b: missing value")]
    [InlineData("{'a':1}", "[{'op':'replace','path':'','value':1}]", JsonPatchErrorKind.Other, "replace operation value must be object or array")]
    [InlineData("{'a':1}", "[{'op':'move','from':'','path':'/b'}]", JsonPatchErrorKind.Invalid, "unable to move entire document")]
    [InlineData("{'a':1}", "[{'op':'move','from':'/b','path':'/c'}]", JsonPatchErrorKind.Missing, "error in move for path: 'b'")]
    [InlineData("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", JsonPatchErrorKind.Missing, "move operation does not apply: doc is missing destination path")]
    [InlineData("{'a':1}", "[{'op':'copy','from':'/b','path':'/c'}]", JsonPatchErrorKind.Missing, "error in copy for from: '/b'")]
    [InlineData("{'a':1}", "[{'op':'test','path':'/a','value':2}]", JsonPatchErrorKind.TestFailed, "testing value /a failed: test failed")]
    [InlineData("{'a':1}", "[{'op':'test','path':'/a','value':'1'}]", JsonPatchErrorKind.TestFailed, "test failed")]
    [InlineData("{'a':1}", "[{'op':'test','path':'/b','value':1}]", JsonPatchErrorKind.TestFailed, "test failed")]
    [InlineData("{'a':null}", "[{'op':'test','path':'/a','value':0}]", JsonPatchErrorKind.TestFailed, "test failed")]
    [InlineData("{'a':1}", "[{'op':'test','path':'/x/y','value':1}]", JsonPatchErrorKind.Missing, "test operation does not apply: is missing path: /x/y")]
    [InlineData("{'a':[1]}", "[{'op':'test','path':'/a/3','value':1}]", JsonPatchErrorKind.InvalidIndex, "error in test for path: '/a/3'")]
    [InlineData("{'a':1}", "[{'op':'Add','path':'/b','value':1}]", JsonPatchErrorKind.Invalid, "invalid operation {\"op\":\"Add\",\"path\":\"/b\",\"value\":1}: unsupported operation")]
    [InlineData("{'a':1}", "[{'op':'add','path':'/b'}]", JsonPatchErrorKind.Invalid, "failed to decode 'value'")]
    [InlineData("{'a':1}", "[{'op':'copy','path':'/b'}]", JsonPatchErrorKind.Invalid, "failed to decode 'from'")]
    [InlineData("{'a':1}", "[{'op':'add','value':1}]", JsonPatchErrorKind.Invalid, "failed to decode 'path'")]
    [InlineData("{'a':1}", "{'op':'add'}", JsonPatchErrorKind.Invalid, "cannot unmarshal object")]
    [InlineData("{'a':1}", "[{'op':'add',", JsonPatchErrorKind.Invalid, "invalid state detected")]
    public void ReportsErrors(string doc, string patch, object kindValue, string fragment)
    {
        var kind = (JsonPatchErrorKind)kindValue;
        var ex = Assert.Throws<JsonPatchException>(() => Apply(doc, patch));
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedMembersKeepTheLastValueAsInGo()
    {
        Assert.Equal("{'a':{'b':2}}", Apply("{}", "[{'op':'add','path':'/a','value':{'b':1,'b':2}}]"));
    }

    [Fact]
    public void FailingPatchLeavesInputUntouched()
    {
        var doc = JsonNode.Parse("{\"a\":1}");
        var patch = JsonPatch.Parse("[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"remove\",\"path\":\"/zzz\"}]");
        Assert.Throws<JsonPatchException>(() => patch.Apply(doc));
        Assert.Equal("{\"a\":1}", doc!.ToJsonString());
    }

    [Fact]
    public void OperationsAreBuiltFromCode()
    {
        var patch = new JsonPatch(new[] { new JsonPatchOperation("add", "/x", value: JsonValue.Create(5)) });
        Assert.Equal("{\"x\":5}", patch.Apply(new JsonObject())!.ToJsonString());
        Assert.Equal("{\"op\":\"add\",\"path\":\"/x\",\"value\":5}", patch.Operations[0].ToJson().ToJsonString());
    }
}

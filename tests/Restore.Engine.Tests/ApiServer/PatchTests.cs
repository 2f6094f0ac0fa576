using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

public class PatchTests : IClassFixture<ApiServerFixture>
{
    private static readonly ResourceType Deployment = new("apps", "v1", "Deployment", "deployments", true);
    private static readonly ResourceType Service = new("", "v1", "Service", "services", true);
    private static readonly ResourceType ServiceAccount = new("", "v1", "ServiceAccount", "serviceaccounts", true);
    private readonly ApiClient api;

    public PatchTests(ApiServerFixture fixture)
    {
        api = fixture.Client;
    }

    [Theory]
    [InlineData("merge adds and replaces", """{"a":1,"b":{"c":2}}""", """{"b":{"d":3},"e":[1]}""", """{"a":1,"b":{"c":2,"d":3},"e":[1]}""")]
    [InlineData("null deletes", """{"a":1,"b":{"c":2}}""", """{"b":{"c":null}}""", """{"a":1,"b":{}}""")]
    [InlineData("lists are replaced", """{"l":[1,2,3]}""", """{"l":[4]}""", """{"l":[4]}""")]
    [InlineData("scalar replaces object", """{"a":{"b":1}}""", """{"a":"x"}""", """{"a":"x"}""")]
    [InlineData("nested nulls in new objects vanish", """{}""", """{"a":{"b":null,"c":1}}""", """{"a":{"c":1}}""")]
    public void MergePatchFollowsRfc7386(string name, string original, string patch, string expected)
    {
        Assert.NotNull(name);
        var result = Patching.Apply(PatchKind.Merge, Obj(original), Encoding.UTF8.GetBytes(patch), Deployment);
        AssertJson(expected, result);
    }

    [Theory]
    [InlineData("add member", """{"a":1}""", """[{"op":"add","path":"/b","value":2}]""", """{"a":1,"b":2}""")]
    [InlineData("add to array end", """{"l":[1]}""", """[{"op":"add","path":"/l/-","value":2}]""", """{"l":[1,2]}""")]
    [InlineData("insert into array", """{"l":[1,3]}""", """[{"op":"add","path":"/l/1","value":2}]""", """{"l":[1,2,3]}""")]
    [InlineData("remove", """{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("replace", """{"a":{"b":1}}""", """[{"op":"replace","path":"/a/b","value":5}]""", """{"a":{"b":5}}""")]
    [InlineData("move", """{"a":1}""", """[{"op":"move","from":"/a","path":"/b"}]""", """{"b":1}""")]
    [InlineData("copy", """{"a":{"x":1}}""", """[{"op":"copy","from":"/a","path":"/b"}]""", """{"a":{"x":1},"b":{"x":1}}""")]
    [InlineData("escaped pointer", """{"metadata":{"annotations":{}}}""", """[{"op":"add","path":"/metadata/annotations/example.com~1key","value":"v"}]""", """{"metadata":{"annotations":{"example.com/key":"v"}}}""")]
    [InlineData("test then replace", """{"a":1}""", """[{"op":"test","path":"/a","value":1},{"op":"replace","path":"/a","value":2}]""", """{"a":2}""")]
    public void JsonPatchFollowsRfc6902(string name, string original, string patch, string expected)
    {
        Assert.NotNull(name);
        var result = Patching.Apply(PatchKind.Json, Obj(original), Encoding.UTF8.GetBytes(patch), Deployment);
        AssertJson(expected, result);
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""")]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"replace","path":"/missing","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/l/9","value":1}]""")]
    public void FailingJsonPatchIs422(string patch)
    {
        var error = Assert.Throws<ApiException>(() => Patching.Apply(PatchKind.Json, Obj("""{"a":1,"l":[]}"""), Encoding.UTF8.GetBytes(patch), Deployment));
        Assert.Equal(422, error.Code);
        Assert.Equal("the server rejected our request due to an error in our request", error.Message);
    }

    public static TheoryData<string, string, string, string> StrategicCases() => new()
    {
        {
            "containers merge by name",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}]}}}}"""
        },
        {
            "new container is appended",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"c:1"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"c","image":"c:1"}]}}}}"""
        },
        {
            "$patch delete removes one element",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"b"}]}}}}"""
        },
        {
            "$patch replace on a list",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"a"},{"name":"b"}]}}}}""",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"c"},{"$patch":"replace"}]}}}}""",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"c"}]}}}}"""
        },
        {
            "$patch replace on a map",
            """{"spec":{"selector":{"matchLabels":{"a":"1","b":"2"}}}}""",
            """{"spec":{"selector":{"matchLabels":{"c":"3","$patch":"replace"}}}}""",
            """{"spec":{"selector":{"matchLabels":{"c":"3"}}}}"""
        },
        {
            "$patch delete on a map",
            """{"spec":{"strategy":{"type":"Recreate"},"replicas":1}}""",
            """{"spec":{"strategy":{"$patch":"delete"}}}""",
            """{"spec":{"replicas":1}}"""
        },
        {
            "env merges by name inside a container",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"3"}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"3"}]}]}}}}"""
        },
        {
            "container ports merge by containerPort",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"},{"containerPort":443}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"web"}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"web"},{"containerPort":443}]}]}}}}"""
        },
        {
            "volumeMounts merge by mountPath",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/d","name":"d"}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/d","readOnly":true},{"mountPath":"/e","name":"e"}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/d","name":"d","readOnly":true},{"mountPath":"/e","name":"e"}]}]}}}}"""
        },
        {
            "lists without a merge key are replaced",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","args":["x","y"]}],"tolerations":[{"key":"k"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","args":["z"]}],"tolerations":[{"key":"j"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","args":["z"]}],"tolerations":[{"key":"j"}]}}}}"""
        },
        {
            "finalizers merge as a set and $deleteFromPrimitiveList removes",
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"finalizers":["b","c"],"$deleteFromPrimitiveList/finalizers":["a"]}}""",
            """{"metadata":{"finalizers":["b","c"]}}"""
        },
        {
            "$setElementOrder orders the merged list",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}}}""",
            """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","image":"x"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"b"},{"name":"a","image":"x"}]}}}}"""
        },
        {
            "$retainKeys drops keys not listed",
            """{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}""",
            """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""",
            """{"spec":{"strategy":{"type":"Recreate"}}}"""
        },
        {
            "null deletes a field",
            """{"metadata":{"labels":{"a":"1","b":"2"}}}""",
            """{"metadata":{"labels":{"a":null}}}""",
            """{"metadata":{"labels":{"b":"2"}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(StrategicCases))]
    public void StrategicMergeHonoursMergeKeysAndDirectives(string name, string original, string patch, string expected)
    {
        Assert.NotNull(name);
        var result = Patching.Apply(PatchKind.Strategic, Obj(original), Encoding.UTF8.GetBytes(patch), Deployment);
        AssertJson(expected, result);
    }

    [Fact]
    public void ServicePortsMergeByPortAndServiceAccountSecretsByName()
    {
        var svc = Patching.Apply(PatchKind.Strategic, Obj("""{"spec":{"ports":[{"port":80,"name":"http"},{"port":443,"name":"https"}]}}"""), Encoding.UTF8.GetBytes("""{"spec":{"ports":[{"port":80,"targetPort":8080}]}}"""), Service);
        AssertJson("""{"spec":{"ports":[{"port":80,"name":"http","targetPort":8080},{"port":443,"name":"https"}]}}""", svc);

        var sa = Patching.Apply(PatchKind.Strategic, Obj("""{"secrets":[{"name":"a"}]}"""), Encoding.UTF8.GetBytes("""{"secrets":[{"name":"b"}]}"""), ServiceAccount);
        AssertJson("""{"secrets":[{"name":"a"},{"name":"b"}]}""", sa);
    }

    [Fact]
    public async Task PatchContentTypesOverHttp()
    {
        var ns = await api.NamespaceAsync("patch-http");
        await api.PostAsync($"/apis/apps/v1/namespaces/{ns}/deployments", StorageSemanticsTests.Deployment("web", ns, "nginx:1"));
        var strategic = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web", """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}""", "application/strategic-merge-patch+json");
        Assert.Equal(200, strategic.Status);
        Assert.Equal("nginx:2", strategic.Str("spec", "template", "spec", "containers", "0", "image"));
        Assert.Equal("80", strategic.Str("spec", "template", "spec", "containers", "0", "ports", "0", "containerPort"));

        var json = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web", """[{"op":"add","path":"/metadata/labels","value":{"tier":"front"}}]""", "application/json-patch+json");
        Assert.Equal("front", json.Str("metadata", "labels", "tier"));

        var failed = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web", """[{"op":"test","path":"/spec/replicas","value":42}]""", "application/json-patch+json");
        Assert.Equal(422, failed.Status);
        Assert.Equal("Invalid", failed.Str("reason"));

        var unsupported = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/web", "{}", "application/apply-patch+yaml");
        Assert.Equal(415, unsupported.Status);
        Assert.Equal("UnsupportedMediaType", unsupported.Str("reason"));

        var missing = await api.PatchAsync($"/apis/apps/v1/namespaces/{ns}/deployments/nope", "{}", "application/merge-patch+json");
        Assert.Equal(404, missing.Status);
    }

    private static JsonObject Obj(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static void AssertJson(string expected, JsonNode actual)
        => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\n  actual {actual.ToJsonString()}");
}

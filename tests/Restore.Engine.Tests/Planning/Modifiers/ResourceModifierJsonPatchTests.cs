using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Planning.Modifiers;
using Xunit;

namespace Restore.Engine.Tests.Planning.Modifiers;

public class ResourceModifierJsonPatchTests
{
    // Value typing (docs/velero-compatibility.md#modifier-patches): the value string, and the JSON the "value" member becomes.
    [Theory]
    [InlineData("", "\"\"")]
    [InlineData("\"5\"", "\"5\"")]
    [InlineData("5", "5")]
    [InlineData("-1.5e3", "-1.5e3")]
    [InlineData("true", "true")]
    [InlineData("FALSE", "FALSE")] // inserted raw, any case (invalid JSON unless lower case)
    [InlineData("\"true\"", "\"true\"")]
    [InlineData("\"\\\"true\\\"\"", "\"\\\"true\\\"\"")]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("null", "null")]
    [InlineData("\"null\"", "\"null\"")]
    [InlineData("Null", "\"Null\"")]
    [InlineData("hello", "\"hello\"")]
    [InlineData("say \"hi\"", "\"say \"hi\"\"")] // quotes are not escaped
    [InlineData("NaN", "NaN")]
    [InlineData("Inf", "Inf")]
    [InlineData("-infinity", "-infinity")]
    [InlineData("1e400", "\"1e400\"")] // out of range for ParseFloat: quoted
    [InlineData("0x1p-2", "0x1p-2")]
    [InlineData("0x10", "\"0x10\"")]
    [InlineData(".5", ".5")]
    [InlineData("1_000", "1_000")]
    [InlineData("\"", "\"\"")] // a lone quote is trimmed away
    [InlineData("{broken", "{broken")]
    public void TypesValuesLikeVelero(string value, string expectedValueJson)
    {
        var op = new ResourceModifierJsonPatch("add", "/x", null, value);
        Assert.Equal($"{{\"op\": \"add\", \"from\": \"\", \"path\": \"/x\", \"value\": {expectedValueJson}}}", op.ToPatchJson());
    }

    [Theory]
    [InlineData("5", "5", JsonValueKind.Number)]
    [InlineData("\"5\"", "\"5\"", JsonValueKind.String)]
    [InlineData("true", "true", JsonValueKind.True)]
    [InlineData("\"true\"", "\"true\"", JsonValueKind.String)]
    [InlineData("{\"a\":1}", "{\"a\":1}", JsonValueKind.Object)]
    [InlineData("null", "null", JsonValueKind.Null)]
    [InlineData("web", "\"web\"", JsonValueKind.String)]
    public void RendersValidJsonForOrdinaryValues(string value, string json, JsonValueKind kind)
    {
        var node = JsonNode.Parse(new ResourceModifierJsonPatch("replace", "/a", null, value).ToPatchJson())!;
        Assert.Equal(kind, node["value"] is null ? JsonValueKind.Null : node["value"]!.GetValueKind());
        Assert.Equal(json, node["value"] is null ? "null" : node["value"]!.ToJsonString());
    }

    [Theory]
    [InlineData("True")]
    [InlineData("NaN")]
    [InlineData("say \"hi\"")]
    [InlineData("1_000")]
    [InlineData(".5")]
    public void SomeValuesRenderInvalidJsonAsInVelero(string value)
    {
        Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(new ResourceModifierJsonPatch("add", "/x", null, value).ToPatchJson()));
    }
}

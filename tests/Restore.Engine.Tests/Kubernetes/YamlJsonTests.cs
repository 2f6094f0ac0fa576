using System;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Kubernetes;

public class YamlJsonTests
{
    [Theory]
    [InlineData("a: true", "{\"a\":true}")]
    [InlineData("a: True", "{\"a\":true}")]
    [InlineData("a: yes", "{\"a\":true}")]
    [InlineData("a: off", "{\"a\":false}")]
    [InlineData("a: tRUE", "{\"a\":\"tRUE\"}")]
    [InlineData("a: 'true'", "{\"a\":\"true\"}")]
    [InlineData("a: \"5\"", "{\"a\":\"5\"}")]
    [InlineData("a: 5", "{\"a\":5}")]
    [InlineData("a: -12", "{\"a\":-12}")]
    [InlineData("a: 1_000", "{\"a\":1000}")]
    [InlineData("a: 0x1F", "{\"a\":31}")]
    [InlineData("a: 017", "{\"a\":15}")]
    [InlineData("a: 0o17", "{\"a\":15}")]
    [InlineData("a: 0b101", "{\"a\":5}")]
    [InlineData("a: 1.5", "{\"a\":1.5}")]
    [InlineData("a: .5", "{\"a\":0.5}")]
    [InlineData("a: 1e3", "{\"a\":1000}")]
    [InlineData("a: 18446744073709551615", "{\"a\":18446744073709551615}")]
    [InlineData("a: null", "{\"a\":null}")]
    [InlineData("a: ~", "{\"a\":null}")]
    [InlineData("a:", "{\"a\":null}")]
    [InlineData("a: 2024-01-02", "{\"a\":\"2024-01-02\"}")]
    [InlineData("a: 1.2.3", "{\"a\":\"1.2.3\"}")]
    [InlineData("a: abc", "{\"a\":\"abc\"}")]
    [InlineData("a: !!str 5", "{\"a\":\"5\"}")]
    [InlineData("a: [1, x, {b: c}]", "{\"a\":[1,\"x\",{\"b\":\"c\"}]}")]
    [InlineData("{\"a\": {\"b\": [1, \"2\", null]}}", "{\"a\":{\"b\":[1,\"2\",null]}}")]
    [InlineData("1: one\ntrue: t", "{\"1\":\"one\",\"true\":\"t\"}")]
    [InlineData("base: &b {x: 1}\nd:\n  <<: *b\n  z: 2", "{\"base\":{\"x\":1},\"d\":{\"x\":1,\"z\":2}}")]
    [InlineData("y: 2\nn: 3", "{\"true\":2,\"false\":3}")] // YAML 1.1: the keys y and n are booleans, as in go-yaml v2
    [InlineData("a: |\n  line1\n  line2\n", "{\"a\":\"line1\\nline2\\n\"}")]
    [InlineData("- a\n- b", "[\"a\",\"b\"]")]
    [InlineData("first: 1\n---\nsecond: 2", "{\"first\":1}")]
    public void ConvertsLikeSigsYaml(string yaml, string expected)
    {
        Assert.Equal(expected, YamlJson.Parse(yaml)!.ToJsonString());
    }

    [Fact]
    public void DuplicateKeysKeepTheLastUnlessStrict()
    {
        Assert.Equal("{\"a\":2}", YamlJson.Parse("a: 1\na: 2")!.ToJsonString());
        var ex = Assert.Throws<FormatException>(() => YamlJson.Parse("a: 1\na: 2", rejectDuplicateKeys: true));
        Assert.Contains("key \"a\" already set in map", ex.Message, StringComparison.Ordinal);
        // Keys brought in by a merge key are not duplicates; an explicit key after the merge wins.
        Assert.Equal("{\"b\":{\"x\":1},\"c\":{\"x\":2}}", YamlJson.Parse("b: &m {x: 1}\nc:\n  <<: *m\n  x: 2", rejectDuplicateKeys: true)!.ToJsonString());
    }

    [Fact]
    public void AliasExpansionIsBounded()
    {
        var sb = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++)
        {
            sb.Append($"a{i}: &a{i} [").Append(string.Join(", ", System.Linq.Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }

        var ex = Assert.Throws<FormatException>(() => YamlJson.Parse(sb.ToString()));
        Assert.Contains("too large", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyDocumentIsNull()
    {
        Assert.Null(YamlJson.Parse(""));
        Assert.Null(YamlJson.Parse("null"));
    }

    [Theory]
    [InlineData("a: b: c")]
    [InlineData("a: [1, 2")]
    [InlineData("a: .inf")]
    [InlineData("a: .NaN")]
    [InlineData("~: x")]
    public void RejectsWhatJsonCannotHold(string yaml)
    {
        var ex = Assert.Throws<FormatException>(() => YamlJson.Parse(yaml));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Theory]
    [InlineData("5", "5")]
    [InlineData("true", "true")]
    [InlineData("yes", "true")]
    [InlineData("1.5", "1.5")]
    [InlineData("1.0", "1")]
    [InlineData("1e3", "1000")]
    [InlineData("1e6", "1e+06")]
    [InlineData("123456", "123456")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("0.00001", "1e-05")]
    [InlineData("3.14159265", "3.1415927")]
    [InlineData("-2.5", "-2.5")]
    public void ScalarsBecomeGoStrings(string yaml, string expected)
    {
        Assert.Equal(expected, YamlJson.ScalarAsGoString(YamlJson.Parse(yaml)));
    }
}

using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Actions;
using Xunit;

namespace Restore.Engine.Tests.Actions;

public class ImageMappingParserTests
{
    [Theory]
    [InlineData("case1", "reg.old , reg.new", "reg.old=reg.new", "")]
    [InlineData("case1", "a,b,c", "a=b,c", "")]
    [InlineData("case1", "docker.io/, ", "docker.io/=", "")]
    [InlineData("case1", "docker.io/,", "", "nothing after the comma")]
    [InlineData("case1", "no-comma", "", "has no comma")]
    [InlineData("case1", " ,new", "", "empty old part")]
    public void ParsesVeleroConfigMapValues(string key, string value, string expectedMapping, string expectedProblem)
    {
        var result = ImageMappingParser.Parse(new Dictionary<string, string> { [key] = value });

        Assert.Equal(expectedMapping, string.Join(";", result.Mapping.Select(p => p.Key + "=" + p.Value)));
        if (expectedProblem.Length == 0)
        {
            Assert.Empty(result.Problems);
        }
        else
        {
            var problem = Assert.Single(result.Problems);
            Assert.Contains(expectedProblem, problem, System.StringComparison.Ordinal);
            Assert.Contains("\"case1\"", problem, System.StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ConflictingRulesKeepTheFirstKeyInOrder()
    {
        var result = ImageMappingParser.Parse(new Dictionary<string, string> { ["b"] = "x,second", ["a"] = "x,first" });

        Assert.Equal("first", result.Mapping["x"]);
        Assert.Contains("\"b\"", Assert.Single(result.Problems), System.StringComparison.Ordinal);
    }
}

using System.Text;
using Restore.Engine.Planning;
using Xunit;

namespace Restore.Engine.Tests.Planning;

public class ItemHeaderTests
{
    [Theory]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"labels":{"app":"web"}}}""", null)]
    [InlineData("""{"apiVersion":"v1","kind":"\u0043onfigMap"}""", null)]
    [InlineData("""{"apiVersion":"v1","metadata":{}}""", "Object 'Kind' is missing")]
    [InlineData("""{"kind":""}""", "Object 'Kind' is missing")]
    [InlineData("""{"kind":7}""", "Object 'Kind' is missing")]
    [InlineData("""{"kind":"A","kind":""}""", "Object 'Kind' is missing")]
    [InlineData("""[1]""", "the item is not a JSON object")]
    [InlineData("""{"kind":"A"} {}""", "invalid JSON: ")]
    [InlineData("""{"kind":"A","spec":{"x":[1,}}""", "invalid JSON")]
    public void ValidatesTheSameWithAndWithoutDetails(string json, string? expectedError)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        foreach (var details in new[] { true, false })
        {
            var ok = ItemHeader.TryRead(bytes, out _, out var error, readDetails: details);
            Assert.Equal(expectedError is null, ok);
            if (expectedError is not null)
            {
                Assert.StartsWith(expectedError, error, System.StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void DetailsAreReadOnlyWhenAsked()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web","tier":"front"}}}""");

        Assert.True(ItemHeader.TryRead(bytes, out var full, out _, readDetails: true));
        Assert.Equal(("apps/v1", "Deployment", "web"), (full.ApiVersion, full.Kind, full.Labels["app"]));

        Assert.True(ItemHeader.TryRead(bytes, out var lean, out _, readDetails: false));
        Assert.Equal((string.Empty, string.Empty, 0), (lean.ApiVersion, lean.Kind, lean.Labels.Count));
    }

    [Fact]
    public void ANonStringLabelMeansNoLabelsAtAll()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"kind":"Pod","metadata":{"labels":{"app":"web","n":1}}}""");
        Assert.True(ItemHeader.TryRead(bytes, out var header, out _));
        Assert.Empty(header.Labels);
    }
}

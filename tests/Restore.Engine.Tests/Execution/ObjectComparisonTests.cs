using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Execution;
using Xunit;

namespace Restore.Engine.Tests.Execution;

public class ObjectComparisonTests
{
    private const string Desired = """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"shop","labels":{"app":"web","velero.io/restore-name":"r2","velero.io/backup-name":"b"}},"data":{"k":"v"}}
        """;

    [Theory]
    // What a server adds after creating the object: not a difference.
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"shop","uid":"u","resourceVersion":"9","creationTimestamp":"2025-01-01T00:00:00Z","managedFields":[{"manager":"x"}],"labels":{"app":"web","velero.io/restore-name":"r1","velero.io/backup-name":"b"},"annotations":{"added":"by-controller"}},"data":{"k":"v"}}""", true)]
    // The restore labels name an earlier restore: still the same content.
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"web"}},"data":{"k":"v"}}""", true)]
    // A changed value, a missing label, a missing data key: different.
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"web"}},"data":{"k":"changed"}}""", false)]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{}},"data":{"k":"v"}}""", false)]
    [InlineData("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"web"}},"data":{}}""", false)]
    public void IgnoresOnlyWhatTheServerSets(string live, bool equivalent) =>
        Assert.Equal(equivalent, ObjectComparison.IsEquivalent(JsonNode.Parse(Desired)!.AsObject(), JsonNode.Parse(live)!.AsObject()));

    [Theory]
    [InlineData("""{"spec":{"replicas":3}}""", """{"spec":{"replicas":3,"revisionHistoryLimit":10,"progressDeadlineSeconds":600}}""", true)]
    [InlineData("""{"spec":{"replicas":3}}""", """{"spec":{"replicas":5}}""", false)]
    [InlineData("""{"spec":{"paused":false,"x":"","y":{},"z":[]}}""", """{"spec":{}}""", true)]
    [InlineData("""{"spec":{"replicas":0}}""", """{"spec":{"replicas":2}}""", false)]
    [InlineData("""{"spec":{"n":1.0}}""", """{"spec":{"n":1}}""", true)]
    [InlineData("""{"spec":{"ports":[{"port":80}]}}""", """{"spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":80}]}}""", true)]
    [InlineData("""{"spec":{"ports":[{"port":80}]}}""", """{"spec":{"ports":[{"port":80},{"port":81}]}}""", false)]
    [InlineData("""{"status":{"phase":"Bound"}}""", """{"status":{"phase":"Pending"}}""", true)]
    [InlineData("""{"spec":{"s":"a"}}""", """{"spec":{"s":1}}""", false)]
    public void ComparesByContainment(string desired, string live, bool equivalent) =>
        Assert.Equal(equivalent, ObjectComparison.IsEquivalent(JsonNode.Parse(desired)!.AsObject(), JsonNode.Parse(live)!.AsObject()));

    [Fact]
    public void ReportsPathsAndValues()
    {
        var diff = ObjectComparison.Compare(
            JsonNode.Parse("""{"spec":{"replicas":3,"template":{"spec":{"containers":[{"image":"web:2"}]}}}}""")!.AsObject(),
            JsonNode.Parse("""{"spec":{"replicas":5,"template":{"spec":{"containers":[{"image":"web:1"}]}}}}""")!.AsObject(),
            redactValues: false);

        Assert.Equal(new[] { "spec.replicas: 5 -> 3", "spec.template.spec.containers[0].image: \"web:1\" -> \"web:2\"" }, diff.Select(d => d.ToString()));
    }

    [Fact]
    public void RedactedDiffNamesPathsButNeverValues()
    {
        const string Canary = "c2VjcmV0LWNhbmFyeQ==";
        var diff = ObjectComparison.Compare(
            JsonNode.Parse("{\"kind\":\"Secret\",\"data\":{\"password\":\"" + Canary + "\"}}")!.AsObject(),
            JsonNode.Parse("""{"kind":"Secret","data":{"password":"b3RoZXI="}}""")!.AsObject(),
            redactValues: true);

        var only = Assert.Single(diff);
        Assert.Equal("data.password", only.Path);
        Assert.DoesNotContain(Canary, only.ToString(), System.StringComparison.Ordinal);
        Assert.Null(only.Desired);
    }

    [Fact]
    public void StopsAtTheLimit()
    {
        var desired = new JsonObject { ["data"] = new JsonObject { ["a"] = "1", ["b"] = "2", ["c"] = "3" } };
        var live = new JsonObject { ["data"] = new JsonObject { ["a"] = "x", ["b"] = "y", ["c"] = "z" } };
        Assert.Equal(2, ObjectComparison.Compare(desired, live, redactValues: false, limit: 2).Count);
    }
}

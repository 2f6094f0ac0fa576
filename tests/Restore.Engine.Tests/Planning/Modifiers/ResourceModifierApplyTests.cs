using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Common;
using Restore.Engine.Planning.Modifiers;
using Xunit;

namespace Restore.Engine.Tests.Planning.Modifiers;

public class ResourceModifierApplyTests
{
    private sealed class ListLog : IEngineLog
    {
        public List<EngineLogEntry> Entries { get; } = new();

        public void Write(EngineLogEntry entry) => Entries.Add(entry);
    }

    private static JsonObject Deployment(string name = "my-web-1", string ns = "shop") => JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"NAME","namespace":"NS","labels":{"app":"web"},"annotations":{"keep":"1","drop":"2"}},
         "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"app","image":"repo1/app:1"},{"name":"sidecar","image":"repo1/side:1"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("\"NS\"", "\"" + ns + "\"", StringComparison.Ordinal))!.AsObject();

    private static ResourceModifierSet Rules(string rulesYaml) =>
        ResourceModifierSet.Parse("version: v1\nresourceModifierRules:\n" + rulesYaml);

    private static string Replicas(JsonObject o) => o["spec"]!["replicas"]!.ToJsonString();

    [Theory]
    // case 73: the namespaces condition is tested against the source namespace
    [InlineData("[shop]", "shop", true)]
    [InlineData("[shop-restored]", "shop", false)]
    [InlineData("['sh*']", "shop", true)]
    [InlineData("[]", "shop", true)]
    public void NamespacesConditionUsesSourceNamespace(string namespaces, string sourceNamespace, bool applied)
    {
        var set = Rules($"- conditions: {{groupResource: deployments.apps, namespaces: {namespaces}}}\n  patches: [{{operation: replace, path: /spec/replicas, value: '0'}}]");
        var obj = Deployment(ns: "shop-restored"); // the item may already carry the mapped namespace
        Assert.Empty(set.Apply(obj, "deployments.apps", sourceNamespace));
        Assert.Equal(applied ? "0" : "3", Replicas(obj));
    }

    [Fact]
    public void NamespacesConditionIsSkippedForClusterScopedItems()
    {
        var set = Rules("- conditions: {groupResource: persistentvolumes, namespaces: [shop]}\n  patches: [{operation: add, path: /metadata/labels, value: '{\"x\":\"y\"}'}]");
        var pv = JsonNode.Parse("{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolume\",\"metadata\":{\"name\":\"pv1\"}}")!.AsObject();
        Assert.Empty(set.Apply(pv, "persistentvolumes", ""));
        Assert.Equal("{\"x\":\"y\"}", pv["metadata"]!["labels"]!.ToJsonString());
    }

    [Theory]
    // case 74
    [InlineData("'*.*'", "ingresses.networking.k8s.io", false)]
    [InlineData("'**'", "ingresses.networking.k8s.io", true)]
    [InlineData("'*.*'", "deployments.apps", true)]
    [InlineData("'*'", "deployments.apps", false)]
    [InlineData("'*'", "pods", true)]
    [InlineData("'*.apps'", "deployments.apps", true)]
    [InlineData("'{deployments,statefulsets}.apps'", "statefulsets.apps", true)]
    [InlineData("deployments.apps", "deployments.apps", true)]
    public void GroupResourceIsADotSeparatedGlob(string pattern, string groupResource, bool applied)
    {
        var set = Rules($"- conditions: {{groupResource: {pattern}}}\n  patches: [{{operation: replace, path: /spec/replicas, value: '0'}}]");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, groupResource, "shop"));
        Assert.Equal(applied ? "0" : "3", Replicas(obj));
    }

    [Theory]
    // case 75
    [InlineData("web", "my-web-1", true)]
    [InlineData("^web", "my-web-1", false)]
    [InlineData("-[0-9]+$", "my-web-1", true)]
    public void NameRegexIsAnUnanchoredSearch(string regex, string name, bool applied)
    {
        var set = Rules($"- conditions: {{groupResource: deployments.apps, resourceNameRegex: '{regex}'}}\n  patches: [{{operation: replace, path: /spec/replicas, value: '0'}}]");
        var obj = Deployment(name);
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal(applied ? "0" : "3", Replicas(obj));
    }

    [Theory]
    [InlineData("{matchLabels: {app: web}}", true)]
    [InlineData("{matchLabels: {app: db}}", false)]
    [InlineData("{matchExpressions: [{key: app, operator: NotIn, values: [db]}]}", true)]
    [InlineData("{}", true)]
    public void LabelSelectorCondition(string selector, bool applied)
    {
        var set = Rules($"- conditions: {{groupResource: deployments.apps, labelSelector: {selector}}}\n  patches: [{{operation: replace, path: /spec/replicas, value: '0'}}]");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal(applied ? "0" : "3", Replicas(obj));
    }

    [Theory]
    [InlineData("[{path: /spec/replicas, value: '3'}]", true)]
    [InlineData("[{path: /spec/replicas, value: '\"3\"'}]", false)] // a string does not equal the number 3
    [InlineData("[{path: /metadata/labels/app, value: web}]", true)]
    [InlineData("[{path: /metadata/labels/app, value: web}, {path: /spec/replicas, value: '4'}]", false)]
    [InlineData("[{path: /spec/nothing/here, value: x}]", false)] // a missing path means no match (>= 1.15)
    [InlineData("[{path: /spec/template/spec/containers/0/name, value: app}]", true)]
    public void MatchesConditionUsesTestOperations(string matches, bool applied)
    {
        var set = Rules($"- conditions:\n    groupResource: deployments.apps\n    matches: {matches}\n  patches: [{{operation: replace, path: /spec/replicas, value: '0'}}]");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal(applied ? "0" : "3", Replicas(obj));
    }

    [Fact]
    public void MatchesConditionErrors()
    {
        var badValue = Rules("- conditions:\n    groupResource: deployments.apps\n    matches: [{path: /spec/replicas, value: 'True'}]\n  patches: [{operation: remove, path: /spec/replicas}]");
        var obj = Deployment();
        Assert.Equal("error in decoding json patch invalid state detected", Assert.Single(badValue.Apply(obj, "deployments.apps", "shop")));
        Assert.Equal("3", Replicas(obj));

        var noPath = Rules("- conditions:\n    groupResource: deployments.apps\n    matches: [{value: x}]\n  patches: [{operation: remove, path: /spec/replicas}]");
        Assert.Equal("path is required for match rule", Assert.Single(noPath.Apply(obj, "deployments.apps", "shop")));
    }

    [Fact]
    public void FailedTestSkipsTheRulesPatchesWithoutError()
    {
        // case 76
        var set = Rules("- conditions: {groupResource: deployments.apps}\n  patches:\n  - {operation: replace, path: /spec/replicas, value: '0'}\n  - {operation: test, path: /metadata/labels/app, value: db}\n  - {operation: remove, path: /metadata/annotations/drop}");
        var log = new ListLog();
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop", log));
        Assert.Equal("3", Replicas(obj));
        Assert.NotNull(obj["metadata"]!["annotations"]!["drop"]);
        Assert.Contains(log.Entries, e => e.Message.StartsWith("Test operation failed for JSON Patch", StringComparison.Ordinal));
    }

    [Fact]
    public void RemoveOfMissingPathIsAnErrorAndLeavesTheItemUnmodifiedByThatRule()
    {
        // case 77: the error is reported, later rules still run, and the item is still usable
        var set = Rules(
            "- conditions: {groupResource: deployments.apps}\n  patches:\n  - {operation: replace, path: /spec/replicas, value: '0'}\n  - {operation: remove, path: /metadata/annotations/missing}\n" +
            "- conditions: {groupResource: deployments.apps}\n  patches:\n  - {operation: add, path: /metadata/labels/second, value: ran}");
        var obj = Deployment();
        var errors = set.Apply(obj, "deployments.apps", "shop");
        Assert.Equal("error in applying patch error in applying JSON Patch error in remove for path: '/metadata/annotations/missing': unable to remove nonexistent key: missing: missing value", Assert.Single(errors));
        Assert.Equal("3", Replicas(obj));
        Assert.Equal("ran", obj["metadata"]!["labels"]!["second"]!.GetValue<string>());
    }

    [Theory]
    // case 78: the YAML value string and the JSON that lands in the object
    [InlineData("'5'", "5")]
    [InlineData("5", "5")]
    [InlineData("'\"5\"'", "\"5\"")]
    [InlineData("'true'", "true")]
    [InlineData("'\"true\"'", "\"true\"")]
    [InlineData("'{\"a\":1}'", "{\"a\":1}")]
    [InlineData("'null'", "null")]
    [InlineData("null", "\"\"")] // YAML null leaves the Go string empty, which becomes ""
    [InlineData("hello", "\"hello\"")]
    [InlineData("'[1, \"x\"]'", "[1,\"x\"]")]
    public void JsonPatchValueTyping(string yamlValue, string expectedJson)
    {
        var set = Rules($"- conditions: {{groupResource: deployments.apps}}\n  patches:\n  - operation: add\n    path: /spec/x\n    value: {yamlValue}");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal(expectedJson, obj["spec"]!["x"] is null ? "null" : obj["spec"]!["x"]!.ToJsonString());
    }

    [Theory]
    // case 79 and friends: values that render invalid JSON are patch errors
    [InlineData("'True'")]
    [InlineData("'NaN'")]
    [InlineData("'say \"hi\"'")]
    public void InvalidRenderedValuesAreErrors(string yamlValue)
    {
        var set = Rules($"- conditions: {{groupResource: deployments.apps}}\n  patches:\n  - operation: add\n    path: /spec/x\n    value: {yamlValue}");
        var obj = Deployment();
        var error = Assert.Single(set.Apply(obj, "deployments.apps", "shop"));
        Assert.StartsWith("error in applying patch error in applying JSON Patch error in decoding json patch invalid state detected (patch 1 renders as ", error, StringComparison.Ordinal);
        Assert.Null(obj["spec"]!["x"]);
    }

    [Fact]
    public void OperationNamesAreCaseSensitiveWhenApplied()
    {
        var set = Rules("- conditions: {groupResource: deployments.apps}\n  patches: [{operation: Replace, path: /spec/replicas, value: '0'}]");
        var obj = Deployment();
        var error = Assert.Single(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Contains("unsupported operation", error, StringComparison.Ordinal);
        Assert.Equal("3", Replicas(obj));
    }

    [Fact]
    public void MergePatchNullRemovesAnAnnotation()
    {
        // case 80, with two merge patches applied in sequence
        var set = Rules("- conditions: {groupResource: deployments.apps}\n  mergePatches:\n  - patchData: |\n      metadata:\n        annotations:\n          drop: null\n  - patchData: '{\"spec\":{\"replicas\":1}}'");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal("{\"keep\":\"1\"}", obj["metadata"]!["annotations"]!.ToJsonString());
        Assert.Equal("1", Replicas(obj));
    }

    [Theory]
    [InlineData("''", "error in applying patch error in unmarshalling modified object Object 'Kind' is missing")]
    [InlineData("'{\"kind\":null}'", "error in applying patch error in unmarshalling modified object Object 'Kind' is missing")]
    [InlineData("'a: b: c'", "error in applying patch error in converting YAML to JSON yaml:")]
    public void MergePatchErrors(string patchData, string expected)
    {
        var set = Rules($"- conditions: {{groupResource: deployments.apps}}\n  mergePatches:\n  - patchData: {patchData}");
        var obj = Deployment();
        Assert.StartsWith(expected, Assert.Single(set.Apply(obj, "deployments.apps", "shop")), StringComparison.Ordinal);
        Assert.Equal("3", Replicas(obj));
    }

    [Fact]
    public void StrategicPatchMergesContainersByName()
    {
        // case 81 (Deployment)
        var set = Rules("- conditions: {groupResource: deployments.apps}\n  strategicPatches:\n  - patchData: |\n      spec:\n        template:\n          spec:\n            containers:\n            - name: app\n              image: repo2/app:1");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        var containers = obj["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(new[] { "app=repo2/app:1", "sidecar=repo1/side:1" }, containers.Select(c => c!["name"] + "=" + c["image"]).ToArray());
    }

    [Fact]
    public void StrategicPatchOnKindsOutsideVeleroSchemeUsesGenericRules()
    {
        // case 81 (Ingress): Velero fails with "no kind registered"; we apply it with generic rules and say so
        var set = Rules("- conditions: {groupResource: ingresses.networking.k8s.io}\n  strategicPatches:\n  - patchData: '{\"spec\":{\"rules\":[{\"host\":\"new.example.com\"}]}}'");
        var ingress = JsonNode.Parse("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"i\",\"namespace\":\"shop\"},\"spec\":{\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"old.example.com\"},{\"host\":\"b\"}]}}")!.AsObject();
        var log = new ListLog();
        Assert.Empty(set.Apply(ingress, "ingresses.networking.k8s.io", "shop", log));
        Assert.Equal("{\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"new.example.com\"}]}", ingress["spec"]!.ToJsonString());
        Assert.Contains(log.Entries, e => e.Message.Contains("no built-in strategic merge metadata", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("'- a'", "error in applying patch error in applying Strategic Patch json: cannot unmarshal array into Go value of type map[string]interface {}")]
    [InlineData("'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}}}'", "error in applying patch error in applying Strategic Patch map: map[image:x] does not contain declared merge key: name")]
    public void StrategicPatchErrors(string patchData, string expected)
    {
        var set = Rules($"- conditions: {{groupResource: deployments.apps}}\n  strategicPatches:\n  - patchData: {patchData}");
        var obj = Deployment();
        Assert.Equal(expected, Assert.Single(set.Apply(obj, "deployments.apps", "shop")));
        Assert.Equal("repo1/app:1", obj["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void ConditionsSeeTheItemBeforeAnyRuleRan()
    {
        // case 82: rule 1 changes the label rule 2 selects on; rule 2 still matches the original labels,
        // and the patches of both rules accumulate.
        var set = Rules(
            "- conditions: {groupResource: deployments.apps, labelSelector: {matchLabels: {app: web}}}\n  mergePatches: [{patchData: '{\"metadata\":{\"labels\":{\"app\":\"changed\"}}}'}]\n" +
            "- conditions: {groupResource: deployments.apps, labelSelector: {matchLabels: {app: web}}}\n  patches: [{operation: replace, path: /spec/replicas, value: '0'}]\n" +
            "- conditions: {groupResource: deployments.apps, labelSelector: {matchLabels: {app: changed}}}\n  patches: [{operation: replace, path: /spec/replicas, value: '9'}]");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal("changed", obj["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("0", Replicas(obj));
    }

    [Fact]
    public void RuleWithoutPatchesFailsWhenApplied()
    {
        var set = Rules("- conditions: {groupResource: deployments.apps}");
        Assert.Equal("no patch data found", Assert.Single(set.Apply(Deployment(), "deployments.apps", "shop")));
        Assert.Empty(set.Apply(Deployment(), "pods", "shop")); // not matched: no error
    }

    [Fact]
    public void BadPatternsAreReportedPerItemButOtherRulesRun()
    {
        var set = Rules(
            "- conditions: {groupResource: '[', }\n  patches: [{operation: remove, path: /x}]\n" +
            "- conditions: {groupResource: deployments.apps, resourceNameRegex: '(?=x)'}\n  patches: [{operation: remove, path: /x}]\n" +
            "- conditions: {groupResource: deployments.apps, labelSelector: {matchLabels: {'bad key': x}}}\n  patches: [{operation: remove, path: /x}]\n" +
            "- conditions: {groupResource: deployments.apps}\n  patches: [{operation: replace, path: /spec/replicas, value: '0'}]");
        var obj = Deployment();
        var errors = set.Apply(obj, "deployments.apps", "shop");
        Assert.Equal(3, errors.Count);
        Assert.Contains("invalid glob pattern", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("error in matching regex error parsing regexp: invalid or unsupported Perl syntax", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("error in creating label selector", errors[2], StringComparison.Ordinal);
        Assert.Equal("0", Replicas(obj));
    }

    [Fact]
    public void InlineJsonPatchesUseRealJsonValues()
    {
        var set = ResourceModifierSet.FromJsonPatches(new[]
        {
            new InlineJsonPatchRule("deployments.apps", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":0},{\"op\":\"add\",\"path\":\"/metadata/labels/restored\",\"value\":\"true\"}]") { LabelSelector = "app=web", Namespaces = new[] { "shop" } },
            new InlineJsonPatchRule("deployments.apps", "[{\"op\":\"remove\",\"path\":\"/spec/replicas\"}]") { Namespaces = new[] { "other" } },
        });
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal("0", Replicas(obj));
        Assert.Equal("\"true\"", obj["metadata"]!["labels"]!["restored"]!.ToJsonString());
    }

    [Fact]
    public void SingleRuleStillMatchesOnTheUnpatchedItem()
    {
        var set = Rules("- conditions: {groupResource: deployments.apps, matches: [{path: /spec/replicas, value: '3'}]}\n  patches: [{operation: replace, path: /spec/replicas, value: '4'}, {operation: test, path: /spec/replicas, value: '4'}]");
        var obj = Deployment();
        Assert.Empty(set.Apply(obj, "deployments.apps", "shop"));
        Assert.Equal("4", Replicas(obj));
    }
}

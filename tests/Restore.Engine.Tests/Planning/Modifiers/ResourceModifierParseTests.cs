using System;
using System.Text.Json.Nodes;
using Restore.Engine.Planning.Modifiers;
using Xunit;

namespace Restore.Engine.Tests.Planning.Modifiers;

public class ResourceModifierParseTests
{
    private const string Valid = @"
version: v1
resourceModifierRules:
- conditions:
    groupResource: deployments.apps
    resourceNameRegex: ""^web""
    namespaces: [shop, ""team-*""]
    labelSelector:
      matchLabels: {app: web}
    matches:
    - path: /spec/replicas
      value: ""3""
  patches:
  - operation: replace
    path: /spec/replicas
    value: ""1""
- conditions:
    groupResource: pods
  mergePatches:
  - patchData: |
      metadata:
        annotations:
          a: null
- conditions:
    groupResource: '*'
  strategicPatches:
  - patchData: '{""spec"":{""containers"":[{""name"":""x"",""image"":""y""}]}}'
";

    [Fact]
    public void ReadsAllParts()
    {
        var set = ResourceModifierSet.Parse(Valid);
        Assert.Equal("v1", set.Version);
        Assert.Equal(3, set.Rules.Count);
        var first = set.Rules[0];
        Assert.Equal("deployments.apps", first.Conditions.GroupResource);
        Assert.Equal("^web", first.Conditions.ResourceNameRegex);
        Assert.Equal(new[] { "shop", "team-*" }, first.Conditions.Namespaces);
        Assert.Equal("{\"matchLabels\":{\"app\":\"web\"}}", first.Conditions.LabelSelectorJson!.ToJsonString());
        Assert.Equal("/spec/replicas", Assert.Single(first.Conditions.Matches).Path);
        var op = Assert.Single(first.Patches);
        Assert.Equal(("replace", "/spec/replicas", "1"), (op.Operation, op.Path, op.Value));
        Assert.Contains("a: null", Assert.Single(set.Rules[1].MergePatches), StringComparison.Ordinal);
        Assert.Single(set.Rules[2].StrategicPatches);
        Assert.Empty(set.Warnings);
    }

    [Fact]
    public void ReadsJsonDocuments()
    {
        var set = ResourceModifierSet.Parse("{\"version\":\"v1\",\"resourceModifierRules\":[{\"conditions\":{\"groupResource\":\"pods\"},\"patches\":[{\"operation\":\"add\",\"path\":\"/a\",\"value\":5}]}]}");
        Assert.Equal("5", set.Rules[0].Patches[0].Value);
    }

    [Theory]
    [InlineData("value: 5", "5")]
    [InlineData("value: 1.50", "1.5")]
    [InlineData("value: 0x10", "16")]
    [InlineData("value: yes", "true")] // YAML 1.1 boolean, turned into the string "true"
    [InlineData("value: True", "true")] // unquoted: a YAML boolean, so no capital letter survives
    [InlineData("value: \"True\"", "True")]
    [InlineData("value: null", "")]
    [InlineData("value: ~", "")]
    [InlineData("value: '{\"a\": 1}'", "{\"a\": 1}")]
    public void ScalarsForStringFieldsFollowSigsYaml(string valueLine, string expected)
    {
        var set = ResourceModifierSet.Parse($"version: v1\nresourceModifierRules:\n- conditions: {{groupResource: pods}}\n  patches:\n  - operation: add\n    path: /x\n    {valueLine}\n");
        Assert.Equal(expected, set.Rules[0].Patches[0].Value);
    }

    [Theory]
    [InlineData("VERSION: v1\nResourceModifierRules:\n- Conditions: {GroupResource: pods}\n  Patches: [{Operation: remove, Path: /x}]")]
    [InlineData("version: V1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{operation: remove, path: /x}]")] // case 71
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{operation: Remove, path: /x}]")] // validates; fails when applied
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}")] // no patch list: fails when applied
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: []\n  mergePatches: [{patchData: 'a: 1'}]")]
    public void AcceptsWhatVeleroAccepts(string document)
    {
        Assert.Single(ResourceModifierSet.Parse(document).Rules);
    }

    [Theory]
    // case 70: strict decoding
    [InlineData("version: v1\nresourceModifierRules:\n- condition: {groupResource: pods}\n  patches: [{operation: remove, path: /x}]", ResourceModifierErrorStage.Parse,
        "failed to decode yaml data into resource modifiers, err: error unmarshaling JSON: while decoding JSON: json: unknown field \"condition\"")]
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods, labelSelector: {matchLabel: {a: b}}}", ResourceModifierErrorStage.Parse, "json: unknown field \"matchLabel\"")]
    [InlineData("version: v1\nversion: v1\nresourceModifierRules: []", ResourceModifierErrorStage.Parse, "key \"version\" already set in map")]
    [InlineData("version: v1\nresourceModifierRules: {a: b}", ResourceModifierErrorStage.Parse,
        "json: cannot unmarshal object into Go struct field ResourceModifiers.resourceModifierRules of type []resourcemodifiers.ResourceModifierRule")]
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods, namespaces: shop}", ResourceModifierErrorStage.Parse,
        "json: cannot unmarshal string into Go struct field Conditions.resourceModifierRules.conditions.namespaces of type []string")]
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: [pods]}", ResourceModifierErrorStage.Parse, "cannot unmarshal array into Go struct field Conditions.resourceModifierRules.conditions.groupResource of type string")]
    [InlineData("- a\n- b", ResourceModifierErrorStage.Parse, "json: cannot unmarshal array into Go value of type resourcemodifiers.ResourceModifiers")]
    [InlineData("version: v1\n  bad: indent: here", ResourceModifierErrorStage.Parse, "error converting YAML to JSON: yaml:")]
    // case 71 and validation rules
    [InlineData("version: v2\nresourceModifierRules:\n- conditions: {groupResource: pods}", ResourceModifierErrorStage.Validation, "unsupported resource modifier version v2")]
    [InlineData("", ResourceModifierErrorStage.Validation, "unsupported resource modifier version ")]
    [InlineData("version: v1\nresourceModifierRules: []", ResourceModifierErrorStage.Validation, "resource modifier rules cannot be empty")]
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {namespaces: [a]}\n  patches: [{operation: remove, path: /x}]", ResourceModifierErrorStage.Validation, "groupResource cannot be empty (rule 1)")]
    // case 72
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{operation: remove, path: /x}]\n  mergePatches: [{patchData: 'a: 1'}]", ResourceModifierErrorStage.Validation,
        "only one of patches, mergePatches, strategicPatches can be specified (rule 1)")]
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{path: /x}]", ResourceModifierErrorStage.Validation, "operation cannot be empty")]
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{operation: patch, path: /x}]", ResourceModifierErrorStage.Validation, "unsupported operation patch")]
    [InlineData("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n- conditions: {groupResource: pods}\n  patches: [{operation: add}]", ResourceModifierErrorStage.Validation, "path cannot be empty (rule 2)")]
    public void RejectsBadDocuments(string document, object stageValue, string fragment)
    {
        var stage = (ResourceModifierErrorStage)stageValue;
        var ex = Assert.Throws<ResourceModifierValidationException>(() => ResourceModifierSet.Parse(document));
        Assert.Equal(stage, ex.Stage);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WarnsAboutPatternsThatWillFailForEveryItem()
    {
        var set = ResourceModifierSet.Parse("version: v1\nresourceModifierRules:\n- conditions: {groupResource: '[', resourceNameRegex: '(?=x)'}\n  patches: [{operation: remove, path: /x}]\n- conditions:\n    groupResource: pods\n    labelSelector: {matchExpressions: [{key: a, operator: in, values: [b]}]}\n  patches: [{operation: remove, path: /x}]");
        Assert.Equal(3, set.Warnings.Count);
        Assert.Contains("rule 1", set.Warnings[0], StringComparison.Ordinal);
        Assert.Contains("error in matching regex", set.Warnings[1], StringComparison.Ordinal);
        Assert.Contains("error in creating label selector", set.Warnings[2], StringComparison.Ordinal);
    }

    private static JsonObject ConfigMap(string data) =>
        JsonNode.Parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"namespace\":\"velero\",\"name\":\"mods\"},\"data\":" + data + "}")!.AsObject();

    [Fact]
    public void ConfigMapWithOneDataKeyIsRead()
    {
        var set = ResourceModifierSet.FromConfigMap(ConfigMap("{\"whatever.yaml\":\"version: v1\\nresourceModifierRules:\\n- conditions: {groupResource: pods}\\n  patches: [{operation: remove, path: /x}]\"}"));
        Assert.Single(set.Rules);
    }

    [Theory]
    // case 69
    [InlineData("{\"a\":\"version: v1\",\"b\":\"version: v1\"}", ResourceModifierErrorStage.Parse, "Error in parsing resource modifiers provided in configmap velero/mods: illegal resource modifiers velero/mods configmap")]
    [InlineData("{}", ResourceModifierErrorStage.Parse, "illegal resource modifiers velero/mods configmap")]
    [InlineData("{\"a\":\"version: v1\\nresourceModifierRules:\\n- condition: {}\"}", ResourceModifierErrorStage.Parse, "Error in parsing resource modifiers provided in configmap velero/mods: failed to decode yaml data")]
    [InlineData("{\"a\":\"version: v9\\nresourceModifierRules: []\"}", ResourceModifierErrorStage.Validation, "Validation error in resource modifiers provided in configmap velero/mods: unsupported resource modifier version v9")]
    public void ConfigMapErrorsCarryVeleroPrefixes(string data, object stageValue, string fragment)
    {
        var stage = (ResourceModifierErrorStage)stageValue;
        var ex = Assert.Throws<ResourceModifierValidationException>(() => ResourceModifierSet.FromConfigMap(ConfigMap(data)));
        Assert.Equal(stage, ex.Stage);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InlineRulesAreCheckedUpFront()
    {
        var ok = ResourceModifierSet.FromJsonPatches(new[]
        {
            new InlineJsonPatchRule("deployments.apps", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":0}]") { Namespaces = new[] { "shop" }, LabelSelector = "app=web", ResourceNameRegex = "^web" },
        });
        Assert.NotNull(Assert.Single(ok.Rules).InlinePatch);
        Assert.Equal("{\"matchLabels\":{\"app\":\"web\"}}", ok.Rules[0].Conditions.LabelSelectorJson!.ToJsonString());

        string Error(InlineJsonPatchRule rule) => Assert.Throws<ResourceModifierValidationException>(() => ResourceModifierSet.FromJsonPatches(new[] { rule })).Message;
        Assert.Contains("unsupported operation", Error(new InlineJsonPatchRule("pods", "[{\"op\":\"Add\",\"path\":\"/a\",\"value\":1}]")), StringComparison.Ordinal);
        Assert.Contains("groupResource cannot be empty", Error(new InlineJsonPatchRule("", "[]")), StringComparison.Ordinal);
        Assert.Contains("no operations", Error(new InlineJsonPatchRule("pods", "[]")), StringComparison.Ordinal);
        Assert.Contains("not a valid RFC 6902", Error(new InlineJsonPatchRule("pods", "{not json")), StringComparison.Ordinal);
        Assert.Contains("invalid glob pattern", Error(new InlineJsonPatchRule("[", "[{\"op\":\"remove\",\"path\":\"/a\"}]")), StringComparison.Ordinal);
        Assert.Contains("error parsing regexp", Error(new InlineJsonPatchRule("pods", "[{\"op\":\"remove\",\"path\":\"/a\"}]") { ResourceNameRegex = "(" }), StringComparison.Ordinal);
        Assert.Contains("unable to parse label selector", Error(new InlineJsonPatchRule("pods", "[{\"op\":\"remove\",\"path\":\"/a\"}]") { LabelSelector = "a in b" }), StringComparison.Ordinal);
        Assert.Contains("namespace pattern", Error(new InlineJsonPatchRule("pods", "[{\"op\":\"remove\",\"path\":\"/a\"}]") { Namespaces = new[] { "[]" } }), StringComparison.Ordinal);
        Assert.Contains("cannot be empty", Assert.Throws<ResourceModifierValidationException>(() => ResourceModifierSet.FromJsonPatches(Array.Empty<InlineJsonPatchRule>())).Message, StringComparison.Ordinal);
    }
}

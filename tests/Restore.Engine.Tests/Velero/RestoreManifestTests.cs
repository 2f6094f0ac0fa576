using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Velero;

public class RestoreManifestTests
{
    private const string Yaml = """
        apiVersion: velero.io/v1
        kind: Restore
        metadata:
          name: r1
          namespace: velero
          labels:
            team: a
          annotations:
            note: "true"
          someUnknownField: 1
        spec:
          backupName: b1
          includedNamespaces: ["shop", "app-*"]
          excludedNamespaces: [shop-test]
          includedResources: ['*']
          excludedResources: [nodes]
          namespaceMapping:
            shop: shop-restored
          labelSelector:
            matchLabels: {app: web}
            matchExpressions:
            - {key: tier, operator: In, values: [front, back]}
          restorePVs: false
          restoreStatus:
            includedResources: [widgets.example.com]
          preserveNodePorts: true
          includeClusterResources: null
          existingResourcePolicy: update
          itemOperationTimeout: 4h0m0s
          resourceModifier: {kind: ConfigMap, name: mods}
          uploaderConfig: {writeSparseFiles: true, parallelFilesDownload: 4}
          hooks:
            resources:
            - name: h1
              includedNamespaces: [shop]
              postHooks:
              - exec: {container: c, command: [sh, -c, echo], onError: Fail, execTimeout: 30s, waitForReady: true}
              - init:
                  initContainers:
                  - {name: i, image: busybox, command: [sh]}
                  timeout: 1m0s
          objects: [deployments.apps/shop/web]
          resourcePriorities: [secrets, configmaps]
          storageClassMapping: {gp2: gp3}
          imageMapping: {"old.io": "new.io"}
          nodeMapping: {n1: n2}
          patches:
          - target: deployments.apps/shop/*
            type: merge
            patch: '{"spec":{"replicas":0}}'
          description: migrate shop
          namespaceMatching: Expand
          enableApiGroupVersions: true
          apiGroupVersionPriorities:
            horizontalpodautoscalers.autoscaling: [v2, v1]
          futureVeleroField: {x: 1}
        status:
          phase: Completed
          warnings: 2
          errors: 0
          startTimestamp: "2024-05-01T10:00:00Z"
          completionTimestamp: 2024-05-01T10:05:00Z
          progress: {totalItems: 10, itemsRestored: 10}
          validationErrors: [x]
        """;

    [Fact]
    public void Reads_every_field_from_yaml_and_ignores_unknown_ones()
    {
        var m = RestoreManifest.Parse(Yaml);
        var s = m.Spec;
        Assert.Equal("r1", m.Name);
        Assert.Equal("velero", m.Namespace);
        Assert.Equal("a", m.Labels!["team"]);
        Assert.Equal("true", m.Annotations!["note"]);
        Assert.Equal("b1", s.BackupName);
        Assert.Equal(new[] { "shop", "app-*" }, s.IncludedNamespaces);
        Assert.Equal(new[] { "*" }, s.IncludedResources);
        Assert.Equal("shop-restored", s.NamespaceMapping!["shop"]);
        Assert.Equal("web", s.LabelSelector!.MatchLabels!["app"]);
        Assert.Equal(new[] { "front", "back" }, s.LabelSelector.MatchExpressions![0].Values);
        Assert.False(s.RestorePVs);
        Assert.True(s.PreserveNodePorts);
        Assert.Null(s.IncludeClusterResources);
        Assert.Equal("update", s.ExistingResourcePolicy);
        Assert.Equal("4h0m0s", s.ItemOperationTimeout);
        Assert.True(s.ResourceModifier!.IsConfigMap);
        Assert.Equal(4, s.UploaderConfig!.ParallelFilesDownload);
        Assert.Equal(new[] { "sh", "-c", "echo" }, s.Hooks!.Resources![0].PostHooks![0].Exec!.Command);
        Assert.Contains("busybox", s.Hooks.Resources[0].PostHooks![1].Init!.InitContainers![0]);
        Assert.Equal(new[] { "deployments.apps/shop/web" }, s.Objects);
        Assert.Equal("gp3", s.StorageClassMapping!["gp2"]);
        Assert.Equal("merge", s.Patches![0].Type);
        Assert.Equal(NamespaceMatching.Expand, s.NamespaceMatching);
        Assert.True(s.EnableApiGroupVersions);
        Assert.Equal(new[] { "v2", "v1" }, s.ApiGroupVersionPriorities!["horizontalpodautoscalers.autoscaling"]);
        Assert.Equal("Completed", m.Status!.Phase);
        Assert.Equal(2, m.Status.Warnings);
        Assert.Equal(10, m.Status.ItemsRestored);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 5, 0, TimeSpan.Zero), m.Status.CompletionTimestamp);
    }

    [Fact]
    public void Json_round_trip_keeps_every_field()
    {
        var m = RestoreManifest.Parse(Yaml);
        var json = m.ToJson();
        var again = RestoreManifest.Parse(json);
        Assert.Equal(json, again.ToJson());
        Assert.StartsWith("{\n  \"apiVersion\": \"velero.io/v1\",\n  \"kind\": \"Restore\",\n  \"metadata\": {", json.Replace("\r\n", "\n"));
        Assert.DoesNotContain("futureVeleroField", json);
    }

    [Fact]
    public void Yaml_round_trip_keeps_every_field_and_quotes_ambiguous_strings()
    {
        var m = RestoreManifest.Parse(Yaml);
        m.Spec.IncludedNamespaces = new List<string> { "true", "123", "*", "null", "yes", "", "a: b" };
        var yaml = m.ToYaml();
        var again = RestoreManifest.Parse(yaml);
        Assert.Equal(m.ToJson(), again.ToJson());
        Assert.Equal(new[] { "true", "123", "*", "null", "yes", "", "a: b" }, again.Spec.IncludedNamespaces);
    }

    [Fact]
    public void Velero_only_output_leaves_out_the_extensions()
    {
        var m = RestoreManifest.Parse(Yaml);
        var json = m.ToJson(veleroOnly: true);
        foreach (var key in new[] { "objects", "resourcePriorities", "storageClassMapping", "imageMapping", "nodeMapping", "patches", "description", "namespaceMatching", "enableApiGroupVersions", "apiGroupVersionPriorities" })
        {
            Assert.DoesNotContain("\"" + key + "\"", json);
            Assert.Contains("\"" + key + "\"", m.ToJson());
        }

        Assert.Contains("\"uploaderConfig\"", json);
        Assert.DoesNotContain("description:", m.ToYaml(veleroOnly: true));
    }

    [Fact]
    public void Tri_state_booleans_survive_a_round_trip()
    {
        foreach (var value in new bool?[] { null, true, false })
        {
            var m = new RestoreManifest { Name = "r", Spec = new RestoreSpec { BackupName = "b", IncludeClusterResources = value, RestorePVs = value } };
            var again = RestoreManifest.Parse(m.ToYaml());
            Assert.Equal(value, again.Spec.IncludeClusterResources);
            Assert.Equal(value, again.Spec.RestorePVs);
            Assert.Equal(value is null, !m.ToJson().Contains("includeClusterResources"));
        }
    }

    [Fact]
    public void Empty_or_null_orLabelSelectors_are_told_apart()
    {
        var withEmpty = RestoreManifest.Parse("{\"apiVersion\":\"velero.io/v1\",\"kind\":\"Restore\",\"metadata\":{\"name\":\"r\"},\"spec\":{\"orLabelSelectors\":[]}}");
        var without = RestoreManifest.Parse("{\"apiVersion\":\"velero.io/v1\",\"kind\":\"Restore\",\"metadata\":{\"name\":\"r\"},\"spec\":{}}");
        var withNullEntry = RestoreManifest.Parse("{\"apiVersion\":\"velero.io/v1\",\"kind\":\"Restore\",\"metadata\":{\"name\":\"r\"},\"spec\":{\"orLabelSelectors\":[null,{\"matchLabels\":{\"a\":\"b\"}}]}}");
        Assert.NotNull(withEmpty.Spec.OrLabelSelectors);
        Assert.Empty(withEmpty.Spec.OrLabelSelectors!);
        Assert.Null(without.Spec.OrLabelSelectors);
        Assert.Null(withNullEntry.Spec.OrLabelSelectors![0]);
        Assert.Equal("b", withNullEntry.Spec.OrLabelSelectors[1]!.MatchLabels!["a"]);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}", "the manifest is v1/ConfigMap, expected velero.io/v1/Restore")]
    [InlineData("kind: Restore", "the Restore manifest must have apiVersion velero.io/v1 and kind Restore")]
    [InlineData("- a\n- b", "the Restore manifest must be an object with apiVersion, kind, metadata and spec")]
    [InlineData("{\"apiVersion\": ", "the Restore manifest is not valid JSON")]
    [InlineData("apiVersion: velero.io/v1\nkind: Restore\nspec:\n  restorePVs: maybe", "spec.restorePVs must be true or false")]
    [InlineData("apiVersion: velero.io/v1\nkind: Restore\nspec:\n  includedNamespaces: shop", "spec.includedNamespaces must be a list of strings")]
    [InlineData("apiVersion: velero.io/v1\nkind: Restore\nspec:\n  namespaceMatching: Regex", "spec.namespaceMatching must be Glob or Expand")]
    [InlineData("a: [b", "the Restore manifest is not valid YAML")]
    public void Bad_manifests_give_specific_errors(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => RestoreManifest.Parse(text));
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void Yaml_scalars_are_typed_like_kubernetes_manifests()
    {
        var m = RestoreManifest.Parse("apiVersion: velero.io/v1\nkind: Restore\nmetadata:\n  name: 0123\n  labels: {v: 1.10, q: \"1.10\"}\nspec:\n  backupName: '42'\n  restorePVs: \"true\"\n  uploaderConfig: {parallelFilesDownload: 8}\n");
        Assert.Equal("0123", m.Name);
        Assert.Equal("1.10", m.Labels!["v"]);
        Assert.Equal("1.10", m.Labels["q"]);
        Assert.Equal("42", m.Spec.BackupName);
        Assert.True(m.Spec.RestorePVs);
        Assert.Equal(8, m.Spec.UploaderConfig!.ParallelFilesDownload);
    }

    [Fact]
    public void Command_line_overrides_win_and_unset_fields_keep_the_manifest_value()
    {
        var m = RestoreManifest.Parse(Yaml);
        var overrides = new RestoreSpec
        {
            IncludedNamespaces = new List<string> { "other" },
            RestorePVs = true,
            IncludeClusterResources = false,
            NamespaceMapping = new Dictionary<string, string> { ["x"] = "y" },
        };
        var merged = m.WithOverrides(overrides, name: "r2", labels: new Dictionary<string, string> { ["team"] = "b", ["env"] = "prod" });
        Assert.Equal("r2", merged.Name);
        Assert.Equal(new[] { "other" }, merged.Spec.IncludedNamespaces);
        Assert.True(merged.Spec.RestorePVs);
        Assert.False(merged.Spec.IncludeClusterResources);
        Assert.Equal(new[] { "x" }, merged.Spec.NamespaceMapping!.Keys);
        Assert.Equal(new[] { "shop-test" }, merged.Spec.ExcludedNamespaces);
        Assert.Equal("update", merged.Spec.ExistingResourcePolicy);
        Assert.Equal("b", merged.Labels!["team"]);
        Assert.Equal("prod", merged.Labels["env"]);

        // The original is untouched.
        Assert.False(m.Spec.RestorePVs);
        Assert.Equal("r1", m.Name);
    }

    [Fact]
    public void Clone_is_deep()
    {
        var m = RestoreManifest.Parse(Yaml);
        var c = m.Clone();
        c.Spec.IncludedNamespaces!.Add("x");
        c.Spec.LabelSelector!.MatchLabels!["app"] = "changed";
        c.Spec.Hooks!.Resources![0].Name = "changed";
        c.Status!.ValidationErrors!.Add("y");
        Assert.Equal(2, m.Spec.IncludedNamespaces!.Count);
        Assert.Equal("web", m.Spec.LabelSelector!.MatchLabels!["app"]);
        Assert.Equal("h1", m.Spec.Hooks!.Resources![0].Name);
        Assert.Single(m.Status!.ValidationErrors!);
    }

    [Fact]
    public void Results_are_written_like_velero_and_read_back()
    {
        var r = new RestoreResults();
        Assert.Equal("{\"errors\":{},\"warnings\":{}}\n", r.ToJson());
        r.Errors.Add("shop", "error restoring pods/shop/web-0: boom");
        r.Errors.Add("", "cluster problem");
        r.Errors.AddVelero("velero problem");
        r.Warnings.Add("b-ns", "w1");
        r.Warnings.Add("a-ns", "w2");
        var json = r.ToJson();
        Assert.Equal("{\"errors\":{\"velero\":[\"velero problem\"],\"cluster\":[\"cluster problem\"],\"namespaces\":{\"shop\":[\"error restoring pods/shop/web-0: boom\"]}},\"warnings\":{\"namespaces\":{\"a-ns\":[\"w2\"],\"b-ns\":[\"w1\"]}}}\n", json);
        var again = RestoreResults.Parse(json);
        Assert.Equal(3, again.Errors.Count);
        Assert.Equal(2, again.Warnings.Count);
        Assert.Equal(json, again.ToJson());
        Assert.Equal(0, RestoreResults.Parse("null").Errors.Count);
    }

    [Fact]
    public void Results_escape_strings_like_go()
    {
        var r = new RestoreResults();
        r.Warnings.AddVelero("a<b>&\"c\"\\ \n\u0001 é \u2028");
        Assert.Equal("{\"errors\":{},\"warnings\":{\"velero\":[\"a\\u003cb\\u003e\\u0026\\\"c\\\"\\\\ \\n\\u0001 é \\u2028\"]}}\n", r.ToJson());
        Assert.Equal("a<b>&\"c\"\\ \n\u0001 é \u2028", RestoreResults.Parse(r.ToJson()).Warnings.Velero[0]);
    }
}

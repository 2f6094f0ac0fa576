using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Api;
using Restore.Engine.Execution;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

/// <summary>
/// New-Restore and Get-RestorePlan parameters to the engine request (RestoreParameters). Manifests here are JSON:
/// this test host keeps YamlDotNet out (see the project file); YAML manifests are covered in the engine tests.
/// </summary>
public class RestoreParametersTests
{
    private const string Manifest = """
        {
          "apiVersion": "velero.io/v1",
          "kind": "Restore",
          "metadata": { "name": "from-file", "labels": { "team": "shop", "tier": "gold" }, "annotations": { "restore.powershell/description": "from the file" } },
          "spec": {
            "scheduleName": "daily",
            "includedNamespaces": ["shop", "web"],
            "excludedResources": ["secrets"],
            "includeClusterResources": true,
            "restorePVs": false,
            "orLabelSelectors": [ { "matchLabels": { "app": "a" } }, { "matchLabels": { "app": "b" } } ],
            "restoreStatus": { "excludedResources": ["pods"] },
            "itemOperationTimeout": "4h0m0s",
            "existingResourcePolicy": "update",
            "patches": [ { "target": "configmaps/shop/*", "type": "merge", "patch": "{\"data\":{\"x\":\"1\"}}" } ]
          }
        }
        """;

    [Fact]
    public void ABackupAloneLeavesEverythingElseToTheDefaults()
    {
        var request = new RestoreParameters { Backup = "nightly" }.ToRequest();

        Assert.Equal("nightly", request.Spec.BackupName);
        Assert.Null(request.Spec.ScheduleName);
        Assert.Null(request.Spec.IncludedNamespaces);
        Assert.Null(request.Spec.RestorePVs);
        Assert.Null(request.Spec.IncludeClusterResources);
        Assert.Null(request.Spec.LabelSelector);
        Assert.Null(request.Spec.ItemOperationTimeout);
        Assert.Null(request.Name);
        Assert.Empty(request.Contexts);
        Assert.Null(request.ToDirectory);
        Assert.Equal(RestoreRequest.DefaultParallel, request.Parallel);
        Assert.Equal(TimeSpan.FromMinutes(10), request.ItemOperationTimeout);
        Assert.Null(request.Timeout);
        Assert.Null(request.Qps);
        Assert.Empty(request.Labels);
    }

    [Fact]
    public void EveryParameterReachesItsField()
    {
        var request = new RestoreParameters
        {
            Schedule = "daily",
            AllowPartiallyFailed = true,
            Name = "shop-restore",
            IncludeNamespace = new[] { "shop", "/^team-(a|b)$/" },
            ExcludeNamespace = new[] { "kube-*" },
            IncludeResource = new[] { "deployments.apps", "configmaps" },
            ExcludeResource = new[] { "secrets" },
            ClusterResources = "None",
            LabelSelector = new[] { "app=web,tier!=cache" },
            Object = new[] { "deployments.apps/shop/web" },
            SensitiveObject = new[] { "configmaps/shop/db-*" },
            NamespaceMapping = new Hashtable { ["shop"] = "shop2" },
            ExistingResourcePolicy = "Update",
            RestoreVolumes = false,
            PreserveNodePorts = true,
            IncludeStatusResource = new[] { "widgets.example.com" },
            ResourcePriority = new[] { "namespaces", "-", "pods" },
            ResourceModifierDocument = "version: v1\nresourceModifierRules: []\n",
            ResourceModifierConfigMap = "velero/mods",
            StorageClassMapping = new Hashtable { ["gp2"] = "gp3" },
            ImageMapping = new Hashtable { ["old.example/"] = "new.example/" },
            NodeMapping = new Hashtable { ["node-a"] = "node-b" },
            Description = "INC-42",
            Label = new Hashtable { ["ticket"] = "inc-42" },
            Context = new[] { "east", "west", "east" },
            KubeConfig = "/home/me/.kube/config",
            Parallel = 32,
            Qps = 500,
            Burst = 1000,
            ItemOperationTimeout = "90s",
            Timeout = "2h",
        }.ToRequest();

        var spec = request.Spec;
        Assert.Equal(("daily", (string?)null), (spec.ScheduleName, spec.BackupName));
        Assert.True(request.AllowPartiallyFailed);
        Assert.Equal("shop-restore", request.Name);
        Assert.Equal(new[] { "shop", "/^team-(a|b)$/" }, spec.IncludedNamespaces);
        Assert.Equal(new[] { "kube-*" }, spec.ExcludedNamespaces);
        Assert.Equal(new[] { "deployments.apps", "configmaps" }, spec.IncludedResources);
        Assert.Equal(new[] { "secrets" }, spec.ExcludedResources);
        Assert.False(spec.IncludeClusterResources);
        Assert.Equal("web", spec.LabelSelector!.MatchLabels!["app"]);
        var requirement = Assert.Single(spec.LabelSelector.MatchExpressions!);
        Assert.Equal(("tier", "NotIn"), (requirement.Key, requirement.Operator));
        Assert.Null(spec.OrLabelSelectors);
        Assert.Equal(new[] { "deployments.apps/shop/web" }, spec.Objects);
        Assert.Equal(new[] { "configmaps/shop/db-*" }, request.SensitiveObjects);
        Assert.Equal("shop2", spec.NamespaceMapping!["shop"]);
        Assert.Equal("update", spec.ExistingResourcePolicy);
        Assert.False(spec.RestorePVs);
        Assert.True(spec.PreserveNodePorts);
        Assert.Equal(new[] { "widgets.example.com" }, spec.RestoreStatus!.IncludedResources);
        Assert.Null(spec.RestoreStatus.ExcludedResources);
        Assert.Equal(new[] { "namespaces", "-", "pods" }, spec.ResourcePriorities);
        Assert.Equal("version: v1\nresourceModifierRules: []\n", request.ResourceModifierDocument);
        Assert.Equal(("ConfigMap", "mods"), (spec.ResourceModifier!.Kind, spec.ResourceModifier.Name));
        Assert.Equal("gp3", spec.StorageClassMapping!["gp2"]);
        Assert.Equal("new.example/", spec.ImageMapping!["old.example/"]);
        Assert.Equal("node-b", spec.NodeMapping!["node-a"]);
        Assert.Equal("INC-42", request.Description);
        Assert.Equal("INC-42", spec.Description);
        Assert.Equal("inc-42", request.Labels["ticket"]);
        Assert.Equal(new[] { "east", "west" }, request.Contexts);
        Assert.Equal("/home/me/.kube/config", request.KubeConfig);
        Assert.Equal((32, 500.0, 1000), (request.Parallel, request.Qps!.Value, request.Burst!.Value));
        Assert.Equal(TimeSpan.FromSeconds(90), request.ItemOperationTimeout);
        Assert.Equal("1m30s", spec.ItemOperationTimeout);
        Assert.Equal(TimeSpan.FromHours(2), request.Timeout);
    }

    [Theory]
    [InlineData("Auto", null)]
    [InlineData("all", true)]
    [InlineData("NONE", false)]
    public void ClusterResourcesOverrideTheManifestEvenBackToAuto(string value, bool? expected)
    {
        var request = new RestoreParameters { ManifestText = Manifest, ClusterResources = value }.ToRequest();

        Assert.Equal(expected, request.Spec.IncludeClusterResources);
    }

    [Fact]
    public void TheManifestIsUsedWhereNoParameterIsGiven()
    {
        var request = new RestoreParameters { ManifestText = Manifest }.ToRequest();
        var spec = request.Spec;

        Assert.Equal("from-file", request.Name);
        Assert.Equal("from the file", request.Description);
        Assert.Equal("daily", spec.ScheduleName);
        Assert.Equal(new[] { "shop", "web" }, spec.IncludedNamespaces);
        Assert.True(spec.IncludeClusterResources);
        Assert.False(spec.RestorePVs);
        Assert.Equal(2, spec.OrLabelSelectors!.Count);
        Assert.Equal("update", spec.ExistingResourcePolicy);
        Assert.Equal(TimeSpan.FromHours(4), request.ItemOperationTimeout);
        Assert.Equal("merge", Assert.Single(spec.Patches!).Type);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "shop", ["tier"] = "gold" }, request.Labels);
    }

    [Fact]
    public void ParametersOverrideTheManifestAsAWhole()
    {
        var request = new RestoreParameters
        {
            ManifestText = Manifest,
            Backup = "nightly-1",
            Name = "again",
            IncludeNamespace = new[] { "shop" },
            LabelSelector = new[] { "app=c" },
            RestoreVolumes = true,
            IncludeStatusResource = new[] { "deployments.apps" },
            JsonPatch = new Hashtable { ["deployments.apps/shop/web"] = "[]" },
            Label = new Hashtable { ["tier"] = "silver" },
            Description = "override",
        }.ToRequest();
        var spec = request.Spec;

        Assert.Equal(("nightly-1", (string?)null), (spec.BackupName, spec.ScheduleName));
        Assert.Equal("again", request.Name);
        Assert.Equal(new[] { "shop" }, spec.IncludedNamespaces);
        Assert.Equal("c", spec.LabelSelector!.MatchLabels!["app"]);
        Assert.Null(spec.OrLabelSelectors);
        Assert.True(spec.RestorePVs);
        Assert.Equal(new[] { "deployments.apps" }, spec.RestoreStatus!.IncludedResources);
        Assert.Equal(new[] { "pods" }, spec.RestoreStatus.ExcludedResources);
        Assert.Equal("json", Assert.Single(spec.Patches!).Type);
        Assert.Equal(new[] { "secrets" }, spec.ExcludedResources);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "shop", ["tier"] = "silver" }, request.Labels);
        Assert.Equal("override", request.Description);
    }

    [Fact]
    public void SeveralSelectorsAreOredAndReplaceASingleOne()
    {
        var manifest = Manifest.Replace("\"orLabelSelectors\": [ { \"matchLabels\": { \"app\": \"a\" } }, { \"matchLabels\": { \"app\": \"b\" } } ]", "\"labelSelector\": { \"matchLabels\": { \"app\": \"z\" } }");
        var request = new RestoreParameters { ManifestText = manifest, LabelSelector = new[] { "app=web", "env in (prod,stage)" } }.ToRequest();

        Assert.Null(request.Spec.LabelSelector);
        var selectors = request.Spec.OrLabelSelectors!;
        Assert.Equal(2, selectors.Count);
        Assert.Equal("web", selectors[0]!.MatchLabels!["app"]);
        var expression = Assert.Single(selectors[1]!.MatchExpressions!);
        Assert.Equal(("env", "In"), (expression.Key, expression.Operator));
        Assert.Equal(new[] { "prod", "stage" }, expression.Values);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("00:10:00", 600)]
    [InlineData("1.00:00:00", 86400)]
    [InlineData(" 2m ", 120)]
    public void DurationsTakeGoAndTimeSpanForms(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RestoreParameters.ParseDuration("Timeout", text));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("10")]
    [InlineData("0s")]
    [InlineData("-5m")]
    [InlineData("00:00:00")]
    [InlineData("25:99:00")]
    public void BadDurationsAreRefusedNamingTheParameter(string text)
    {
        var error = Assert.Throws<RestoreEngineException>(() => new RestoreParameters { Backup = "b", ItemOperationTimeout = text }.ToRequest());

        Assert.Equal("ItemOperationTimeout", error.Parameter);
        Assert.Contains("-ItemOperationTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonPatchesTakeTextOrStructuredOperations()
    {
        var operations = new List<object?>
        {
            new Hashtable { ["op"] = "replace", ["path"] = "/spec/replicas", ["value"] = 1 },
        };
        var request = new RestoreParameters
        {
            Backup = "b",
            JsonPatch = new Hashtable
            {
                ["deployments.apps/shop/web"] = operations,
                ["configmaps/shop/*"] = "- op: add\n  path: /data/x\n  value: \"1\"\n",
            },
        }.ToRequest();

        var patches = request.Spec.Patches!;
        Assert.Equal(new[] { "configmaps/shop/*", "deployments.apps/shop/web" }, patches.Select(p => p.Target));
        Assert.All(patches, p => Assert.Equal("json", p.Type));
        Assert.Equal("- op: add\n  path: /data/x\n  value: \"1\"\n", patches[0].Patch);
        var structured = System.Text.Json.Nodes.JsonNode.Parse(patches[1].Patch)!.AsArray();
        Assert.Equal("replace", (string?)structured[0]!["op"]);
        Assert.Equal("/spec/replicas", (string?)structured[0]!["path"]);
        Assert.Equal(1, (int)structured[0]!["value"]!);
    }

    [Theory]
    [InlineData("mods", "mods")]
    [InlineData("velero/mods", "mods")]
    public void TheModifierConfigMapIsInTheVeleroNamespace(string reference, string name)
    {
        var request = new RestoreParameters { Backup = "b", ResourceModifierConfigMap = reference }.ToRequest();

        Assert.Equal(name, request.Spec.ResourceModifier!.Name);
        Assert.True(request.Spec.ResourceModifier.IsConfigMap);
    }

    public static TheoryData<RestoreParameters, string, string> Refused() => new()
    {
        { new RestoreParameters { Backup = "b", ResourceModifierConfigMap = "other/mods" }, "ResourceModifierConfigMap", "velero namespace" },
        { new RestoreParameters { Backup = "b", ResourceModifierConfigMap = "a/b/c" }, "ResourceModifierConfigMap", "ConfigMap name" },
        { new RestoreParameters { Backup = "b", LabelSelector = new[] { "app in (" } }, "LabelSelector", "app in (" },
        { new RestoreParameters { Backup = "b", NamespaceMapping = new Hashtable { ["shop"] = "" } }, "NamespaceMapping", "shop" },
        { new RestoreParameters { Backup = "b", ClusterResources = "Some" }, "ClusterResources", "Auto, All or None" },
        { new RestoreParameters { Backup = "b", ExistingResourcePolicy = "Overwrite" }, "ExistingResourcePolicy", "None or Update" },
        { new RestoreParameters { Backup = "b", Context = new[] { "east" }, ToDirectory = "/tmp/out" }, "ToDirectory", "cannot be combined" },
        { new RestoreParameters { Backup = "b", Label = new Hashtable { ["bad key!"] = "x" } }, "Label", "bad key!" },
        { new RestoreParameters { Backup = "b", JsonPatch = new Hashtable { ["deployments.apps/shop/web"] = null } }, "JsonPatch", "has no patch" },
        { new RestoreParameters { Backup = "b", Parallel = -1 }, "Parallel", "0" },
        { new RestoreParameters { ManifestText = "{ \"apiVersion\": \"v1\", \"kind\": \"ConfigMap\" }", ManifestSource = "./cm.json" }, "Manifest", "./cm.json" },
        { new RestoreParameters { ManifestText = "{ not json", ManifestSource = "./broken.json" }, "Manifest", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void BadParametersAreRefusedWithTheirName(RestoreParameters parameters, string parameter, string fragment)
    {
        var error = Assert.Throws<RestoreEngineException>(() => parameters.ToRequest());

        Assert.Equal(parameter, error.Parameter);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }
}

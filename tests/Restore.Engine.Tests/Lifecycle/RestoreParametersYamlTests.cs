using System;
using System.Collections;
using System.Collections.Generic;
using Restore.Engine.Api;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

/// <summary>YAML manifests for New-Restore -Manifest (the PowerShell test host has no YamlDotNet, so these live here).</summary>
public class RestoreParametersYamlTests
{
    [Fact]
    public void AVeleroYamlManifestIsReadAndOverridden()
    {
        const string yaml = """
            apiVersion: velero.io/v1
            kind: Restore
            metadata:
              name: shop-restore
              namespace: velero
            spec:
              backupName: nightly-20250301
              includedNamespaces:
              - shop
              namespaceMapping:
                shop: shop-restored
              restorePVs: false
              existingResourcePolicy: update
            """;

        var request = new RestoreParameters
        {
            ManifestText = yaml,
            ManifestSource = "./r.yaml",
            StorageClassMapping = new Hashtable { ["gp2"] = "gp3" },
            ExistingResourcePolicy = "None",
        }.ToRequest();

        Assert.Equal("shop-restore", request.Name);
        Assert.Equal("nightly-20250301", request.Spec.BackupName);
        Assert.Equal(new[] { "shop" }, request.Spec.IncludedNamespaces);
        Assert.Equal("shop-restored", request.Spec.NamespaceMapping!["shop"]);
        Assert.False(request.Spec.RestorePVs);
        Assert.Equal("none", request.Spec.ExistingResourcePolicy);
        Assert.Equal("gp3", request.Spec.StorageClassMapping!["gp2"]);
    }

    [Fact]
    public void GetRestoreManifestsRunAgainWithTheSameSpec()
    {
        var spec = new RestoreSpec
        {
            BackupName = "b1",
            IncludedNamespaces = new List<string> { "shop" },
            ExcludedResources = new List<string> { "secrets" },
            OrLabelSelectors = new List<LabelSelectorSpec?> { new() { MatchLabels = new Dictionary<string, string> { ["app"] = "a" } }, new() { MatchLabels = new Dictionary<string, string> { ["app"] = "b" } } },
            IncludeClusterResources = false,
            ImageMapping = new Dictionary<string, string> { ["old/"] = "new/" },
            Patches = new List<ObjectPatchSpec> { new() { Target = "deployments.apps/shop/web", Type = "json", Patch = "[]" } },
        };
        var record = new RestoreRecord { Name = "first", Phase = RestorePhase.Completed, Description = "first try" };
        record.Labels["team"] = "shop";
        record.WriteSpec(spec);
        var manifest = RestoreInfo.FromRecord(record, null, DateTimeOffset.UtcNow).Manifest;

        var request = new RestoreParameters { ManifestText = manifest, Name = "second" }.ToRequest();

        Assert.Equal("second", request.Name);
        Assert.Equal("first try", request.Description);
        Assert.Equal("shop", request.Labels["team"]);
        Assert.Equal(RestoreSpecJson.WriteSpec(spec).ToJsonString(), RestoreSpecJson.WriteSpec(request.Spec).ToJsonString());
    }

    [Fact]
    public void ABrokenYamlManifestNamesTheFile()
    {
        var error = Assert.Throws<RestoreEngineException>(() => new RestoreParameters { ManifestText = "kind: [", ManifestSource = "./bad.yaml" }.ToRequest());

        Assert.Equal("Manifest", error.Parameter);
        Assert.Contains("./bad.yaml", error.Message, StringComparison.Ordinal);
    }
}

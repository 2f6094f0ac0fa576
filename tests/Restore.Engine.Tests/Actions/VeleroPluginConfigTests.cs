using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Actions;
using Restore.Engine.Execution;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Actions;

/// <summary>Velero's plugin ConfigMaps read into mappings, merged under the restore's own, and written back (docs/velero-compatibility.md#plugin-configmaps).</summary>
public class VeleroPluginConfigTests
{
    [Theory]
    [InlineData("velero.io/change-storage-class", "gp2=gp3;standard=fast", "gp2=gp3;standard=fast", 0)]
    [InlineData("velero.io/change-pvc-node-selector", "node-a=node-b", "node-a=node-b", 0)]
    [InlineData("velero.io/change-image-name", "case1=1.1.1.1:5000,2.2.2.2:3000;case2= abc:test , edf:test", "1.1.1.1:5000=2.2.2.2:3000;abc:test=edf:test", 0)]
    [InlineData("velero.io/change-image-name", "ok=a,b;nocomma=abc;trailing=abc,", "a=b", 2)]
    public void ReadsEachPluginsDataAsVeleroDoes(string plugin, string data, string expected, int problems)
    {
        var found = new List<string>();
        var mapping = VeleroPluginConfig.ReadMapping(plugin, Pairs(data), found);

        Assert.Equal(expected, string.Join(";", mapping.OrderBy(p => p.Key, System.StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)));
        Assert.Equal(problems, found.Count);
    }

    [Theory]
    [InlineData("", null, null)]
    [InlineData("gp2=gp3", null, "gp2=gp3")]
    [InlineData("gp2=gp3;standard=slow", "standard=fast", "gp2=gp3;standard=fast")]
    [InlineData("", "standard=fast", "standard=fast")]
    public void TheRestoresOwnMappingWinsKeyByKey(string fromConfigMap, string? given, string? expected)
    {
        var merged = VeleroPluginConfig.Merge(Map(fromConfigMap), given is null ? null : Map(given));

        Assert.Equal(expected, merged is null ? null : string.Join(";", merged.OrderBy(p => p.Key, System.StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)));
    }

    [Theory]
    [InlineData("velero.io/change-storage-class", "gp2=gp3")]
    [InlineData("velero.io/change-image-name", "registry.old/=registry.new/;quay.io=mirror.example")]
    [InlineData("velero.io/change-pvc-node-selector", "n1=n2")]
    public void AWrittenConfigMapReadsBackAsTheSameMappingAndCarriesVelerosLabels(string plugin, string mapping)
    {
        var configMap = VeleroPluginConfig.WriteConfigMap(plugin, "restore-mapping", "velero", Map(mapping));

        Assert.Equal("RestoreItemAction", (string?)configMap["metadata"]!["labels"]![plugin]);
        Assert.NotNull(configMap["metadata"]!["labels"]!["velero.io/plugin-config"]);
        var data = configMap["data"]!.AsObject().Select(p => new KeyValuePair<string, string>(p.Key, (string)p.Value!));
        var read = VeleroPluginConfig.ReadMapping(plugin, data, new List<string>());
        Assert.Equal(Map(mapping).OrderBy(p => p.Key), read.OrderBy(p => p.Key));
    }

    [Fact]
    public void TargetConfigLaysTheSpecOverTheConfigMapsAndLeavesTheSpecAlone()
    {
        var spec = new RestoreSpec
        {
            StorageClassMapping = new() { ["standard"] = "fast" },
            ApiGroupVersionPriorities = new() { ["rockbands.music.example.io"] = new() { "v2" } },
        };
        var config = new TargetVeleroConfig
        {
            StorageClassMapping = new() { ["gp2"] = "gp3", ["standard"] = "slow" },
            ImageMapping = new() { ["old"] = "new" },
            ApiGroupVersionPriorities = new() { ["rockbands.music.example.io"] = new() { "v1" }, ["orchestras.music.example.io"] = new() { "v3" } },
        };

        var applied = config.Apply(spec);

        Assert.Equal("gp3", applied.StorageClassMapping!["gp2"]);
        Assert.Equal("fast", applied.StorageClassMapping["standard"]);
        Assert.Equal("new", applied.ImageMapping!["old"]);
        Assert.Null(applied.NodeMapping);
        Assert.Equal(new[] { "v2" }, applied.ApiGroupVersionPriorities!["rockbands.music.example.io"]);
        Assert.Equal(new[] { "v3" }, applied.ApiGroupVersionPriorities["orchestras.music.example.io"]);
        Assert.Single(spec.StorageClassMapping);
        Assert.Single(spec.ApiGroupVersionPriorities);
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string text) =>
        text.Length == 0 ? Enumerable.Empty<KeyValuePair<string, string>>() : text.Split(';').Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p[1]));

    private static Dictionary<string, string> Map(string text) => Pairs(text).ToDictionary(p => p.Key, p => p.Value);
}

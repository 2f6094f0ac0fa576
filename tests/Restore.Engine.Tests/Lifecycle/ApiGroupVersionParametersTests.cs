using System;
using System.Collections;
using Restore.Engine.Api;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

/// <summary>-EnableApiGroupVersions, -ApiGroupVersionPriority and -VeleroNamespace to the engine request (docs/velero-compatibility.md#api-group-versions, #plugin-configmaps).</summary>
public class ApiGroupVersionParametersTests
{
    [Theory]
    [InlineData(null, false, null, null)]
    [InlineData(true, false, true, null)]
    [InlineData(null, true, true, "rockbands.music.example.io=v2beta2,v2beta1")]
    [InlineData(false, true, false, "rockbands.music.example.io=v2beta2,v2beta1")]
    public void ThePrioritySwitchesTheChoiceOnUnlessItIsTurnedOff(bool? enable, bool withPriority, bool? expectedEnabled, string? expectedPriorities)
    {
        var parameters = new RestoreParameters { Backup = "b", EnableApiGroupVersions = enable };
        if (withPriority)
        {
            parameters.ApiGroupVersionPriority = new Hashtable { ["rockbands.music.example.io"] = new[] { "v2beta2", "v2beta1" } };
        }

        var spec = parameters.ToRequest().Spec;

        Assert.Equal(expectedEnabled, spec.EnableApiGroupVersions);
        Assert.Equal(expectedPriorities, spec.ApiGroupVersionPriorities is null ? null : string.Join(";", System.Linq.Enumerable.Select(spec.ApiGroupVersionPriorities, p => p.Key + "=" + string.Join(",", p.Value))));
    }

    [Theory]
    [InlineData("v2beta2, v2beta1", "v2beta2,v2beta1")]
    [InlineData("v1", "v1")]
    public void VersionsMayBeCommaSeparatedText(string value, string expected)
    {
        var spec = new RestoreParameters { Backup = "b", ApiGroupVersionPriority = new Hashtable { ["orchestras.music.example.io"] = value } }.ToRequest().Spec;

        Assert.Equal(expected, string.Join(",", spec.ApiGroupVersionPriorities!["orchestras.music.example.io"]));
    }

    [Theory]
    [InlineData("rockbands.music.example.io", "latest", "is not an API version")]
    [InlineData("rockbands.music.example.io", "", "at least one version")]
    [InlineData(" ", "v1", "needs a resource")]
    public void BadPrioritiesNameTheParameter(string key, string value, string message)
    {
        var error = Assert.Throws<RestoreEngineException>(() => new RestoreParameters { Backup = "b", ApiGroupVersionPriority = new Hashtable { [key] = value } }.ToRequest());

        Assert.Equal("ApiGroupVersionPriority", error.Parameter);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "velero")]
    [InlineData("velero-system", "velero-system")]
    [InlineData(" backup ", "backup")]
    public void TheVeleroNamespaceDefaultsToVelero(string? given, string expected) =>
        Assert.Equal(expected, new RestoreParameters { Backup = "b", VeleroNamespace = given }.ToRequest().VeleroNamespace);

    [Theory]
    [InlineData("Velero")]
    [InlineData("-velero")]
    [InlineData("velero/x")]
    public void AVeleroNamespaceMustBeANamespaceName(string given)
    {
        var error = Assert.Throws<RestoreEngineException>(() => new RestoreParameters { Backup = "b", VeleroNamespace = given }.ToRequest());

        Assert.Equal("VeleroNamespace", error.Parameter);
    }

    [Fact]
    public void TheModifierConfigMapFollowsTheVeleroNamespace()
    {
        var spec = new RestoreParameters { Backup = "b", VeleroNamespace = "velero-system", ResourceModifierConfigMap = "velero-system/rules" }.ToRequest().Spec;
        Assert.Equal("rules", spec.ResourceModifier!.Name);

        var error = Assert.Throws<RestoreEngineException>(() => new RestoreParameters { Backup = "b", VeleroNamespace = "velero-system", ResourceModifierConfigMap = "velero/rules" }.ToRequest());
        Assert.Contains("velero-system namespace", error.Message, StringComparison.Ordinal);
    }
}

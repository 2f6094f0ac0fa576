using System;
using System.Collections.Generic;
using System.Linq;
using NetArchTest.Rules;
using Restore.Engine.Api;
using Xunit;

namespace Restore.Engine.Tests.Architecture;

/// <summary>
/// The engine's namespaces form layers (README, "Repository layout"): each may use the ones before it in
/// <see cref="Order"/>, never one after it. Sub-namespaces belong to their layer (Actions.Csi to Actions, Planning.Matching
/// to Planning). The door is Api: the only public types, and the only layer the cmdlets see.
/// </summary>
public class LayerTests
{
    /// <summary>The layers, lowest first.</summary>
    public static readonly IReadOnlyList<string> Order = new[]
    {
        "Common",
        "Kubernetes",
        "Velero",
        "Storage",
        "Archive",
        "Actions",
        "Planning",
        "Cluster",
        "Records",
        "Execution",
        "Api",
    };

    private static readonly System.Reflection.Assembly Engine = typeof(RestoreEngine).Assembly;

    public static TheoryData<string> Layers()
    {
        var data = new TheoryData<string>();
        foreach (var layer in Order)
        {
            data.Add(layer);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void ALayerUsesNoLayerAfterIt(string layer)
    {
        var later = Order.SkipWhile(l => l != layer).Skip(1).Select(Namespace).ToArray();
        if (later.Length == 0)
        {
            return;
        }

        var result = Types.InAssembly(Engine)
            .That().ResideInNamespace(Namespace(layer))
            .ShouldNot().HaveDependencyOnAny(later)
            .GetResult();

        Assert.True(
            result.IsSuccessful,
            $"{Namespace(layer)} may use only the layers before it ({string.Join(", ", Order.TakeWhile(l => l != layer))}); these types use a later one: "
            + string.Join(", ", result.FailingTypeNames ?? Array.Empty<string>()));
    }

    [Fact]
    public void EveryEngineNamespaceIsALayer()
    {
        var namespaces = Engine.GetTypes()
            .Select(t => t.Namespace ?? string.Empty)
            .Where(n => n.StartsWith("Restore.Engine", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        var strays = namespaces.Where(n => !Order.Any(l => n == Namespace(l) || n.StartsWith(Namespace(l) + ".", StringComparison.Ordinal))).ToList();

        Assert.True(strays.Count == 0, "Namespaces outside the layers (add them to LayerTests.Order and the README): " + string.Join(", ", strays));
    }

    [Fact]
    public void ThePublicTypesAreTheApi()
    {
        var outside = Engine.GetExportedTypes().Where(t => t.Namespace != Namespace("Api")).Select(t => t.FullName).ToList();

        Assert.True(outside.Count == 0, "Only Restore.Engine.Api may be public; make these internal or move them there: " + string.Join(", ", outside));
    }

    [Fact]
    public void TheEngineDoesNotReferencePowerShell()
    {
        var references = Engine.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("System.Management.Automation", references);
        Assert.True(
            Types.InAssembly(Engine).ShouldNot().HaveDependencyOn("System.Management.Automation").GetResult().IsSuccessful,
            "The engine uses System.Management.Automation; PowerShell belongs to the cmdlets.");
    }

    [Fact]
    public void TheCheckSeesDependencies()
    {
        // Guards the layer test: it means something only if a real dependency is found (Api uses Execution).
        Assert.False(Types.InAssembly(Engine).That().ResideInNamespace(Namespace("Api")).ShouldNot().HaveDependencyOn(Namespace("Execution")).GetResult().IsSuccessful);
    }

    private static string Namespace(string layer) => "Restore.Engine." + layer;
}

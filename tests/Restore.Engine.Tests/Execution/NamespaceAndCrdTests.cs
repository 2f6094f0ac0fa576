using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Namespaces before their items (docs/velero-compatibility.md#namespace-creation) and CRDs before their custom resources (docs/velero-compatibility.md#restore-passes, #item-steps step 18).</summary>
public class NamespaceAndCrdTests
{
    private static VeleroBackupBuilder ShopConfigMaps(int count = 3) => K8s.ConfigMaps("b1", "shop", count);

    [Fact]
    public async Task AMissingNamespaceIsCreatedFromTheBackupWithoutRestoreLabels()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var backup = new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop", ("team", "web")))
            .AddItem("configmaps", "shop", "a", K8s.ConfigMap("shop", "a"));
        await h.WriteBackupAsync(backup);
        var request = h.Request("b1", "r-ns");
        request.Spec.NamespaceMapping = new() { ["shop"] = "shop-copy" };

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var ns = h.Server.Store.Get("namespaces", null, "shop-copy")!;
        Assert.Equal("web", (string?)ns["metadata"]!["labels"]!["team"]);
        Assert.Null(ns["metadata"]!["labels"]!["velero.io/restore-name"]);
        Assert.NotNull(h.Server.Store.Get("configmaps", "shop-copy", "a"));
        var nsOutcome = Assert.Single(outcomes, o => o.Kind == "Namespace");
        Assert.Equal(ItemRestoreAction.Created, nsOutcome.Action);
        var list = await ExistingObjectTests.ResourceListAsync(h, "r-ns");
        Assert.Equal("[\"shop-copy(created)\"]", list["v1/Namespace"]!.ToJsonString());
    }

    [Fact]
    public async Task AnExistingNamespaceIsUsedAndNotListed()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ShopConfigMaps(1));
        h.Server.Store.EnsureNamespace("shop");

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-ns-exists"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(ItemRestoreAction.Skipped, Assert.Single(outcomes, o => o.Kind == "Namespace").Action);
        var list = await ExistingObjectTests.ResourceListAsync(h, "r-ns-exists");
        Assert.Null(list["v1/Namespace"]);
    }

    [Fact]
    public async Task ATerminatingNamespaceIsWaitedForThenRecreated()
    {
        await using var h = await ExecutionHarness.CreateAsync(configure: o => o.NamespaceTerminationDelay = TimeSpan.FromSeconds(1.5));
        await h.WriteBackupAsync(ShopConfigMaps());
        h.Seed(K8s.ConfigMap("shop", "stale"));
        h.Server.Store.Delete("namespaces", null, "shop");
        Assert.NotNull(h.Server.Store.Get("namespaces", null, "shop")!["metadata"]!["deletionTimestamp"]);
        var watch = Stopwatch.StartNew();

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-terminating"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), "the restore should have waited for the namespace to go");
        Assert.Null(h.Server.Store.Get("namespaces", null, "shop")!["metadata"]!["deletionTimestamp"]);
        Assert.Equal(3, h.Server.Store.Count("configmaps", "shop"));
        Assert.All(outcomes, o => Assert.Equal(ItemRestoreAction.Created, o.Action));
        Assert.Contains(h.Log.Entries, e => e.Message.Contains("Namespace shop is terminating; waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANamespaceThatStaysTerminatingFailsItsItemsWithVelerosMessages()
    {
        await using var h = await ExecutionHarness.CreateAsync(configure: o => o.NamespaceTerminationDelay = TimeSpan.FromMinutes(5));
        await h.WriteBackupAsync(ShopConfigMaps());
        h.Server.Store.EnsureNamespace("shop");
        h.Server.Store.Delete("namespaces", null, "shop");
        var request = h.Request("b1", "r-stuck");
        request.NamespaceTerminationTimeout = TimeSpan.FromSeconds(1);

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal(
            new[] { "timed out waiting for terminating namespace shop to disappear before restoring" }
                .Concat(Enumerable.Repeat("skipping polling for terminating namespace shop", 3)).ToArray(),
            result.Results.Errors.Velero.OrderBy(m => m.StartsWith("skipping", StringComparison.Ordinal)).ToArray());
        Assert.Equal(4, result.Record.Errors);
        Assert.Equal(4, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(ItemRestoreAction.Failed, o.Action));
        Assert.Equal(4, result.Record.ItemsRestored);
        Assert.Contains("timed out waiting for terminating namespace shop", result.Record.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANamespaceThatCannotBeCreatedFailsItsItemsFast()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ShopConfigMaps(2));
        h.Server.Knobs.Forbid("namespaces", verb: "create");

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-ns-forbidden"));

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal(3, result.Results.Errors.Velero.Count);
        Assert.All(result.Results.Errors.Velero, e => Assert.StartsWith("error creating namespace shop: ", e, StringComparison.Ordinal));
        Assert.All(outcomes, o => Assert.Equal(ItemRestoreAction.Failed, o.Action));
        Assert.DoesNotContain(h.Server.Journal.Entries, e => e.Verb == "create" && e.Resource == "configmaps");
        var list = await ExistingObjectTests.ResourceListAsync(h, "r-ns-forbidden");
        Assert.Empty(list);
    }

    private static JsonObject WidgetCrd() => JsonNode.Parse("""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"widgets.example.com","uid":"x","resourceVersion":"7"},
         "spec":{"group":"example.com","scope":"Namespaced",
           "names":{"kind":"Widget","listKind":"WidgetList","plural":"widgets","singular":"widget"},
           "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
             "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]},
         "status":{"conditions":[{"type":"Established","status":"True"}]}}
        """)!.AsObject();

    private static JsonObject Widget(string name, string apiVersion = "example.com/v1", string kind = "Widget") => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = K8s.Meta(name, "shop"),
        ["spec"] = new JsonObject { ["size"] = 3 },
        ["status"] = new JsonObject { ["ready"] = true },
    };

    [Fact]
    public async Task CustomResourcesWaitUntilTheirCrdIsEstablished()
    {
        await using var h = await ExecutionHarness.CreateAsync(configure: o => o.CrdEstablishDelay = TimeSpan.FromSeconds(1));
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("customresourcedefinitions.apiextensions.k8s.io", string.Empty, "widgets.example.com", WidgetCrd())
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("widgets.example.com", "shop", "w1", Widget("w1"))
            .AddItem("widgets.example.com", "shop", "w2", Widget("w2")));
        var request = h.Request("b1", "r-crd");
        request.Spec.RestoreStatus = new Restore.Engine.Velero.RestoreStatusSpec { IncludedResources = new() { "widgets.example.com" } };

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);

        Assert.True(result.Phase == RestorePhase.Completed, result.Record.FailureReason);
        Assert.Equal(4, outcomes.Count(o => o.Action == ItemRestoreAction.Created));
        var widget = h.Server.Store.Get("widgets.example.com", "shop", "w1");
        Assert.NotNull(widget);
        Assert.Equal(true, (bool?)widget!["status"]!["ready"]);
        Assert.Contains(h.Log.Entries, e => e.Message == "Refreshed discovery after restoring CustomResourceDefinitions");
    }

    [Fact]
    public async Task ACustomResourceWithoutItsCrdAnywhereFailsWithAnErrorRestoring()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("gadgets.example.com", "shop", "g1", Widget("g1", "example.com/v1", "Gadget")));

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-nocrd"));

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var error = Assert.Single(result.Results.Errors.Namespaces["shop"]);
        Assert.StartsWith("error restoring gadgets.example.com/shop/g1", error, StringComparison.Ordinal);
        Assert.Equal(ItemRestoreAction.Failed, Assert.Single(outcomes, o => o.Kind == "Gadget").Action);
    }
}

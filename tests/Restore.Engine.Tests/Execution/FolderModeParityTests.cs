using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>A folder restore writes what a cluster restore would leave on the server (issue 15): status, token Secrets, CRD order.</summary>
public class FolderModeParityTests
{
    private static JsonObject WidgetCrd() => JsonNode.Parse("""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"widgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced",
           "names":{"kind":"Widget","listKind":"WidgetList","plural":"widgets","singular":"widget"},
           "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
             "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """)!.AsObject();

    private static JsonObject Widget(string name) => new()
    {
        ["apiVersion"] = "example.com/v1",
        ["kind"] = "Widget",
        ["metadata"] = K8s.Meta(name, "shop"),
        ["spec"] = new JsonObject { ["size"] = 3 },
        ["status"] = new JsonObject { ["ready"] = true },
    };

    private static JsonObject TokenSecret(string name, string account) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "shop",
            ["annotations"] = new JsonObject { ["kubernetes.io/service-account.name"] = account, ["kubernetes.io/service-account.uid"] = "u-1" },
        },
        ["type"] = "kubernetes.io/service-account-token",
        ["data"] = new JsonObject { ["token"] = "dG9r", ["ca.crt"] = "Y2E=" },
    };

    private static VeleroBackupBuilder CrdBackup() => new VeleroBackupBuilder("b1")
        .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
        .AddItem("customresourcedefinitions.apiextensions.k8s.io", string.Empty, "widgets.example.com", WidgetCrd())
        .AddItem("widgets.example.com", "shop", "w1", Widget("w1"))
        .AddItem("configmaps", "shop", "c1", K8s.ConfigMap("shop", "c1", ("k", "v")));

    private static string[] YamlFiles(string folder) =>
        Directory.GetFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();

    private static RestoreRequest FolderRequest(string folder, string name) => new() { Name = name, Spec = new RestoreSpec { BackupName = "b1" }, ToDirectory = folder };

    [Fact]
    public async Task CustomResourceDefinitionsComeBeforeNamespacesAsInAClusterRestore()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(CrdBackup());
        var folder = h.NewFolder();

        var toFolder = await h.Engine().RunAsync(FolderRequest(folder, "r-folder"), null, null, CancellationToken.None);
        var toCluster = await h.Engine().RunAsync(h.Request("b1", "r-cluster"), null, null, CancellationToken.None);

        Assert.True(toFolder.Phase == RestorePhase.Completed, toFolder.Record.FailureReason);
        Assert.True(toCluster.Phase == RestorePhase.Completed, toCluster.Record.FailureReason);
        var files = YamlFiles(folder);
        Assert.Equal(
            new[]
            {
                "000-customresourcedefinitions.apiextensions.k8s.io/0001-customresourcedefinition-widgets.example.com.yaml",
                "001-namespaces/0002-shop.yaml",
            },
            files.Take(2).ToArray());

        // File numbers follow the lexical order, and both follow the order the cluster restore created things in.
        var numbers = files.Select(f => int.Parse(Path.GetFileName(f).Substring(0, 4), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(numbers.OrderBy(n => n).ToArray(), numbers);
        var created = h.Server.Journal.Entries.Where(e => e.Verb == "create").Select(e => e.Resource).ToList();
        Assert.True(created.IndexOf("customresourcedefinitions.apiextensions.k8s.io") < created.IndexOf("namespaces"), string.Join(", ", created));
        Assert.True(created.IndexOf("customresourcedefinitions.apiextensions.k8s.io") >= 0, string.Join(", ", created));
    }

    [Fact]
    public async Task WithoutCustomResourceDefinitionsNamespacesStillComeFirst()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 1));
        var folder = h.NewFolder();

        await h.Engine().RunAsync(FolderRequest(folder, "r-plain"), null, null, CancellationToken.None);

        var files = YamlFiles(folder);
        Assert.StartsWith("000-namespaces/", files[0], StringComparison.Ordinal);
        Assert.All(files.Skip(1), f => Assert.StartsWith("002-configmaps/", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusTheRestoreAsksForIsWrittenAndNoOtherStatus()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(CrdBackup()
            .AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web"))
            .AddItem("configmaps", "shop", "forced", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "forced", ["namespace"] = "shop", ["annotations"] = new JsonObject { ["velero.io/restore-status"] = "true" } },
                ["status"] = new JsonObject { ["odd"] = "kept" },
            }));
        var folder = h.NewFolder();
        var request = FolderRequest(folder, "r-status");
        request.Spec.RestoreStatus = new RestoreStatusSpec { IncludedResources = new() { "widgets.example.com" } };

        var result = await h.Engine().RunAsync(request, null, null, CancellationToken.None);

        Assert.True(result.Phase == RestorePhase.Completed, result.Record.FailureReason);
        JsonObject Read(string suffix) => ManifestYaml.Parse(File.ReadAllText(Path.Combine(folder, YamlFiles(folder).Single(f => f.EndsWith(suffix, StringComparison.Ordinal)))), "test")!.AsObject();
        Assert.Equal(true, (bool?)Read("-widget-shop-w1.yaml")["status"]!["ready"]);
        Assert.Equal("kept", (string?)Read("-configmap-shop-forced.yaml")["status"]!["odd"]);
        Assert.Null(Read("-deployment-shop-web.yaml")["status"]);
        Assert.Null(Read("-configmap-shop-c1.yaml")["status"]);
    }

    private static VeleroBackupBuilder TokenBackup() => new VeleroBackupBuilder("b1")
        .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
        .AddItem("serviceaccounts", "shop", "web", K8s.ServiceAccount("shop", "web", "web-token-abcde"))
        .AddItem("secrets", "shop", "web-token-abcde", TokenSecret("web-token-abcde", "web"))
        .AddItem("secrets", "shop", "ci-token-x1", TokenSecret("ci-token-x1", "ci"))
        .AddItem("secrets", "shop", "plain", K8s.Secret("shop", "plain", "k", "dg=="));

    [Fact]
    public async Task TheTokenSecretOfAServiceAccountTheRestoreCreatesIsSkippedInAFolderAndInACluster()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(TokenBackup());
        var folder = h.NewFolder();
        var folderOutcomes = new ConcurrentQueue<RestoreItemOutcome>();
        var clusterOutcomes = new ConcurrentQueue<RestoreItemOutcome>();

        var preview = await h.Engine().PlanAsync(FolderRequest(folder, "r-plan"), CancellationToken.None);
        var toFolder = await h.Engine().RunAsync(FolderRequest(folder, "r-folder"), null, folderOutcomes.Enqueue, CancellationToken.None);
        var toCluster = await h.Engine().RunAsync(h.Request("b1", "r-cluster"), null, clusterOutcomes.Enqueue, CancellationToken.None);

        var planned = Assert.Single(Assert.Single(preview.Targets).Plan!.Items, i => i.Name == "web-token-abcde");
        Assert.Equal(PlanDecision.Skipped, planned.Decision);
        Assert.Contains("ServiceAccount \"web\"", planned.Reason, StringComparison.Ordinal);
        Assert.Equal(RestorePhase.Completed, toFolder.Phase);
        Assert.Equal(RestorePhase.Completed, toCluster.Phase);
        var files = YamlFiles(folder);
        Assert.DoesNotContain(files, f => f.Contains("web-token-abcde", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("-secret-shop-plain.yaml", StringComparison.Ordinal));

        // A token Secret whose account is not restored is written, stripped of the token as Velero does.
        var ci = ManifestYaml.Parse(File.ReadAllText(Path.Combine(folder, files.Single(f => f.EndsWith("-secret-shop-ci-token-x1.yaml", StringComparison.Ordinal)))), "test")!.AsObject();
        Assert.Null(ci["data"]);
        Assert.Equal(ItemRestoreAction.Skipped, Assert.Single(folderOutcomes, o => o.Name == "web-token-abcde").Action);
        Assert.Equal(ItemRestoreAction.Skipped, Assert.Single(clusterOutcomes, o => o.Name == "web-token-abcde").Action);
        Assert.Null(h.Server.Store.Get("secrets", "shop", "web-token-abcde"));
        Assert.NotNull(h.Server.Store.Get("secrets", "shop", "ci-token-x1"));
    }

    [Fact]
    public async Task UnderANamespaceMappingTheSourceNamespaceIsWhatCountsAsInVelero()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(TokenBackup());
        var folder = h.NewFolder();
        var request = FolderRequest(folder, "r-mapped");
        request.Spec.NamespaceMapping = new() { ["shop"] = "shop-copy" };

        await h.Engine().RunAsync(request, null, null, CancellationToken.None);

        // Velero's action lists the accounts of the secret's backed-up namespace; this restore created "web" in shop-copy.
        Assert.Contains(YamlFiles(folder), f => f.EndsWith("-secret-shop-copy-web-token-abcde.yaml", StringComparison.Ordinal));
    }
}

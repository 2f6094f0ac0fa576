using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Lifecycle;

/// <summary>
/// What New-Restore writes is what Get-Restore, Get-RestoreItem, Get-RestoreLog and Remove-Restore read: a folder
/// restore of the sample backup through the same engine calls and mappings the cmdlets make.
/// </summary>
public sealed class RestoreLifecycleTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "restore-lifecycle-" + Guid.NewGuid().ToString("N"));

    public RestoreLifecycleTests() => SampleBackup.Write(Path.Combine(root, "store"));

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task AFolderRestoreIsListedWithItsItemsAndLogAndCanBeRemoved()
    {
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = Path.Combine(root, "store") }, NullEngineLog.Instance);
        var request = new RestoreParameters
        {
            Backup = SampleBackup.Name,
            Name = "sample-to-folder",
            ToDirectory = Path.Combine(root, "out"),
            Label = new System.Collections.Hashtable { ["ticket"] = "inc-1" },
            Description = "lifecycle test",
        }.ToRequest();
        var engine = new RestoreEngine(location, NullEngineLog.Instance);

        var whatIf = await engine.DescribeAsync(request, CancellationToken.None);
        var result = await engine.RunAsync(request, null, null, CancellationToken.None);
        var written = RestoreInfo.FromRecord(result.Record, location.Options, DateTimeOffset.UtcNow);

        Assert.Single(whatIf.Lines);
        Assert.Equal("directory", Assert.Single(whatIf.Targets).Kind);
        Assert.True(written.IsTerminal, written.Status);
        Assert.False(written.IsRunning);
        Assert.True(written.TotalItems > 0);
        Assert.Equal(SampleBackup.Name, written.Backup);

        var catalog = new RestoreCatalog(location);
        var read = Assert.Single(await catalog.GetManyAsync(await catalog.ListNamesAsync(CancellationToken.None), DateTimeOffset.UtcNow, null, CancellationToken.None));
        Assert.Equal(("sample-to-folder", written.Phase, written.ItemsRestored, written.TotalItems), (read.Name, read.Phase, read.ItemsRestored, read.TotalItems));
        Assert.Equal("inc-1", read.Labels["ticket"]);
        Assert.Equal("lifecycle test", read.Description);
        Assert.Equal(Path.Combine(root, "out"), read.Cluster);
        Assert.Contains("name: sample-to-folder", read.Manifest, StringComparison.Ordinal);

        var items = await new RestoreEngine(location, null).GetRestoreItemsAsync("sample-to-folder", CancellationToken.None);
        Assert.Equal(read.ItemsRestored, items.Count);
        Assert.Contains(items, i => i.Resource == "clusterroles.rbac.authorization.k8s.io" && i.Name == "demo:web-reader");
        Assert.All(items, i => Assert.Equal("sample-to-folder", i.Restore));
        Assert.Contains(items, i => i.Resource == "deployments.apps" && i.Namespace == "demo");

        var log = RestoreLogReader.Parse("sample-to-folder", await catalog.ReadLogTextAsync("sample-to-folder", CancellationToken.None));
        Assert.NotEmpty(log);
        Assert.DoesNotContain(log, e => e.Unparsed);
        Assert.All(log, e => Assert.EndsWith("sample-to-folder", e.Fields["restore"], StringComparison.Ordinal));

        Assert.True(await catalog.DeleteAsync("sample-to-folder", CancellationToken.None) >= 4);
        Assert.Empty(await catalog.ListNamesAsync(CancellationToken.None));
        Assert.True(Directory.EnumerateFiles(Path.Combine(root, "out"), "*", SearchOption.AllDirectories).Any(), "Remove-Restore must leave the restored objects alone");
    }
}

/// <summary>Get-RestorePlan and New-Restore against a live (test) cluster: predictions before and after a restore.</summary>
public sealed class ClusterRestoreLifecycleTests : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "restore-cluster-lifecycle-" + Guid.NewGuid().ToString("N"));
    private Restore.TestApiServer.TestApiServer? server;

    private string KubeConfig => Path.Combine(root, "kubeconfig");

    public async Task InitializeAsync()
    {
        SampleBackup.Write(Path.Combine(root, "store"));
        server = await Restore.TestApiServer.TestApiServer.StartAsync(new Restore.TestApiServer.TestApiServerOptions());
        server.WriteKubeconfig(KubeConfig);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task ThePlanPredictsCreateThenSkipThenUpdate()
    {
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = Path.Combine(root, "store") }, NullEngineLog.Instance);
        var engine = new RestoreEngine(location, NullEngineLog.Instance);
        RestoreRequest Request(string name, RestoreParameters? more = null)
        {
            var parameters = more ?? new RestoreParameters();
            parameters.Backup = SampleBackup.Name;
            parameters.Name = name;
            parameters.KubeConfig = KubeConfig;
            parameters.IncludeResource = new[] { "deployments.apps", "configmaps", "namespaces" };
            return parameters.ToRequest();
        }

        var before = RestorePlanItem.FromPreview(await engine.PlanAsync(Request("first"), CancellationToken.None));
        var web = before.Single(i => i.Resource == "deployments.apps" && i.Name == "web");
        Assert.Equal((RestorePlanAction.Create, "Create"), (web.Action, web.Prediction));
        Assert.Equal(server!.ContextName(Restore.TestApiServer.KubeconfigAuth.Token), web.Target);

        var outcomes = new System.Collections.Concurrent.ConcurrentBag<RestoreItemOutcome>();
        var progress = new System.Collections.Concurrent.ConcurrentBag<RunProgress>();
        var result = await engine.RunAsync(Request("first"), new CallbackProgress<RunProgress>(progress.Add), outcomes.Add, CancellationToken.None);
        var info = RestoreInfo.FromRecord(result.Record, location.Options, DateTimeOffset.UtcNow);
        Assert.True(info.Phase is RestorePhase.Completed or RestorePhase.PartiallyFailed, info.Status + ": " + info.FailureReason);
        Assert.Contains(outcomes, o => o.Resource == "deployments.apps" && o.Name == "web" && o.Action == ItemRestoreAction.Created);
        Assert.Contains(progress, p => p.TotalItems > 0 && p.ItemsDone == p.TotalItems);
        Assert.NotNull(server.Store.Get("deployments.apps", "demo", "web"));

        var after = RestorePlanItem.FromPreview(await engine.PlanAsync(Request("second"), CancellationToken.None));
        var same = after.Single(i => i.Resource == "deployments.apps" && i.Name == "web");
        Assert.Equal(RestorePlanAction.Skip, same.Action);
        Assert.Equal("AlreadyExistsSkip", same.Prediction);

        var changed = RestorePlanItem.FromPreview(await engine.PlanAsync(
            Request("third", new RestoreParameters { ExistingResourcePolicy = "Update", ImageMapping = new System.Collections.Hashtable { ["nginx"] = "nginx-patched" } }),
            CancellationToken.None));
        var update = changed.Single(i => i.Resource == "deployments.apps" && i.Name == "web");
        Assert.Equal(RestorePlanAction.Update, update.Action);
        Assert.NotEmpty(update.Differences);
        Assert.StartsWith("differs: ", update.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AForbiddenCreateIsOneFailedOutcomeAndAPartialFailure()
    {
        server!.Knobs.Forbid("configmaps", verb: "create", @namespace: "forbidden");
        using var location = StorageLocation.Open(new StorageLocationOptions { Location = Path.Combine(root, "store") }, NullEngineLog.Instance);
        var request = new RestoreParameters
        {
            Backup = SampleBackup.Name,
            Name = "denied",
            KubeConfig = KubeConfig,
            IncludeNamespace = new[] { "demo" },
            NamespaceMapping = new System.Collections.Hashtable { ["demo"] = "forbidden" },
        }.ToRequest();

        var failed = new System.Collections.Concurrent.ConcurrentBag<RestoreItemOutcome>();
        var result = await new RestoreEngine(location, NullEngineLog.Instance).RunAsync(request, null, o => { if (o.Action == ItemRestoreAction.Failed) { failed.Add(o); } }, CancellationToken.None);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var configMap = Assert.Single(failed);
        Assert.Equal(("configmaps", "forbidden", "web-config"), (configMap.Resource, configMap.Namespace, configMap.Name));
        var stored = await new RestoreCatalog(location).GetItemsAsync("denied", CancellationToken.None);
        Assert.Single(stored, o => o.Action == ItemRestoreAction.Failed);
    }
}

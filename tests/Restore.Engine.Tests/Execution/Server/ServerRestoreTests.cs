using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Execution;
using Restore.Engine.Execution.Server;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestApiServer;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution.Server;

/// <summary>The server stage: what it sends to Velero, what it refuses, and a run against the Velero stand-in.</summary>
public sealed class ServerRestoreTests
{
    [Fact]
    public void ParametersOnlyTheClientImplementsAreNamedInOrder()
    {
        var parameters = new RestoreParameters { Backup = "b", Object = new[] { "configmaps/a/b" }, Parallel = 4, Qps = 10, JsonPatch = new Hashtable { ["x"] = "[]" } };

        Assert.Equal(new[] { "Object", "Parallel", "Qps", "JsonPatch" }, VeleroServer.ClientOnlyParameters(parameters));
        Assert.Empty(VeleroServer.ClientOnlyParameters(new RestoreParameters { Backup = "b", IncludeNamespace = new[] { "shop" }, ItemOperationTimeout = "1h", Timeout = "2h" }));
    }

    [Fact]
    public void ManifestExtensionsAreRefusedToo()
    {
        var parameters = new RestoreParameters { ManifestText = "apiVersion: velero.io/v1\nkind: Restore\nmetadata: {name: m}\nspec: {backupName: b, objects: [configmaps/a/b]}\n" };

        Assert.Contains("Object", VeleroServer.ClientOnlyParameters(parameters));
    }

    [Fact]
    public void TheRestoreCarriesVelerosFieldsOnlyAndOurMarkerAsAnAnnotation()
    {
        var spec = new RestoreSpec { BackupName = "b", IncludedNamespaces = new List<string> { "shop" }, Description = "why", ImageMapping = new Dictionary<string, string> { ["a"] = "b" } };

        var restore = ServerRestoreObjects.Restore("r", "velero", spec, new Dictionary<string, string> { ["team"] = "ops" }, "why", "alice");

        Assert.Equal("velero.io/v1", restore["apiVersion"]!.GetValue<string>());
        Assert.Equal("velero", restore["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("Server", restore["metadata"]!["annotations"]![VeleroServerApi.RanOnAnnotation]!.GetValue<string>());
        Assert.Equal("why", restore["metadata"]!["annotations"]![VeleroServerApi.DescriptionAnnotation]!.GetValue<string>());
        Assert.Equal("ops", restore["metadata"]!["labels"]!["team"]!.GetValue<string>());
        var keys = ((JsonObject)restore["spec"]!).Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "backupName", "includedNamespaces" }, keys);
    }

    [Fact]
    public void MappingsAndModifiersBecomeTheConfigMapsVeleroReads()
    {
        var spec = new RestoreSpec
        {
            BackupName = "b",
            StorageClassMapping = new Dictionary<string, string> { ["gp2"] = "gp3" },
            ImageMapping = new Dictionary<string, string> { ["docker.io/"] = "mirror/" },
            NodeMapping = new Dictionary<string, string> { ["n1"] = "n2" },
        };
        var request = new RestoreRequest { Spec = spec, ResourceModifierDocument = "version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  mergePatches: [{patchData: '{}'}]\n" };

        var maps = ServerRestoreObjects.ConfigMaps("r", "velero", request, spec);

        Assert.Equal(new[] { "r-change-image-name", "r-change-pvc-node-selector", "r-change-storage-class", "r-resource-modifiers" }, maps.Select(Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(maps, m => Assert.Equal("r", m["metadata"]!["labels"]![VeleroServerApi.RestoreConfigLabel]!.GetValue<string>()));
        var storage = maps.Single(m => Name(m) == "r-change-storage-class");
        Assert.Equal("RestoreItemAction", storage["metadata"]!["labels"]!["velero.io/change-storage-class"]!.GetValue<string>());
        Assert.Equal(string.Empty, storage["metadata"]!["labels"]!["velero.io/plugin-config"]!.GetValue<string>());
        Assert.Equal("gp3", storage["data"]!["gp2"]!.GetValue<string>());
        Assert.Equal("docker.io/,mirror/", maps.Single(m => Name(m) == "r-change-image-name")["data"]!["case1"]!.GetValue<string>());
        Assert.Null(maps.Single(m => Name(m) == "r-resource-modifiers")["metadata"]!["labels"]!["velero.io/plugin-config"]);
        Assert.Equal("r-resource-modifiers", spec.ResourceModifier!.Name);
        Assert.Null(spec.StorageClassMapping);
    }

    [Fact]
    public void AModifierDocumentThatDoesNotParseIsRefused()
    {
        var spec = new RestoreSpec { BackupName = "b" };
        var request = new RestoreRequest { Spec = spec, ResourceModifierDocument = "version: v2\nresourceModifierRules: []\n" };

        var problem = Assert.Throws<ServerRestoreException>(() => ServerRestoreObjects.ConfigMaps("r", "velero", request, spec));
        Assert.Equal(ServerRestoreProblem.ResourceModifier, problem.Problem);
    }

    [Theory]
    [InlineData("s3://bkt/east", "bkt", "east", true)]
    [InlineData("s3://bkt/east", "bkt", "/east/", true)]
    [InlineData("s3://bkt", "bkt", "", true)]
    [InlineData("s3://bkt/east", "bkt", "west", false)]
    [InlineData("s3://other/east", "bkt", "east", false)]
    [InlineData("/mnt/buckets/bkt/east", "bkt", "east", true)]
    [InlineData("/mnt/buckets/bkt", "bkt", "", true)]
    [InlineData("/mnt/buckets/xbkt/east", "bkt", "east", false)]
    public void ALocationMatchesItsBucketAndPrefix(string location, string bucket, string prefix, bool matches)
    {
        var bsl = new JsonObject { ["spec"] = new JsonObject { ["objectStorage"] = new JsonObject { ["bucket"] = bucket, ["prefix"] = prefix } } };

        Assert.Equal(matches, StorageLocationMatch.Matches(bsl, StorageAddress.Parse(location)));
    }

    [Theory]
    [InlineData("New,New", "New")]
    [InlineData("New,InProgress", "InProgress")]
    [InlineData("Completed,Finalizing", "InProgress")]
    [InlineData("Completed,Completed", "Completed")]
    [InlineData("Completed,Failed", "PartiallyFailed")]
    [InlineData("Failed,FailedValidation", "Failed")]
    [InlineData("FailedValidation", "FailedValidation")]
    public void AFleetsPhaseSumsUpItsClusters(string phases, string overall)
    {
        Assert.Equal(overall, RestoreInfo.Overall(phases.Split(',')));
    }

    [Fact]
    public async Task ARestoreRunsOnTheStandInAndIsFollowedToTheEnd()
    {
        await using var cluster = await StandInCluster.StartAsync(withVelero: true);

        using var run = await VeleroServer.StartAsync(cluster.Request("followed"), null, CancellationToken.None);
        run.PollInterval = TimeSpan.FromMilliseconds(50);
        var progress = new List<RestoreProgress>();
        var report = await run.FollowAsync(new Restore.Engine.Common.CallbackProgress<RestoreProgress>(progress.Add), CancellationToken.None);

        Assert.True(report.Finished);
        Assert.Equal(RestorePhases.Completed, report.Restore.Phase);
        Assert.Equal(RestoreInfo.Server, report.Restore.RanOn);
        Assert.Equal(9, report.Restore.ItemsRestored);
        Assert.Contains(progress, p => p.Phase == RestorePhases.Completed && p.TotalItems == 9);
        Assert.True(File.Exists(Path.Combine(cluster.Location, "restores", "followed", "restore-followed-results.gz")));

        var listed = Assert.Single(await VeleroServer.ListAsync(cluster.KubeConfig, new[] { cluster.Context }, null, null, CancellationToken.None));
        Assert.Equal("followed", listed.Name);
        Assert.Equal(new[] { cluster.Context }, await VeleroServer.DeleteAsync("followed", cluster.KubeConfig, new[] { cluster.Context }, null, CancellationToken.None));
    }

    [Fact]
    public async Task NothingIsCreatedWhenTheClusterHasNoVelero()
    {
        await using var cluster = await StandInCluster.StartAsync(withVelero: false);

        var failure = await Assert.ThrowsAsync<RestoreEngineException>(() => VeleroServer.StartAsync(cluster.Request("nowhere"), null, CancellationToken.None));

        Assert.Equal(FailureKind.VeleroNotInstalled, failure.Kind);
        Assert.Equal(0, cluster.Server.Store.Count("configmaps", "velero"));
    }

    [Fact]
    public async Task ABackupTheServerDoesNotKnowIsRefused()
    {
        await using var cluster = await StandInCluster.StartAsync(withVelero: true);
        var request = cluster.Request("unknown");
        request.Parameters.Backup = "not-synced";

        var failure = await Assert.ThrowsAsync<RestoreEngineException>(() => VeleroServer.StartAsync(request, null, CancellationToken.None));

        Assert.Equal(FailureKind.BackupNotSynced, failure.Kind);
        Assert.Empty(cluster.Server.Store.List("restores.velero.io", "velero"));
    }

    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    /// <summary>One test API server, with the Velero stand-in, a BSL over a folder holding the sample backup, and its Backup object.</summary>
    private sealed class StandInCluster : IAsyncDisposable
    {
        private readonly string root;
        private VeleroStandIn? standIn;

        private StandInCluster(TestApiServer.TestApiServer server, string root)
        {
            Server = server;
            this.root = root;
            Location = Path.Combine(root, "bkt", "east");
            KubeConfig = Path.Combine(root, "kubeconfig");
        }

        public TestApiServer.TestApiServer Server { get; }

        public string Location { get; }

        public string KubeConfig { get; }

        public string Context => Server.ContextName(KubeconfigAuth.Token);

        public static async Task<StandInCluster> StartAsync(bool withVelero)
        {
            var root = Path.Combine(Path.GetTempPath(), "restore-server-" + Guid.NewGuid().ToString("N"));
            var cluster = new StandInCluster(await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { ClusterName = "east" }), root);
            Directory.CreateDirectory(cluster.Location);
            SampleBackup.Create().WriteToFolder(cluster.Location);
            cluster.Server.WriteKubeconfig(cluster.KubeConfig);
            if (withVelero)
            {
                cluster.standIn = VeleroStandIn.Start(cluster.Server, new VeleroStandInOptions { FolderRoot = root, ItemDelay = TimeSpan.FromMilliseconds(1), PollInterval = TimeSpan.FromMilliseconds(20) });
                cluster.Server.Store.Create("""{"apiVersion":"velero.io/v1","kind":"BackupStorageLocation","metadata":{"name":"default","namespace":"velero"},"spec":{"provider":"aws","objectStorage":{"bucket":"bkt","prefix":"east"}}}""");
                cluster.Server.Store.Create("""{"apiVersion":"velero.io/v1","kind":"Backup","metadata":{"name":"sample","namespace":"velero"},"spec":{"storageLocation":"default"},"status":{"phase":"Completed"}}""");
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while ((cluster.Server.Store.Get("backupstoragelocations.velero.io", "velero", "default")?["status"] as JsonObject)?["phase"]?.GetValue<string>() != "Available")
                {
                    Assert.True(DateTime.UtcNow < deadline, "the stand-in did not validate the BSL");
                    await Task.Delay(20);
                }
            }

            return cluster;
        }

        public ServerRestoreRequest Request(string name) => new()
        {
            Parameters = new RestoreParameters { Backup = "sample", Name = name, KubeConfig = KubeConfig, Context = new[] { Context } },
            StorageLocation = new StorageLocationSettings { Location = Location },
        };

        public async ValueTask DisposeAsync()
        {
            if (standIn is not null)
            {
                await standIn.DisposeAsync();
            }

            await Server.DisposeAsync();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}

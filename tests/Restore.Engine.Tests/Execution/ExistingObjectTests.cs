using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Existing objects (docs/velero-compatibility.md#existing-resource-policy) against the test API server: each policy with equal and different live objects, and the per-kind paths.</summary>
public class ExistingObjectTests
{
    internal static async Task<(RestoreRunResult Result, List<RestoreItemOutcome> Outcomes)> RunAsync(ExecutionHarness h, RestoreRequest request)
    {
        var outcomes = new ConcurrentQueue<RestoreItemOutcome>();
        var result = await h.Engine().RunAsync(request, null, outcomes.Enqueue, CancellationToken.None);
        return (result, outcomes.ToList());
    }

    private static RestoreItemOutcome Outcome(List<RestoreItemOutcome> outcomes, string kind, string name) =>
        Assert.Single(outcomes, o => o.Kind == kind && o.Name == name);

    private static JsonObject SeedConfigMap(ExecutionHarness h, string color, bool immutable = false)
    {
        var cm = K8s.ConfigMap("shop", "web-config", ("color", color));
        if (immutable)
        {
            cm["immutable"] = true;
        }

        return h.Seed(cm);
    }

    private static VeleroBackupBuilder ConfigMapBackup(bool immutable = false)
    {
        var cm = K8s.ConfigMap("shop", "web-config", ("color", "blue"));
        if (immutable)
        {
            cm["immutable"] = true;
        }

        return new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("configmaps", "shop", "web-config", cm);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public async Task ADifferentObjectWithoutUpdateIsSkippedWithOneWarningEverywhere(string? policy)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "red");
        var name = "r-" + (policy ?? "default");
        var request = h.Request("b1", name);
        request.Spec.ExistingResourcePolicy = policy;

        var (result, outcomes) = await RunAsync(h, request);

        // Velero's wording differs between no policy and policy none; either way it is a namespace warning.
        var warning = policy == "none"
            ? "could not restore, ConfigMap \"web-config\" already exists. Warning: the in-cluster version is different than the backed-up version"
            : "could not restore, ConfigMap:web-config already exists. Warning: the in-cluster version is different than the backed-up version";
        const string Message = "already exists and differs from the backed-up version (at data.color); left as it is (existing-resource policy None)";
        Assert.Equal(RestorePhase.Completed, result.Phase); // warnings never change the phase
        Assert.Equal((1, 0), (result.Record.Warnings, result.Record.Errors));
        var outcome = Outcome(outcomes, "ConfigMap", "web-config");
        Assert.Equal((ItemRestoreAction.Skipped, Message), (outcome.Action, outcome.Message));

        // What was stored agrees: record, results, item outcomes; the resource list keeps Velero's failed.
        var record = (await h.Records().GetAsync(name, CancellationToken.None))!;
        Assert.Equal((RestorePhase.Completed, 1, 0), (record.Phase, record.Warnings, record.Errors));
        var results = await StoredJsonAsync(h, h.Location!.Layout.RestoreResultsKey(name));
        Assert.Equal(new JsonObject { ["errors"] = new JsonObject(), ["warnings"] = new JsonObject { ["namespaces"] = new JsonObject { ["shop"] = new JsonArray(warning) } } }.ToJsonString(), results.ToJsonString());
        var stored = Assert.Single(await h.Records().ReadItemOutcomesAsync(name, CancellationToken.None), o => o.Kind == "ConfigMap");
        Assert.Equal((ItemRestoreAction.Skipped, Message), (stored.Action, stored.Message));
        Assert.Equal("[\"shop/web-config(failed)\"]", (await ResourceListAsync(h, name))["v1/ConfigMap"]!.ToJsonString());

        // The log has the warning once as it happens (and once in Velero's closing summary), and no error.
        Assert.DoesNotContain(h.Log.Entries, e => e.Level == EngineLogLevel.Error);
        Assert.Single(h.Log.Entries, e => e.Level == EngineLogLevel.Warning && e.Message == warning);
        Assert.Equal("red", (string?)h.Server.Store.Get("configmaps", "shop", "web-config")!["data"]!["color"]);
        Assert.Null(h.Server.Store.Get("configmaps", "shop", "web-config")!["metadata"]!["labels"]!["velero.io/restore-name"]);
    }

    [Fact]
    public async Task ADifferentObjectWithUpdateIsMergePatchedAndListedUpdated()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "red");
        var request = h.Request("b1", "r-update");
        request.Spec.ExistingResourcePolicy = "update";

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(0, result.Record.Warnings);
        Assert.Equal(ItemRestoreAction.Updated, Outcome(outcomes, "ConfigMap", "web-config").Action);
        var live = h.Server.Store.Get("configmaps", "shop", "web-config")!;
        Assert.Equal("blue", (string?)live["data"]!["color"]);
        Assert.Equal("r-update", (string?)live["metadata"]!["labels"]!["velero.io/restore-name"]);
        var list = await ResourceListAsync(h, "r-update");
        Assert.Equal("[\"shop/web-config(updated)\"]", list["v1/ConfigMap"]!.ToJsonString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("update")]
    public async Task AnEqualObjectIsSkippedAndWithUpdateOnlyGetsTheRestoreLabels(string? policy)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "blue");
        var request = h.Request("b1", "r-eq-" + (policy ?? "default"));
        request.Spec.ExistingResourcePolicy = policy;

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(0, result.Record.Warnings + result.Record.Errors);
        var outcome = Outcome(outcomes, "ConfigMap", "web-config");
        Assert.Equal(ItemRestoreAction.Skipped, outcome.Action);
        Assert.Contains("same as the backed-up version", outcome.Message, StringComparison.Ordinal);
        var labels = h.Server.Store.Get("configmaps", "shop", "web-config")!["metadata"]!["labels"]!;
        Assert.Equal(policy == "update" ? "r-eq-update" : null, (string?)labels["velero.io/restore-name"]);
        Assert.Equal(policy == "update" ? "b1" : null, (string?)labels["velero.io/backup-name"]);
        var list = await ResourceListAsync(h, request.Name!);
        Assert.Equal("[\"shop/web-config(skipped)\"]", list["v1/ConfigMap"]!.ToJsonString());
    }

    [Fact]
    public async Task AnUpdateTheServerRefusesGivesAWarningThenALabelsOnlyPatch()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup(immutable: true));
        SeedConfigMap(h, "red", immutable: true);
        var request = h.Request("b1", "r-immutable");
        request.Spec.ExistingResourcePolicy = "update";

        var (result, outcomes) = await RunAsync(h, request);

        // Velero: the refused patch is a warning, not an error; the item is left as it is with new labels.
        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal((1, 0), (result.Record.Warnings, result.Record.Errors));
        var warning = Assert.Single(result.Results.Warnings.Namespaces["shop"]);
        Assert.Contains("immutable", warning, StringComparison.Ordinal);
        var outcome = Outcome(outcomes, "ConfigMap", "web-config");
        Assert.Equal(ItemRestoreAction.Skipped, outcome.Action);
        Assert.StartsWith("already exists and differs from the backed-up version (it differs at data.color); the update was refused, so only the restore labels are patched: ", outcome.Message, StringComparison.Ordinal);
        Assert.Equal("[\"shop/web-config(failed)\"]", (await ResourceListAsync(h, "r-immutable"))["v1/ConfigMap"]!.ToJsonString());
        var live = h.Server.Store.Get("configmaps", "shop", "web-config")!;
        Assert.Equal("red", (string?)live["data"]!["color"]);
        Assert.Equal("r-immutable", (string?)live["metadata"]!["labels"]!["velero.io/restore-name"]);
    }

    [Fact]
    public async Task WhenTheLabelsOnlyPatchIsRefusedTooTheItemFailsWithThatError()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "red");
        h.Server.Knobs.Forbid("configmaps", verb: "patch");
        var request = h.Request("b1", "r-no-patch");
        request.Spec.ExistingResourcePolicy = "update";

        var (result, outcomes) = await RunAsync(h, request);

        // Velero: the refused update is a warning, the refused labels patch an error.
        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal((1, 1), (result.Record.Warnings, result.Record.Errors));
        var outcome = Outcome(outcomes, "ConfigMap", "web-config");
        Assert.Equal(ItemRestoreAction.Failed, outcome.Action);
        Assert.Equal(Assert.Single(result.Results.Errors.Namespaces["shop"]), outcome.Message);
    }

    [Fact]
    public async Task AnExistingObjectThatCannotBeReadIsSkippedWithTheReadErrorAsAWarning()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(ConfigMapBackup());
        SeedConfigMap(h, "red");
        h.Server.Knobs.Forbid("configmaps", verb: "get");

        var (result, outcomes) = await RunAsync(h, h.Request("b1", "r-unreadable"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal((1, 0), (result.Record.Warnings, result.Record.Errors));
        var warning = Assert.Single(result.Results.Warnings.Namespaces["shop"]);
        var outcome = Outcome(outcomes, "ConfigMap", "web-config");
        Assert.Equal((ItemRestoreAction.Skipped, "already exists but could not be read; left as it is: " + warning), (outcome.Action, outcome.Message));
        Assert.Equal("[\"shop/web-config(failed)\"]", (await ResourceListAsync(h, "r-unreadable"))["v1/ConfigMap"]!.ToJsonString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public async Task AnExistingServiceAccountIsMergedUnderAnyPolicy(string? policy)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var sa = K8s.ServiceAccount("shop", "builder", "registry-a", "builder-token-abcde");
        sa["imagePullSecrets"] = new JsonArray(new JsonObject { ["name"] = "pull-a" });
        ((JsonObject)sa["metadata"]!)["annotations"] = new JsonObject { ["team"] = "web", ["owner"] = "backup" };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("serviceaccounts", "shop", "builder", sa));
        var live = K8s.ServiceAccount("shop", "builder", "registry-b");
        ((JsonObject)live["metadata"]!)["annotations"] = new JsonObject { ["owner"] = "cluster" };
        h.Seed(live);
        var request = h.Request("b1", "r-sa-" + (policy ?? "default"));
        request.Spec.ExistingResourcePolicy = policy;

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(0, result.Record.Warnings);
        Assert.Equal(ItemRestoreAction.Updated, Outcome(outcomes, "ServiceAccount", "builder").Action);
        var merged = h.Server.Store.Get("serviceaccounts", "shop", "builder")!;
        Assert.Equal(new[] { "registry-b", "registry-a" }, ((JsonArray)merged["secrets"]!).Select(s => (string?)s!["name"]).ToArray());
        Assert.Equal("pull-a", (string?)merged["imagePullSecrets"]![0]!["name"]);
        Assert.Equal("cluster", (string?)merged["metadata"]!["annotations"]!["owner"]);
        Assert.Equal("web", (string?)merged["metadata"]!["annotations"]!["team"]);
    }

    [Theory]
    [InlineData(null, ItemRestoreAction.Skipped, 0)]
    [InlineData("update", ItemRestoreAction.Failed, 1)]
    public async Task AServiceAccountMergeTheServerRefusesIsAWarningAndUnderUpdateTheLabelsPatchAnError(string? policy, string action, int errors)
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("serviceaccounts", "shop", "builder", K8s.ServiceAccount("shop", "builder", "registry-a")));
        h.Seed(K8s.ServiceAccount("shop", "builder", "registry-b"));
        h.Server.Knobs.Forbid("serviceaccounts", verb: "patch");
        var request = h.Request("b1", "r-sa-refused-" + (policy ?? "default"));
        request.Spec.ExistingResourcePolicy = policy;

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(errors == 0 ? RestorePhase.Completed : RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal((1, errors), (result.Record.Warnings, result.Record.Errors));
        var outcome = Outcome(outcomes, "ServiceAccount", "builder");
        Assert.Equal(action, outcome.Action);
        if (action == ItemRestoreAction.Skipped)
        {
            Assert.StartsWith("already exists and differs; merging the backed-up secrets, labels and annotations into it was refused: ", outcome.Message, StringComparison.Ordinal);
        }

        Assert.Equal("[\"shop/builder(failed)\"]", (await ResourceListAsync(h, request.Name!))["v1/ServiceAccount"]!.ToJsonString());
    }

    [Fact]
    public async Task AnEqualObjectWhoseOnlyProblemIsAPlanWarningIsSkippedNotFailed()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var claim = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = K8s.Meta("data", "shop"),
            ["spec"] = new JsonObject { ["accessModes"] = new JsonArray("ReadWriteOnce"), ["volumeName"] = "pv-not-in-backup" },
            ["status"] = new JsonObject { ["phase"] = "Bound" },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("persistentvolumeclaims", "shop", "data", claim));
        h.Seed(claim);

        var (result, outcomes) = await RunAsync(h, h.Request("b1", "r-plan-warning"));

        // The bound volume is an additional item missing from the backup: a warning (Velero's stat error), not an error.
        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal((1, 0), (result.Record.Warnings, result.Record.Errors));
        Assert.Contains("no such file or directory", Assert.Single(result.Results.Warnings.All()).Text, StringComparison.Ordinal);
        Assert.Equal(ItemRestoreAction.Skipped, Outcome(outcomes, "PersistentVolumeClaim", "data").Action);
        Assert.Equal("[\"shop/data(failed)\"]", (await ResourceListAsync(h, "r-plan-warning"))["v1/PersistentVolumeClaim"]!.ToJsonString());
    }

    [Fact]
    public async Task StatusIsRestoredForCreatedObjectsWhenTheSpecAsks()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("deployments.apps", "shop", "web", K8s.Deployment("shop", "web", 3))
            .AddItem("deployments.apps", "shop", "old", K8s.Deployment("shop", "old", 3)));
        h.Seed(K8s.Deployment("shop", "old", 3));
        var request = h.Request("b1", "r-status");
        request.Spec.RestoreStatus = new RestoreStatusSpec { IncludedResources = new List<string> { "deployments.apps" } };

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(3, (int?)h.Server.Store.Get("deployments.apps", "shop", "web")!["status"]!["readyReplicas"]);
        Assert.Equal(ItemRestoreAction.Skipped, Outcome(outcomes, "Deployment", "old").Action);
        Assert.Null(h.Server.Store.Get("deployments.apps", "shop", "old")!["status"]!["readyReplicas"]);
    }

    [Fact]
    public async Task AServiceWhoseNodePortIsTakenByItselfCountsAsExisting()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var svc = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = K8s.Meta("web", "shop"),
            ["spec"] = new JsonObject
            {
                ["type"] = "NodePort",
                ["clusterIP"] = "10.96.0.50",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP", ["targetPort"] = 8080, ["nodePort"] = 30080 }),
                ["selector"] = new JsonObject { ["app"] = "web" },
            },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("services", "shop", "web", svc));
        var live = (JsonObject)svc.DeepClone();
        ((JsonObject)live["spec"]!).Remove("clusterIP");
        h.Seed(live);
        var request = h.Request("b1", "r-svc");
        request.Spec.PreserveNodePorts = true;

        var (result, outcomes) = await RunAsync(h, request);

        // The server answers the create with the port error (422), not AlreadyExists: that is the path under test.
        Assert.Contains(h.Server.Journal.Entries, e => e.Verb == "create" && e.Resource == "services" && e.StatusCode == 422);
        var outcome = Outcome(outcomes, "Service", "web");
        Assert.NotEqual(ItemRestoreAction.Created, outcome.Action);
        Assert.Equal(0, result.Record.Errors);
        Assert.DoesNotContain(result.Results.Errors.All(), m => m.Text.Contains("already allocated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServiceWhoseNodePortIsTakenByAnotherServiceFailsWithTheServersError()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        JsonObject Service(string name) => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = K8s.Meta(name, "shop"),
            ["spec"] = new JsonObject
            {
                ["type"] = "NodePort",
                ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["protocol"] = "TCP", ["nodePort"] = 30081 }),
            },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop")).AddItem("services", "shop", "web", Service("web")));
        h.Seed(Service("other"));
        var request = h.Request("b1", "r-svc2");
        request.Spec.PreserveNodePorts = true;

        var (result, outcomes) = await RunAsync(h, request);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        var error = Assert.Single(result.Results.Errors.Namespaces["shop"]);
        Assert.StartsWith("error restoring services/shop/web: ", error, StringComparison.Ordinal);
        Assert.Contains("provided port is already allocated", error, StringComparison.Ordinal);
        Assert.Equal(ItemRestoreAction.Failed, Outcome(outcomes, "Service", "web").Action);
        Assert.Contains("1 error", result.Record.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClaimAndItsRetainedVolumeAreRestoredWithBindingInfoReset()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var pv = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = K8s.Meta("pv-data"),
            ["spec"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["storage"] = "1Gi" },
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["persistentVolumeReclaimPolicy"] = "Retain",
                ["hostPath"] = new JsonObject { ["path"] = "/data" },
                ["claimRef"] = new JsonObject { ["kind"] = "PersistentVolumeClaim", ["namespace"] = "shop", ["name"] = "data", ["uid"] = "old-uid", ["resourceVersion"] = "42" },
            },
            ["status"] = new JsonObject { ["phase"] = "Bound" },
        };
        ((JsonObject)pv["metadata"]!)["annotations"] = new JsonObject { ["pv.kubernetes.io/bound-by-controller"] = "yes" };
        var pvc = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = K8s.Meta("data", "shop"),
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "1Gi" } },
                ["volumeName"] = "pv-data",
            },
            ["status"] = new JsonObject { ["phase"] = "Bound" },
        };
        ((JsonObject)pvc["metadata"]!)["annotations"] = new JsonObject { ["pv.kubernetes.io/bind-completed"] = "yes", ["volume.kubernetes.io/selected-node"] = "node-1" };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("persistentvolumes", string.Empty, "pv-data", pv)
            .AddItem("persistentvolumeclaims", "shop", "data", pvc));

        var (result, _) = await RunAsync(h, h.Request("b1", "r-pv"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var livePv = h.Server.Store.Get("persistentvolumes", null, "pv-data")!;
        Assert.Null(livePv["spec"]!["claimRef"]!["uid"]);
        Assert.Null(livePv["spec"]!["claimRef"]!["resourceVersion"]);
        Assert.Equal("shop", (string?)livePv["spec"]!["claimRef"]!["namespace"]);
        Assert.Null(livePv["metadata"]!["annotations"]?["pv.kubernetes.io/bound-by-controller"]);
        var livePvc = h.Server.Store.Get("persistentvolumeclaims", "shop", "data")!;
        Assert.Equal("pv-data", (string?)livePvc["spec"]!["volumeName"]);
        Assert.Null(livePvc["metadata"]!["annotations"]?["pv.kubernetes.io/bind-completed"]);
        Assert.Null(livePvc["metadata"]!["annotations"]?["volume.kubernetes.io/selected-node"]);
    }

    [Fact]
    public async Task AReleasedVolumeOfTheSameNameIsWaitedForBeforeTheRestore()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        var pv = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = K8s.Meta("pv-old"),
            ["spec"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["storage"] = "1Gi" },
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["persistentVolumeReclaimPolicy"] = "Retain",
                ["hostPath"] = new JsonObject { ["path"] = "/restored" },
            },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1").AddItem("persistentvolumes", string.Empty, "pv-old", pv));
        var released = (JsonObject)pv.DeepClone();
        ((JsonObject)released["spec"]!)["hostPath"] = new JsonObject { ["path"] = "/stale" };
        var stored = h.Seed(released);
        stored["status"] = new JsonObject { ["phase"] = "Released" };
        h.Server.Store.UpdateStatus(stored);
        _ = Task.Run(async () =>
        {
            await Task.Delay(1500);
            h.Server.Store.Delete("persistentvolumes", null, "pv-old");
        });

        var (result, outcomes) = await RunAsync(h, h.Request("b1", "r-released"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(ItemRestoreAction.Created, Outcome(outcomes, "PersistentVolume", "pv-old").Action);
        Assert.Equal("/restored", (string?)h.Server.Store.Get("persistentvolumes", null, "pv-old")!["spec"]!["hostPath"]!["path"]);
        Assert.Contains(h.Log.Entries, e => e.Message.Contains("released or being deleted; waiting", StringComparison.Ordinal));
    }

    internal static Task<JsonObject> ResourceListAsync(ExecutionHarness h, string restore) => StoredJsonAsync(h, h.Location!.Layout.RestoreResourceListKey(restore));

    private static async Task<JsonObject> StoredJsonAsync(ExecutionHarness h, string key)
    {
        var bytes = await Restore.Engine.Storage.ObjectStoreExtensions.ReadAllBytesAsync(h.Location!.Store, key, CancellationToken.None);
        return (JsonObject)GzipJson.Decode(bytes)!;
    }
}

using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>
/// Velero's ConfigMaps in the target cluster (docs/velero-compatibility.md#plugin-configmaps, #api-group-versions) and CSI
/// snapshots restored into a cluster (docs/velero-compatibility.md#csi-snapshots), through the engine against the test API server.
/// </summary>
public class VeleroConfigMapsTests
{
    private static JsonObject PluginConfigMap(string name, string plugin, params (string Key, string Value)[] data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "velero",
            ["labels"] = new JsonObject { ["velero.io/plugin-config"] = string.Empty, [plugin] = "RestoreItemAction" },
        },
        ["data"] = new JsonObject(data.Select(d => new System.Collections.Generic.KeyValuePair<string, JsonNode?>(d.Key, d.Value))),
    };

    private static JsonObject Claim(string ns, string name, string storageClass, JsonObject? annotations = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "PersistentVolumeClaim",
        ["metadata"] = annotations is null ? K8s.Meta(name, ns) : With(K8s.Meta(name, ns), "annotations", annotations),
        ["spec"] = new JsonObject
        {
            ["accessModes"] = new JsonArray("ReadWriteOnce"),
            ["storageClassName"] = storageClass,
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "1Gi" } },
        },
        ["status"] = new JsonObject { ["phase"] = "Pending" },
    };

    private static JsonObject With(JsonObject o, string key, JsonNode value)
    {
        o[key] = value;
        return o;
    }

    private static VeleroBackupBuilder WorkloadBackup()
    {
        var deployment = K8s.Deployment("shop", "web");
        deployment["spec"]!["template"]!["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.old.example/web:1" }),
            ["initContainers"] = new JsonArray(new JsonObject { ["name"] = "init", ["image"] = "quay.io/tools:2" }),
        };
        return new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("deployments.apps", "shop", "web", deployment)
            .AddItem("persistentvolumeclaims", "shop", "data", Claim("shop", "data", "gp2"))
            .AddItem("persistentvolumeclaims", "shop", "logs", Claim("shop", "logs", "standard"));
    }

    [Fact]
    public async Task PluginConfigMapsAreFoundByLabelAndParametersOverrideThemKeyByKey()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(WorkloadBackup());
        h.Seed(PluginConfigMap("storage-classes", "velero.io/change-storage-class", ("gp2", "gp3"), ("standard", "slow")));
        h.Seed(PluginConfigMap("images", "velero.io/change-image-name", ("case1", "registry.old.example,registry.cm.example"), ("case2", "quay.io, mirror.example")));
        foreach (var storageClass in new[] { "gp3", "fast" })
        {
            h.Seed(new JsonObject { ["apiVersion"] = "storage.k8s.io/v1", ["kind"] = "StorageClass", ["metadata"] = new JsonObject { ["name"] = storageClass }, ["provisioner"] = "x" });
        }

        var request = h.Request("b1", "r-plugins");
        request.Spec.StorageClassMapping = new() { ["standard"] = "fast" };
        request.Spec.ImageMapping = new() { ["registry.old.example"] = "registry.param.example" };

        var (result, _) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal("gp3", (string?)h.Server.Store.Get("persistentvolumeclaims", "shop", "data")!["spec"]!["storageClassName"]);
        Assert.Equal("fast", (string?)h.Server.Store.Get("persistentvolumeclaims", "shop", "logs")!["spec"]!["storageClassName"]);
        var template = h.Server.Store.Get("deployments", "shop", "web")!["spec"]!["template"]!["spec"]!;
        Assert.Equal("registry.param.example/web:1", (string?)template["containers"]![0]!["image"]);
        Assert.Equal("mirror.example/tools:2", (string?)template["initContainers"]![0]!["image"]);
        var messages = h.Log.Entries.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains("velero/storage-classes (velero.io/change-storage-class)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("velero/images (velero.io/change-image-name)", StringComparison.Ordinal));

        // The stored spec keeps what the user asked for; the ConfigMaps are the cluster's.
        Assert.Equal(new[] { "standard" }, result.Record.ReadSpec().StorageClassMapping!.Keys.ToArray());
    }

    [Fact]
    public async Task TwoConfigMapsForOnePluginFailTheTargetWithVelerosMessageBeforeAnythingIsWritten()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(WorkloadBackup());
        h.Seed(PluginConfigMap("nodes-a", "velero.io/change-pvc-node-selector", ("n1", "n2")));
        h.Seed(PluginConfigMap("nodes-b", "velero.io/change-pvc-node-selector", ("n1", "n3")));

        var (result, _) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-two"));

        Assert.Equal(RestorePhase.Failed, result.Phase);
        Assert.Contains(result.Results.Errors.All(), m => m.Text.Contains("found more than one ConfigMap matching label selector \"velero.io/plugin-config,velero.io/change-pvc-node-selector=RestoreItemAction\"", StringComparison.Ordinal) && m.Text.Contains("nodes-a nodes-b", StringComparison.Ordinal));
        Assert.Null(h.Server.Store.Get("deployments", "shop", "web"));
    }

    [Fact]
    public async Task AResourceModifierFileMayBeTheConfigMapManifest()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 2));
        var request = h.Request("b1", "r-cm-file");
        request.ResourceModifierDocument = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: rules
              namespace: velero
            data:
              rules.yaml: |
                version: v1
                resourceModifierRules:
                - conditions:
                    groupResource: configmaps
                    resourceNameRegex: "^cm-0001$"
                  patches:
                  - operation: replace
                    path: "/data/index"
                    value: "from-configmap-file"
            """;

        var (result, _) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal("from-configmap-file", (string?)h.Server.Store.Get("configmaps", "shop", "cm-0001")!["data"]!["index"]);
    }

    [Fact]
    public async Task ACsiClaimGetsAPreProvisionedContentFromItsHandleThenItsSnapshot()
    {
        await using var h = await ExecutionHarness.CreateAsync(configure: o => o.InstallVolumeSnapshotCrds = true);
        var claim = Claim("shop", "data", "csi-hostpath", new JsonObject { ["velero.io/volume-snapshot-name"] = "velero-data-abc" });
        var snapshot = new JsonObject
        {
            ["apiVersion"] = "snapshot.storage.k8s.io/v1",
            ["kind"] = "VolumeSnapshot",
            ["metadata"] = K8s.Meta("velero-data-abc", "shop"),
            ["spec"] = new JsonObject { ["source"] = new JsonObject { ["persistentVolumeClaimName"] = "data" }, ["volumeSnapshotClassName"] = "csi-snapclass" },
            ["status"] = new JsonObject { ["boundVolumeSnapshotContentName"] = "snapcontent-1", ["readyToUse"] = true },
        };
        var content = new JsonObject
        {
            ["apiVersion"] = "snapshot.storage.k8s.io/v1",
            ["kind"] = "VolumeSnapshotContent",
            ["metadata"] = K8s.Meta("snapcontent-1"),
            ["spec"] = new JsonObject
            {
                ["driver"] = "hostpath.csi.k8s.io",
                ["deletionPolicy"] = "Delete",
                ["source"] = new JsonObject { ["volumeHandle"] = "vol-1" },
                ["volumeSnapshotRef"] = new JsonObject { ["kind"] = "VolumeSnapshot", ["namespace"] = "shop", ["name"] = "velero-data-abc", ["uid"] = "u1" },
            },
            ["status"] = new JsonObject { ["snapshotHandle"] = "snap-handle-42", ["readyToUse"] = true },
        };
        await h.WriteBackupAsync(new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("persistentvolumeclaims", "shop", "data", claim)
            .AddItem("volumesnapshots.snapshot.storage.k8s.io", "shop", "velero-data-abc", snapshot)
            .AddItem("volumesnapshotcontents.snapshot.storage.k8s.io", string.Empty, "snapcontent-1", content));
        var request = h.Request("b1", "r-csi");
        request.Spec.NamespaceMapping = new() { ["shop"] = "shop-copy" };

        var (result, _) = await ExistingObjectTests.RunAsync(h, request);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var restoredContent = Assert.Single(h.Server.Store.List("volumesnapshotcontents"));
        var name = (string)restoredContent["metadata"]!["name"]!;
        Assert.Equal("snap-handle-42", (string?)restoredContent["spec"]!["source"]!["snapshotHandle"]);
        Assert.Equal("Retain", (string?)restoredContent["spec"]!["deletionPolicy"]);
        Assert.Equal("shop-copy", (string?)restoredContent["spec"]!["volumeSnapshotRef"]!["namespace"]);
        Assert.Equal(name, (string?)restoredContent["spec"]!["volumeSnapshotRef"]!["name"]);
        var restoredSnapshot = h.Server.Store.Get("volumesnapshots", "shop-copy", name);
        Assert.NotNull(restoredSnapshot);
        Assert.Equal(name, (string?)restoredSnapshot!["spec"]!["source"]!["volumeSnapshotContentName"]);
        var restoredClaim = h.Server.Store.Get("persistentvolumeclaims", "shop-copy", "data")!;
        Assert.Equal(name, (string?)restoredClaim["spec"]!["dataSource"]!["name"]);
        Assert.Equal("VolumeSnapshot", (string?)restoredClaim["spec"]!["dataSource"]!["kind"]);
        Assert.Equal(0, result.Record.Warnings);
    }
}

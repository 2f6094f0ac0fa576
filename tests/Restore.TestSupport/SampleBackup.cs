using System;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;

namespace Restore.TestSupport;

/// <summary>
/// The small Velero-format backup committed under examples/backups (a local-folder storage location):
/// namespace <c>demo</c> with a Deployment, Service, ConfigMap, Secret (fake data), ServiceAccount and a bound
/// PVC, plus its PersistentVolume and a ClusterRole with <c>:</c> in its name. Fixed times make it reproducible;
/// regenerate with <c>dotnet run --project tests/Restore.Benchmark -- sample</c>.
/// </summary>
public static class SampleBackup
{
    /// <summary>The backup name.</summary>
    public const string Name = "sample";

    /// <summary>When the backup started.</summary>
    public static readonly DateTime Started = new(2025, 1, 15, 2, 0, 0, DateTimeKind.Utc);

    private const string PvName = "pvc-3f1c2a9e-5b7d-4e8a-9c0f-1a2b3c4d5e6f";

    /// <summary>The committed location: examples/backups in the repository.</summary>
    public static string CommittedLocation => Path.Combine(ToolLocator.RepoRoot, "examples", "backups");

    /// <summary>Builds the sample.</summary>
    public static VeleroBackupBuilder Create()
    {
        var created = Started.AddDays(-20);
        var builder = new VeleroBackupBuilder(Name)
            .WithUid("9b0e6c1d-2f3a-4b5c-8d7e-6f5a4b3c2d1e")
            .WithStartTimestamp(Started)
            .WithCreationTimestamp(Started)
            .WithCompletionTimestamp(Started.AddSeconds(12))
            .WithExpiration(Started.AddDays(30))
            .WithIncludedNamespaces("demo")
            .WithIncludeClusterResources(true)
            .WithVolumeInfo(
                "[{\"pvcName\":\"web-data\",\"pvcNamespace\":\"demo\",\"pvName\":\"" + PvName + "\",\"snapshotDataMoved\":false,\"skipped\":true," +
                "\"skippedReason\":\"skipped due to snapshotVolumes is false\",\"startTimestamp\":\"" + Time(Started) + "\"," +
                "\"pvInfo\":{\"reclaimPolicy\":\"Delete\",\"labels\":{}}}]");

        builder.AddItem("clusterroles.rbac.authorization.k8s.io", string.Empty, "demo:web-reader", new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "ClusterRole",
            ["metadata"] = Meta("demo:web-reader", null, "c1a8e2f0-0001-4000-8000-000000000001", "1201", created),
            ["rules"] = new JsonArray(new JsonObject
            {
                ["apiGroups"] = new JsonArray(""),
                ["resources"] = new JsonArray("configmaps", "services"),
                ["verbs"] = new JsonArray("get", "list", "watch"),
            }),
        });
        builder.AddItem("configmaps", "demo", "web-config", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = Meta("web-config", "demo", "c1a8e2f0-0002-4000-8000-000000000002", "1202", created, ("app", "web")),
            ["data"] = new JsonObject { ["index.html"] = "<h1>Hello from the demo namespace</h1>\n" },
        });
        builder.AddItem("deployments.apps", "demo", "web", Deployment(created));
        builder.AddItem("namespaces", string.Empty, "demo", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = Meta("demo", null, "c1a8e2f0-0004-4000-8000-000000000004", "1100", created, ("kubernetes.io/metadata.name", "demo")),
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        });
        builder.AddItem("persistentvolumeclaims", "demo", "web-data", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = Annotated(
                Meta("web-data", "demo", "3f1c2a9e-5b7d-4e8a-9c0f-1a2b3c4d5e6f", "1205", created, ("app", "web")),
                ("pv.kubernetes.io/bind-completed", "yes"),
                ("pv.kubernetes.io/bound-by-controller", "yes"),
                ("volume.beta.kubernetes.io/storage-provisioner", "hostpath.csi.k8s.io"),
                ("volume.kubernetes.io/storage-provisioner", "hostpath.csi.k8s.io")),
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "1Gi" } },
                ["storageClassName"] = "standard",
                ["volumeMode"] = "Filesystem",
                ["volumeName"] = PvName,
            },
            ["status"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["capacity"] = new JsonObject { ["storage"] = "1Gi" },
                ["phase"] = "Bound",
            },
        });
        builder.AddItem("persistentvolumes", string.Empty, PvName, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = Annotated(Meta(PvName, null, "c1a8e2f0-0006-4000-8000-000000000006", "1206", created), ("pv.kubernetes.io/provisioned-by", "hostpath.csi.k8s.io")),
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["capacity"] = new JsonObject { ["storage"] = "1Gi" },
                ["claimRef"] = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "PersistentVolumeClaim",
                    ["name"] = "web-data",
                    ["namespace"] = "demo",
                    ["resourceVersion"] = "1203",
                    ["uid"] = "3f1c2a9e-5b7d-4e8a-9c0f-1a2b3c4d5e6f",
                },
                ["csi"] = new JsonObject { ["driver"] = "hostpath.csi.k8s.io", ["volumeHandle"] = "7d0c9e5a-demo-web-data" },
                ["persistentVolumeReclaimPolicy"] = "Delete",
                ["storageClassName"] = "standard",
                ["volumeMode"] = "Filesystem",
            },
            ["status"] = new JsonObject { ["phase"] = "Bound" },
        });
        builder.AddItem("secrets", "demo", "web-credentials", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = Meta("web-credentials", "demo", "c1a8e2f0-0007-4000-8000-000000000007", "1207", created, ("app", "web")),
            ["type"] = "Opaque",
            // Fake values for the example: "demo" and "not-a-real-password".
            ["data"] = new JsonObject
            {
                ["password"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("not-a-real-password")),
                ["username"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("demo")),
            },
        });
        builder.AddItem("serviceaccounts", "demo", "web", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ServiceAccount",
            ["metadata"] = Meta("web", "demo", "c1a8e2f0-0008-4000-8000-000000000008", "1208", created, ("app", "web")),
        });
        builder.AddItem("services", "demo", "web", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = Meta("web", "demo", "c1a8e2f0-0009-4000-8000-000000000009", "1209", created, ("app", "web")),
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = "10.96.42.17",
                ["clusterIPs"] = new JsonArray("10.96.42.17"),
                ["internalTrafficPolicy"] = "Cluster",
                ["ipFamilies"] = new JsonArray("IPv4"),
                ["ipFamilyPolicy"] = "SingleStack",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP", ["targetPort"] = 8080 }),
                ["selector"] = new JsonObject { ["app"] = "web" },
                ["sessionAffinity"] = "None",
                ["type"] = "ClusterIP",
            },
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
        });
        return builder;
    }

    /// <summary>Writes the sample into a local-folder location (examples/backups by default).</summary>
    public static void Write(string? folder = null) => Create().WriteToFolder(folder ?? CommittedLocation);

    private static JsonObject Deployment(DateTime created) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = Annotated(Meta("web", "demo", "c1a8e2f0-0003-4000-8000-000000000003", "1210", created, ("app", "web")), ("deployment.kubernetes.io/revision", "1")),
        ["spec"] = new JsonObject
        {
            ["progressDeadlineSeconds"] = 600,
            ["replicas"] = 2,
            ["revisionHistoryLimit"] = 10,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
            ["strategy"] = new JsonObject
            {
                ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" },
                ["type"] = "RollingUpdate",
            },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["envFrom"] = new JsonArray(new JsonObject { ["secretRef"] = new JsonObject { ["name"] = "web-credentials" } }),
                        ["image"] = "nginxinc/nginx-unprivileged:1.27",
                        ["imagePullPolicy"] = "IfNotPresent",
                        ["name"] = "web",
                        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "TCP" }),
                        ["volumeMounts"] = new JsonArray(
                            new JsonObject { ["mountPath"] = "/usr/share/nginx/html", ["name"] = "content" },
                            new JsonObject { ["mountPath"] = "/data", ["name"] = "data" }),
                    }),
                    ["restartPolicy"] = "Always",
                    ["serviceAccountName"] = "web",
                    ["volumes"] = new JsonArray(
                        new JsonObject { ["configMap"] = new JsonObject { ["name"] = "web-config" }, ["name"] = "content" },
                        new JsonObject { ["name"] = "data", ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "web-data" } }),
                },
            },
        },
        ["status"] = new JsonObject
        {
            ["availableReplicas"] = 2,
            ["observedGeneration"] = 1,
            ["readyReplicas"] = 2,
            ["replicas"] = 2,
            ["updatedReplicas"] = 2,
        },
    };

    private static JsonObject Meta(string name, string? @namespace, string uid, string resourceVersion, DateTime created, params (string Key, string Value)[] labels)
    {
        var meta = new JsonObject { ["name"] = name };
        if (@namespace is not null)
        {
            meta["namespace"] = @namespace;
        }

        meta["uid"] = uid;
        meta["resourceVersion"] = resourceVersion;
        meta["creationTimestamp"] = Time(created);
        if (labels.Length > 0)
        {
            var map = new JsonObject();
            foreach (var (key, value) in labels)
            {
                map[key] = value;
            }

            meta["labels"] = map;
        }

        return meta;
    }

    private static JsonObject Annotated(JsonObject meta, params (string Key, string Value)[] annotations)
    {
        var map = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            map[key] = value;
        }

        meta["annotations"] = map;
        return meta;
    }

    private static string Time(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

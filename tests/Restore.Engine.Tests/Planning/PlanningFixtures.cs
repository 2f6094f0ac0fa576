using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using Restore.Engine.Actions;
using Restore.Engine.Archive;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;

namespace Restore.Engine.Tests.Planning;

/// <summary>Builds backups in memory the way the archive reader fills <see cref="BackupContents"/>.</summary>
internal sealed class TestBackup
{
    public BackupContents Contents { get; } = new();

    /// <summary>Adds an item at its unversioned path (and, optionally, a preferred-version copy).</summary>
    public TestBackup Add(string groupResource, JsonObject obj, string? preferredVersion = null)
    {
        var ns = obj["metadata"]?["namespace"]?.GetValue<string>() ?? string.Empty;
        var name = obj["metadata"]!["name"]!.GetValue<string>();
        if (groupResource == "namespaces" || IsClusterScoped(groupResource))
        {
            ns = string.Empty;
        }

        var bytes = Encoding.UTF8.GetBytes(obj.ToJsonString());
        Contents.Add(BackupContents.ItemPath(groupResource, ns, name), bytes);
        if (preferredVersion is not null)
        {
            var scope = ns.Length == 0 ? "cluster" : "namespaces/" + ns;
            Contents.Add($"resources/{groupResource}/{preferredVersion}-preferredversion/{scope}/{name}.json", bytes);
        }

        return this;
    }

    public TestBackup AddRaw(string path, string text)
    {
        Contents.Add(path, Encoding.UTF8.GetBytes(text));
        return this;
    }

    private static bool IsClusterScoped(string gr) =>
        StaticResourceCatalog.CreateDefault().FindByGroupResource(gr) is { Namespaced: false };
}

/// <summary>Small JSON object builders.</summary>
internal static class K8s
{
    public static JsonObject Obj(string apiVersion, string kind, string? ns, string name, IDictionary<string, string>? labels = null, JsonObject? spec = null, JsonObject? status = null)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["uid"] = "uid-" + name,
            ["resourceVersion"] = "123",
            ["creationTimestamp"] = "2024-05-01T10:00:00Z",
        };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (labels is not null)
        {
            var l = new JsonObject();
            foreach (var kv in labels)
            {
                l[kv.Key] = kv.Value;
            }

            metadata["labels"] = l;
        }

        var o = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        if (spec is not null)
        {
            o["spec"] = spec;
        }

        if (status is not null)
        {
            o["status"] = status;
        }

        return o;
    }

    public static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

    public static JsonObject ConfigMap(string ns, string name, IDictionary<string, string>? labels = null) => Obj("v1", "ConfigMap", ns, name, labels);

    public static JsonObject Secret(string ns, string name) => Obj("v1", "Secret", ns, name);

    public static JsonObject Pod(string ns, string name, IDictionary<string, string>? labels = null, string? phase = "Running", JsonObject? spec = null) =>
        Obj("v1", "Pod", ns, name, labels, spec ?? new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "nginx" }) }, phase is null ? null : new JsonObject { ["phase"] = phase });

    public static JsonObject Namespace(string name, IDictionary<string, string>? labels = null) => Obj("v1", "Namespace", null, name, labels, new JsonObject { ["finalizers"] = new JsonArray("kubernetes") }, new JsonObject { ["phase"] = "Active" });

    public static JsonObject Deployment(string ns, string name, IDictionary<string, string>? labels = null) =>
        Obj("apps/v1", "Deployment", ns, name, labels, new JsonObject { ["replicas"] = 1 }, new JsonObject { ["readyReplicas"] = 1 });

    public static JsonObject Pvc(string ns, string name, string? volumeName, string phase = "Bound", IDictionary<string, string>? labels = null)
    {
        var spec = new JsonObject { ["accessModes"] = new JsonArray("ReadWriteOnce") };
        if (volumeName is not null)
        {
            spec["volumeName"] = volumeName;
        }

        return Obj("v1", "PersistentVolumeClaim", ns, name, labels, spec, new JsonObject { ["phase"] = phase });
    }

    public static JsonObject Pv(string name, string reclaimPolicy, string? claimNs = null, string? claimName = null)
    {
        var spec = new JsonObject { ["persistentVolumeReclaimPolicy"] = reclaimPolicy, ["capacity"] = new JsonObject { ["storage"] = "1Gi" } };
        if (claimNs is not null)
        {
            spec["claimRef"] = new JsonObject { ["namespace"] = claimNs, ["name"] = claimName, ["uid"] = "claim-uid", ["resourceVersion"] = "7" };
        }

        return Obj("v1", "PersistentVolume", null, name, null, spec, new JsonObject { ["phase"] = "Bound" });
    }

    public static JsonObject Crd(string group, string plural, string kind, string scope = "Namespaced", params string[] versions)
    {
        var vs = new JsonArray();
        foreach (var v in versions.Length == 0 ? new[] { "v1" } : versions)
        {
            vs.Add(new JsonObject { ["name"] = v, ["served"] = true, ["storage"] = true, ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object" } } });
        }

        return Obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", null, plural + "." + group, null, new JsonObject
        {
            ["group"] = group,
            ["names"] = new JsonObject { ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["kind"] = kind, ["shortNames"] = new JsonArray(plural.Substring(0, 2)) },
            ["scope"] = scope,
            ["versions"] = vs,
        });
    }
}

/// <summary>Runs the planner with test defaults.</summary>
internal static class Planner
{
    public static RestorePlan Plan(
        TestBackup backup,
        RestoreSpec spec,
        IResourceCatalog? catalog = null,
        RestoreItemActionRegistry? actions = null,
        IClusterState? cluster = null,
        bool live = false,
        string restoreName = "r1",
        BackupVolumeData? volumes = null,
        string? formatVersion = "1.1.0",
        string? modifierRules = null)
    {
        spec.BackupName ??= "b1";
        var request = new RestorePlanRequest(backup.Contents, spec, catalog ?? BackupResourceCatalog.Create(backup.Contents))
        {
            RestoreName = restoreName,
            Actions = actions ?? RestoreItemActionRegistry.Default,
            Cluster = cluster,
            CatalogIsLive = live,
            BackupVolumes = volumes ?? BackupVolumeData.Empty,
            BackupFormatVersion = formatVersion,
            ResourceModifiers = modifierRules is null ? null : Restore.Engine.Planning.Modifiers.ResourceModifierSet.Parse(modifierRules),
            CloneNameFactory = () => "velero-clone-test",
        };
        return new RestorePlanner().Plan(request, CancellationToken.None);
    }

    public static IEnumerable<PlannedItem> Created(this RestorePlan plan) => plan.Items.Where(i => i.Decision == PlanDecision.Create);

    public static PlannedItem Item(this RestorePlan plan, string groupResource, string name) =>
        plan.Items.Where(i => i.GroupResource == groupResource && i.Name == name && !i.IsNamespace)
            .OrderBy(i => i.IsAdditionalItem && i.ResourceListAction is null ? 1 : 0)
            .First();

    public static PlannedItem Namespace(this RestorePlan plan, string target) =>
        plan.Items.Single(i => i.IsNamespace && i.TargetName == target);

    public static JsonObject Object(this PlannedItem item) => item.ParseObject() ?? throw new InvalidOperationException("no object for " + item);

    /// <summary>Creation order as "gr/name" (namespaces as "ns:name").</summary>
    public static List<string> Order(this RestorePlan plan) =>
        plan.Created().OrderBy(i => i.Order).Select(i => i.IsNamespace ? "ns:" + i.TargetName : i.GroupResource + "/" + i.Name).ToList();
}

/// <summary>An action registry with one test action.</summary>
internal sealed class TestAction : IRestoreItemAction
{
    private readonly string resource;
    private readonly Func<RestoreItemActionContext, RestoreItemActionResult> execute;

    public TestAction(string name, string resource, Func<RestoreItemActionContext, RestoreItemActionResult> execute)
    {
        Name = name;
        this.resource = resource;
        this.execute = execute;
    }

    public string Name { get; }

    public bool AppliesTo(string groupResource) => groupResource == resource;

    public RestoreItemActionResult Execute(RestoreItemActionContext context) => execute(context);
}

/// <summary>A cluster view for tests.</summary>
internal sealed class FakeCluster : IClusterState
{
    public HashSet<string> PersistentVolumes { get; } = new();

    public Dictionary<string, List<string>> ServiceAccounts { get; } = new();

    public HashSet<string> StorageClasses { get; } = new();

    public IReadOnlyCollection<string> GetServiceAccountNames(string @namespace) =>
        ServiceAccounts.TryGetValue(@namespace, out var list) ? list : new List<string>();

    public bool PersistentVolumeExists(string name) => PersistentVolumes.Contains(name);

    public bool StorageClassExists(string name) => StorageClasses.Contains(name);
}

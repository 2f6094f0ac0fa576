using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>Restore order, tiers, streaming and results (docs/velero-compatibility.md#resource-order, #results-file).</summary>
public class RestorePlannerOrderTests
{
    private static TestBackup Mixed() => new TestBackup()
        .Add("statefulsets.apps", K8s.Obj("apps/v1", "StatefulSet", "a", "db"))
        .Add("ingresses.networking.k8s.io", K8s.Obj("networking.k8s.io/v1", "Ingress", "a", "web"))
        .Add("deployments.apps", K8s.Deployment("a", "web"))
        .Add("daemonsets.apps", K8s.Obj("apps/v1", "DaemonSet", "a", "agent"))
        .Add("cronjobs.batch", K8s.Obj("batch/v1", "CronJob", "a", "nightly"))
        .Add("services", K8s.Obj("v1", "Service", "a", "web"))
        .Add("secrets", K8s.Secret("a", "s"))
        .Add("configmaps", K8s.ConfigMap("a", "cfg"))
        .Add("volumesnapshotclasses.snapshot.storage.k8s.io", K8s.Obj("snapshot.storage.k8s.io/v1", "VolumeSnapshotClass", null, "csi"))
        .Add("storageclasses.storage.k8s.io", K8s.Obj("storage.k8s.io/v1", "StorageClass", null, "fast"))
        .Add("clusters.cluster.x-k8s.io", K8s.Obj("cluster.x-k8s.io/v1beta1", "Cluster", "a", "c1"));

    [Fact]
    public void Default_order_high_then_byte_wise_middle_then_low() // docs/velero-compatibility.md#resource-order, #default-priorities
    {
        var plan = Planner.Plan(Mixed(), new RestoreSpec());
        Assert.Equal(new[]
        {
            "storageclasses.storage.k8s.io/fast",
            "volumesnapshotclasses.snapshot.storage.k8s.io/csi",
            "ns:a",
            "secrets/s",
            "configmaps/cfg",
            "services/web",
            "cronjobs.batch/nightly",
            "daemonsets.apps/agent",
            "deployments.apps/web",
            "ingresses.networking.k8s.io/web",
            "statefulsets.apps/db",
            "clusters.cluster.x-k8s.io/c1",
        }, plan.Order());
        Assert.Equal(PriorityGroup.Low, plan.Item("clusters.cluster.x-k8s.io", "c1").PriorityGroup);
        Assert.Equal(PriorityGroup.Default, plan.Item("cronjobs.batch", "nightly").PriorityGroup);
        Assert.Equal(PriorityGroup.High, plan.Item("secrets", "s").PriorityGroup);
    }

    [Fact]
    public void Raw_string_duplicates_are_walked_once()
    {
        var plan = Planner.Plan(Mixed(), new RestoreSpec());
        var storage = plan.ResourceOrder.Where(e => e.GroupResource == "storageclasses.storage.k8s.io").ToList();
        Assert.Equal(new[] { "storageclasses", "storageclasses.storage.k8s.io" }, storage.Select(e => e.Entry));
        Assert.Equal(new[] { "selected", "already processed" }, storage.Select(e => e.Outcome));
        Assert.Single(plan.Tiers, t => t.GroupResource == "storageclasses.storage.k8s.io");
        Assert.Contains(plan.ResourceOrder, e => e.Entry == "volumesnapshotclass.snapshot.storage.k8s.io" && e.GroupResource == "volumesnapshotclasses.snapshot.storage.k8s.io" && e.Outcome == "selected");
        Assert.Contains(plan.ResourceOrder, e => e.Entry == "pods" && e.Outcome == "not in backup");
    }

    [Fact]
    public void Tiers_list_each_restored_resource_once_with_counts()
    {
        var plan = Planner.Plan(Mixed(), new RestoreSpec());
        Assert.Equal(Enumerable.Range(0, plan.Tiers.Count), plan.Tiers.Select(t => t.Index));
        Assert.DoesNotContain(plan.Tiers, t => t.PriorityGroup == PriorityGroup.CustomResourceDefinitions); // no CRDs in this backup
        var secrets = plan.Tiers.Single(t => t.GroupResource == "secrets");
        Assert.Equal(2, secrets.ItemCount); // the namespace is ensured in the first tier that needs it
        Assert.All(plan.Created(), i => Assert.Equal(plan.Tiers[i.TierIndex].GroupResource, i.TierName));
        var orders = plan.Created().Select(i => i.Order).ToList();
        Assert.Equal(Enumerable.Range(1, orders.Count), orders);
        Assert.True(plan.Created().Zip(plan.Created().Skip(1), (x, y) => x.TierIndex <= y.TierIndex).All(ok => ok));
    }

    [Fact]
    public void Custom_priorities_replace_the_high_list_but_crds_stay_first()
    {
        var b = Mixed().Add("customresourcedefinitions.apiextensions.k8s.io", K8s.Crd("example.com", "widgets", "Widget"));
        var plan = Planner.Plan(b, new RestoreSpec { ResourcePriorities = new List<string> { "deploy", "cm" } });
        var order = plan.Order();
        Assert.Equal("customresourcedefinitions.apiextensions.k8s.io/widgets.example.com", order[0]);
        Assert.Equal(new[] { "ns:a", "deployments.apps/web", "configmaps/cfg", "cronjobs.batch/nightly" }, order.Skip(1).Take(4));
        Assert.Equal("clusters.cluster.x-k8s.io/c1", order.Last()); // the default low list stays
    }

    [Fact]
    public void Namespaces_within_a_resource_come_in_byte_wise_order_and_names_in_file_order() // docs/velero-compatibility.md#resource-order (ours is deterministic)
    {
        var b = new TestBackup()
            .Add("configmaps", K8s.ConfigMap("zeta", "b"))
            .Add("configmaps", K8s.ConfigMap("Alpha", "x"))
            .Add("configmaps", K8s.ConfigMap("zeta", "a"))
            .Add("configmaps", K8s.ConfigMap("alpha", "y"));
        var plan = Planner.Plan(b, new RestoreSpec());
        Assert.Equal(new[] { "Alpha/x", "alpha/y", "zeta/a", "zeta/b" }, plan.Created().Where(i => !i.IsNamespace).Select(i => i.SourceNamespace + "/" + i.Name));
    }

    [Fact]
    public void Results_counts_follow_velero_rule_and_warnings_alone_do_not_fail() // docs/velero-compatibility.md#results-file
    {
        var pod = K8s.Pod("a", "web-0");
        pod["spec"]!["priorityClassName"] = "missing";
        var b = new TestBackup()
            .Add("pods", pod)
            .AddRaw("resources/configmaps/namespaces/b/bad.json", "x")
            .AddRaw("resources/storageclasses.storage.k8s.io/cluster/bad.json", "x");
        var warningsOnly = Planner.Plan(new TestBackup().Add("pods", pod), new RestoreSpec());
        Assert.Equal(1, warningsOnly.Summary.Warnings);
        Assert.Equal(0, warningsOnly.Summary.Errors);

        var plan = Planner.Plan(b, new RestoreSpec());
        var errors = plan.Results.Errors;
        Assert.Equal(errors.Velero.Count + errors.Cluster.Count + errors.Namespaces.Values.Sum(l => l.Count), plan.Summary.Errors);
        Assert.Equal(2, plan.Summary.Errors);
        Assert.Single(errors.Cluster);
        Assert.Single(errors.Namespaces["b"]);
        Assert.Equal(plan.Items.Sum(i => i.Errors.Count), plan.Summary.Errors);
    }

    [Fact]
    public void Summary_counts_every_item()
    {
        var plan = Planner.Plan(Mixed().Add("pods", K8s.Pod("a", "done", phase: "Succeeded")), new RestoreSpec { ExcludedResources = new List<string> { "secrets" } });
        var s = plan.Summary;
        Assert.Equal(12, s.BackupItems);
        Assert.Equal(10, s.ToCreate);
        Assert.Equal(1, s.NamespacesToEnsure);
        Assert.Equal(1, s.Excluded);
        Assert.Equal(1, s.Skipped);
        Assert.Equal(0, s.Failed);
        Assert.Equal(11, s.ResourceListEntries);
        Assert.Equal(s.ResourceListEntries, plan.PredictedResourceList().Values.Sum(l => l.Count));
    }

    [Fact]
    public void Predicted_resource_list_matches_velero_layout()
    {
        var plan = Planner.Plan(Mixed(), new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } });
        var list = plan.PredictedResourceList();
        Assert.Equal(new[] { "b/web(created)" }, list["apps/v1/Deployment"]);
        Assert.Equal(new[] { "b(created)" }, list["v1/Namespace"]);
        Assert.Equal(new[] { "fast(created)" }, list["storage.k8s.io/v1/StorageClass"]);
        Assert.Equal(list.Keys.OrderBy(k => k, StringComparer.Ordinal), list.Keys);
    }

    [Fact]
    public void Streaming_produces_the_same_items_lazily_and_only_once()
    {
        var b = Mixed();
        var request = new RestorePlanRequest(b.Contents, new RestoreSpec { BackupName = "b1" }, BackupResourceCatalog.Create(b.Contents)) { RestoreName = "r1" };
        var stream = new RestorePlanner().Stream(request, CancellationToken.None);
        Assert.False(stream.IsComplete);
        var first = stream.Take(1).ToList();
        Assert.Single(first);
        Assert.Throws<InvalidOperationException>(() => stream.GetEnumerator());

        var full = new RestorePlanner().Stream(request, CancellationToken.None).Select(i => i.ToString()).ToList();
        var planned = new RestorePlanner().Plan(request, CancellationToken.None).Items.Select(i => i.ToString()).ToList();
        Assert.Equal(planned, full);
    }

    [Fact]
    public void Summary_only_plans_drop_objects()
    {
        var b = Mixed();
        var request = new RestorePlanRequest(b.Contents, new RestoreSpec { BackupName = "b1" }, BackupResourceCatalog.Create(b.Contents)) { RetainObjects = false };
        var plan = new RestorePlanner().Plan(request, CancellationToken.None);
        Assert.All(plan.Items, i => Assert.Null(i.ObjectUtf8));
        Assert.Equal(11, plan.Summary.ToCreate);
    }

    [Fact]
    public void Cancellation_stops_planning()
    {
        var b = Mixed();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var request = new RestorePlanRequest(b.Contents, new RestoreSpec { BackupName = "b1" }, BackupResourceCatalog.Create(b.Contents));
        Assert.ThrowsAny<OperationCanceledException>(() => new RestorePlanner().Plan(request, cts.Token));
    }

    [Fact]
    public void Api_group_versions_choose_the_target_preferred_version_from_the_backup() // docs/velero-compatibility.md#api-group-versions
    {
        var v1 = K8s.Obj("autoscaling/v1", "HorizontalPodAutoscaler", "a", "hpa");
        var v2 = K8s.Obj("autoscaling/v2", "HorizontalPodAutoscaler", "a", "hpa");
        var b = new TestBackup().Add("horizontalpodautoscalers.autoscaling", v1, preferredVersion: "v1");
        b.AddRaw("resources/horizontalpodautoscalers.autoscaling/v2/namespaces/a/hpa.json", v2.ToJsonString());

        var on = Planner.Plan(b, new RestoreSpec { EnableApiGroupVersions = true });
        Assert.Equal("autoscaling/v2", on.Item("horizontalpodautoscalers.autoscaling", "hpa").Object()["apiVersion"]!.GetValue<string>());
        Assert.Equal("resources/horizontalpodautoscalers.autoscaling/v2/namespaces/a/hpa.json", on.Item("horizontalpodautoscalers.autoscaling", "hpa").Path);
        Assert.Equal("v2", on.ChosenVersions["horizontalpodautoscalers.autoscaling"].Directory);

        var off = Planner.Plan(b, new RestoreSpec()); // docs/velero-compatibility.md#api-group-versions
        Assert.Equal("autoscaling/v1", off.Item("horizontalpodautoscalers.autoscaling", "hpa").Object()["apiVersion"]!.GetValue<string>());

        var old = Planner.Plan(b, new RestoreSpec { EnableApiGroupVersions = true }, formatVersion: "1.0.0"); // docs/velero-compatibility.md#api-group-versions
        Assert.Equal("autoscaling/v1", old.Item("horizontalpodautoscalers.autoscaling", "hpa").Object()["apiVersion"]!.GetValue<string>());
        Assert.Contains(old.Notes, n => n.Contains("older than 1.1.0"));

        var user = Planner.Plan(b, new RestoreSpec { EnableApiGroupVersions = true, ApiGroupVersionPriorities = new Dictionary<string, List<string>> { ["horizontalpodautoscalers.autoscaling"] = new() { "v1" } } });
        Assert.Equal("v1-preferredversion", user.ChosenVersions["horizontalpodautoscalers.autoscaling"].Directory);
        Assert.Equal("autoscaling/v1", user.Item("horizontalpodautoscalers.autoscaling", "hpa").Object()["apiVersion"]!.GetValue<string>());
    }

    [Fact]
    public void A_group_resource_with_only_versioned_directories_has_no_items() // docs/velero-compatibility.md#tarball-paths
    {
        var b = new TestBackup().AddRaw("resources/configmaps/v1-preferredversion/namespaces/a/cfg.json", K8s.ConfigMap("a", "cfg").ToJsonString());
        var plan = Planner.Plan(b, new RestoreSpec { EnableApiGroupVersions = true });
        Assert.Empty(plan.Items);
    }

    [Fact]
    public void Planning_logs_its_decisions()
    {
        var b = Mixed();
        var log = new ListLog();
        var request = new RestorePlanRequest(b.Contents, new RestoreSpec { BackupName = "b1", IncludedNamespaces = new List<string> { "a" } }, BackupResourceCatalog.Create(b.Contents)) { Log = log };
        new RestorePlanner().Plan(request, CancellationToken.None);
        Assert.Contains(log.Entries, e => e.StartsWith("Info: Starting restore of backup b1", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Contains("because it's cluster-scoped"));
    }
}

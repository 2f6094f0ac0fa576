using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Actions;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>The per-item pipeline (docs/velero-compatibility.md#item-steps).</summary>
public class RestorePlannerItemTests
{
    private static JsonObject PodWithClaim(string ns, string name, string claim, IDictionary<string, string>? labels = null)
    {
        var pod = K8s.Pod(ns, name, labels);
        pod["spec"]!["volumes"] = new JsonArray(new JsonObject { ["name"] = "data", ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = claim } });
        return pod;
    }

    [Fact]
    public void Restored_objects_lose_server_metadata_and_status_but_keep_finalizers_and_managed_fields() // docs/velero-compatibility.md#item-steps
    {
        var cm = K8s.ConfigMap("a", "cfg");
        var meta = (JsonObject)cm["metadata"]!;
        meta["ownerReferences"] = new JsonArray(new JsonObject { ["kind"] = "X", ["name"] = "x", ["uid"] = "u" });
        meta["finalizers"] = new JsonArray("keep/me");
        meta["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "kubectl" });
        meta["generation"] = 3;
        meta["selfLink"] = "/api/v1/x";
        meta["generateName"] = "cfg-";
        meta["deletionTimestamp"] = "2024-01-01T00:00:00Z";
        meta["deletionGracePeriodSeconds"] = 30;
        cm["status"] = new JsonObject { ["x"] = 1 };
        var plan = Planner.Plan(new TestBackup().Add("configmaps", cm), new RestoreSpec());
        var sent = plan.Item("configmaps", "cfg").Object();
        var m = (JsonObject)sent["metadata"]!;
        foreach (var gone in new[] { "uid", "resourceVersion", "ownerReferences", "generation", "selfLink", "generateName", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds" })
        {
            Assert.False(m.ContainsKey(gone), gone);
        }

        Assert.False(sent.ContainsKey("status"));
        Assert.Equal("keep/me", m["finalizers"]![0]!.GetValue<string>());
        Assert.Equal("kubectl", m["managedFields"]![0]!["manager"]!.GetValue<string>());
        Assert.Equal("b1", m["labels"]![RestoreLabels.BackupName]!.GetValue<string>());
        Assert.Equal("r1", m["labels"]![RestoreLabels.RestoreName]!.GetValue<string>());
    }

    [Fact]
    public void Long_restore_and_backup_names_are_shortened_in_labels() // docs/velero-compatibility.md#restore-labels
    {
        var longName = new string('x', 64);
        var plan = Planner.Plan(new TestBackup().Add("configmaps", K8s.ConfigMap("a", "cfg")), new RestoreSpec { BackupName = longName }, restoreName: longName + "-r");
        var labels = plan.Item("configmaps", "cfg").Object()["metadata"]!["labels"]!;
        Assert.Equal(RestoreLabels.GetValidName(longName), labels[RestoreLabels.BackupName]!.GetValue<string>());
        Assert.Equal(63, labels[RestoreLabels.RestoreName]!.GetValue<string>().Length);
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    public void Completed_pods_are_skipped_and_not_listed(string phase) // docs/velero-compatibility.md#item-steps
    {
        var plan = Planner.Plan(new TestBackup().Add("pods", K8s.Pod("a", "done", phase: phase)), new RestoreSpec());
        var pod = plan.Item("pods", "done");
        Assert.Equal(PlanDecision.Skipped, pod.Decision);
        Assert.Null(pod.ResourceListAction);
        Assert.False(plan.PredictedResourceList().ContainsKey("v1/Pod"));
    }

    [Fact]
    public void Finished_jobs_are_skipped() // docs/velero-compatibility.md#item-steps
    {
        var job = K8s.Obj("batch/v1", "Job", "a", "once", null, new JsonObject { ["template"] = new JsonObject() }, new JsonObject { ["completionTime"] = "2024-05-01T10:00:00Z" });
        var running = K8s.Obj("batch/v1", "Job", "a", "running", null, new JsonObject { ["template"] = new JsonObject() }, new JsonObject { ["completionTime"] = "" });
        var plan = Planner.Plan(new TestBackup().Add("jobs.batch", job).Add("jobs.batch", running), new RestoreSpec());
        Assert.Equal(PlanDecision.Skipped, plan.Item("jobs.batch", "once").Decision);
        Assert.Equal(PlanDecision.Create, plan.Item("jobs.batch", "running").Decision);
    }

    [Fact]
    public void A_malformed_phase_is_an_error()
    {
        var pod = K8s.Pod("a", "odd", phase: null);
        pod["status"] = new JsonObject { ["phase"] = 3 };
        var plan = Planner.Plan(new TestBackup().Add("pods", pod), new RestoreSpec());
        Assert.StartsWith("error checking completion of \"pods/a/odd\"", plan.Results.Errors.Namespaces["a"][0]);
    }

    [Fact]
    public void Mirror_pods_are_skipped_and_listed_as_skipped() // docs/velero-compatibility.md#item-steps
    {
        var pod = K8s.Pod("kube-system", "etcd");
        pod["metadata"]!["annotations"] = new JsonObject { ["kubernetes.io/config.mirror"] = "abc" };
        var plan = Planner.Plan(new TestBackup().Add("pods", pod), new RestoreSpec());
        Assert.Equal("kube-system/etcd(skipped)", plan.Item("pods", "etcd").ResourceListEntry);
        Assert.Equal(PlanDecision.Skipped, plan.Item("pods", "etcd").Decision);
    }

    [Fact]
    public void A_pod_selected_by_labels_pulls_in_its_claim_and_volume() // docs/velero-compatibility.md#filter-bypass
    {
        var b = new TestBackup()
            .Add("pods", PodWithClaim("a", "web-0", "data", K8s.Labels("app=web")))
            .Add("persistentvolumeclaims", K8s.Pvc("a", "data", "pv-1"))
            .Add("persistentvolumes", K8s.Pv("pv-1", "Retain", "a", "data"));
        var plan = Planner.Plan(b, new RestoreSpec { LabelSelector = new LabelSelectorSpec { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } });
        Assert.Equal(new[] { "ns:a", "persistentvolumes/pv-1", "persistentvolumeclaims/data", "pods/web-0" }, plan.Order());
        var pvc = plan.Created().Single(i => i.GroupResource == "persistentvolumeclaims");
        Assert.True(pvc.IsAdditionalItem);
        Assert.Equal("pods/a/web-0", pvc.AdditionalItemOf);
        Assert.Equal("pods", pvc.TierName);
        var pv = plan.Created().Single(i => i.GroupResource == "persistentvolumes");
        Assert.Equal("persistentvolumeclaims/a/data", pv.AdditionalItemOf);
        Assert.Equal("pv-1", pvc.Object()["spec"]!["volumeName"]!.GetValue<string>());
    }

    [Fact]
    public void Additional_items_already_restored_are_not_restored_twice()
    {
        var b = new TestBackup()
            .Add("pods", PodWithClaim("a", "web-0", "data"))
            .Add("persistentvolumeclaims", K8s.Pvc("a", "data", null, "Pending"));
        var plan = Planner.Plan(b, new RestoreSpec());
        Assert.Equal(new[] { "ns:a", "persistentvolumeclaims/data", "pods/web-0" }, plan.Order());
        var duplicate = plan.Items.Single(i => i.GroupResource == "persistentvolumeclaims" && i.IsAdditionalItem);
        Assert.Equal(PlanDecision.Skipped, duplicate.Decision);
        Assert.Null(duplicate.ResourceListAction);
        Assert.Single(plan.PredictedResourceList()["v1/PersistentVolumeClaim"]);
    }

    [Fact]
    public void Auto_cluster_scope_still_restores_cluster_scoped_additional_items() // docs/velero-compatibility.md#cluster-scoped
    {
        var pod = K8s.Pod("a", "web-0");
        pod["spec"]!["priorityClassName"] = "high";
        var b = new TestBackup()
            .Add("pods", pod)
            .Add("priorityclasses.scheduling.k8s.io", K8s.Obj("scheduling.k8s.io/v1", "PriorityClass", null, "high"))
            .Add("persistentvolumes", K8s.Pv("pv-other", "Retain"));
        var plan = Planner.Plan(b, new RestoreSpec { IncludedNamespaces = new List<string> { "a" } });
        Assert.Equal(new[] { "ns:a", "priorityclasses.scheduling.k8s.io/high", "pods/web-0" }, plan.Order());
        Assert.Equal(PlanDecision.Excluded, plan.Item("persistentvolumes", "pv-other").Decision);
    }

    [Fact]
    public void A_missing_priority_class_is_a_cluster_warning_and_the_pod_is_restored() // docs/velero-compatibility.md#item-actions
    {
        var pod = K8s.Pod("a", "web-0");
        pod["spec"]!["priorityClassName"] = "missing";
        var plan = Planner.Plan(new TestBackup().Add("pods", pod), new RestoreSpec());
        Assert.Equal(new[] { "stat resources/priorityclasses.scheduling.k8s.io/cluster/missing.json: no such file or directory" }, plan.Results.Warnings.Cluster);
        Assert.Equal(PlanDecision.Create, plan.Item("pods", "web-0").Decision);
        Assert.Equal(1, plan.Summary.Warnings);
    }

    [Fact]
    public void Cluster_false_keeps_the_claims_volume_name_and_restores_no_volume() // docs/velero-compatibility.md#cluster-scoped
    {
        var b = new TestBackup()
            .Add("persistentvolumeclaims", K8s.Pvc("a", "data", "pv-1"))
            .Add("persistentvolumes", K8s.Pv("pv-1", "Delete", "a", "data"));
        var plan = Planner.Plan(b, new RestoreSpec { IncludeClusterResources = false });
        Assert.DoesNotContain(plan.Created(), i => i.GroupResource == "persistentvolumes");
        Assert.Equal("pv-1", plan.Item("persistentvolumeclaims", "data").Object()["spec"]!["volumeName"]!.GetValue<string>());
    }

    [Fact]
    public void A_delete_policy_volume_without_snapshot_is_reprovisioned() // docs/velero-compatibility.md#persistent-volumes
    {
        var pvc = K8s.Pvc("a", "data", "pv-1");
        pvc["metadata"]!["annotations"] = new JsonObject { ["pv.kubernetes.io/bind-completed"] = "yes", ["pv.kubernetes.io/bound-by-controller"] = "yes", ["keep"] = "me" };
        var b = new TestBackup().Add("persistentvolumeclaims", pvc).Add("persistentvolumes", K8s.Pv("pv-1", "Delete", "a", "data"));
        var plan = Planner.Plan(b, new RestoreSpec { IncludedNamespaces = new List<string> { "a" } });
        var pv = plan.Items.Single(i => i.GroupResource == "persistentvolumes" && i.IsAdditionalItem);
        Assert.Equal(PlanDecision.Skipped, pv.Decision);
        Assert.Equal("pv-1(skipped)", pv.ResourceListEntry);
        var sent = plan.Item("persistentvolumeclaims", "data").Object();
        Assert.Null(sent["spec"]!["volumeName"]);
        var annotations = (JsonObject)sent["metadata"]!["annotations"]!;
        Assert.Equal(new[] { "keep" }, annotations.Select(kv => kv.Key));
        Assert.Contains(plan.Results.Warnings.Cluster, w => w.Contains("volume data not restored for PersistentVolume \"pv-1\""));
    }

    [Fact]
    public void A_retain_volume_is_restored_with_binding_reset_and_namespace_remapped() // docs/velero-compatibility.md#persistent-volumes, #item-actions
    {
        var pv = K8s.Pv("pv-1", "Retain", "a", "data");
        pv["metadata"]!["annotations"] = new JsonObject { ["pv.kubernetes.io/bound-by-controller"] = "yes" };
        var b = new TestBackup().Add("persistentvolumes", pv).Add("persistentvolumeclaims", K8s.Pvc("a", "data", "pv-1"));
        var plan = Planner.Plan(b, new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } });
        var sent = plan.Item("persistentvolumes", "pv-1").Object();
        var claimRef = sent["spec"]!["claimRef"]!;
        Assert.Equal("b", claimRef["namespace"]!.GetValue<string>());
        Assert.Null(claimRef["uid"]);
        Assert.Null(claimRef["resourceVersion"]);
        Assert.Null(sent["metadata"]!["annotations"]?["pv.kubernetes.io/bound-by-controller"]);
        Assert.Equal("pv-1", plan.Item("persistentvolumeclaims", "data").Object()["spec"]!["volumeName"]!.GetValue<string>());
        Assert.Equal("b/data(created)", plan.Item("persistentvolumeclaims", "data").ResourceListEntry);
    }

    [Fact]
    public void Pod_volume_backups_reprovision_the_volume_with_a_warning()
    {
        var b = new TestBackup().Add("persistentvolumes", K8s.Pv("pv-1", "Retain", "a", "data")).Add("persistentvolumeclaims", K8s.Pvc("a", "data", "pv-1"));
        var volumes = new BackupVolumeData { VolumeInfos = BackupVolumeInfo.ParseList("[{\"pvcName\":\"data\",\"pvcNamespace\":\"a\",\"pvName\":\"pv-1\",\"backupMethod\":\"PodVolumeBackup\",\"snapshotDataMoved\":false}]") };
        var plan = Planner.Plan(b, new RestoreSpec(), volumes: volumes);
        Assert.Equal(PlanDecision.Skipped, plan.Item("persistentvolumes", "pv-1").Decision);
        Assert.Equal("pv-1(skipped)", plan.Item("persistentvolumes", "pv-1").ResourceListEntry);
        Assert.Null(plan.Item("persistentvolumeclaims", "data").Object()["spec"]!["volumeName"]);
        Assert.Single(plan.Results.Warnings.Cluster);
    }

    [Fact]
    public void A_native_snapshot_volume_that_exists_under_namespace_mapping_is_renamed() // docs/velero-compatibility.md#persistent-volumes
    {
        var b = new TestBackup().Add("persistentvolumes", K8s.Pv("pv-1", "Retain", "a", "data")).Add("persistentvolumeclaims", K8s.Pvc("a", "data", "pv-1"));
        var volumes = new BackupVolumeData { VolumeInfos = BackupVolumeInfo.ParseList("[{\"pvcName\":\"data\",\"pvcNamespace\":\"a\",\"pvName\":\"pv-1\",\"backupMethod\":\"NativeSnapshot\",\"snapshotDataMoved\":false}]") };
        var cluster = new FakeCluster();
        cluster.PersistentVolumes.Add("pv-1");
        var plan = Planner.Plan(b, new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } }, cluster: cluster, volumes: volumes);
        var pv = plan.Item("persistentvolumes", "pv-1");
        Assert.Equal("velero-clone-test", pv.TargetName);
        Assert.Equal("velero-clone-test(created)", pv.ResourceListEntry);
        Assert.Equal("velero-clone-test", pv.Object()["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("velero-clone-test", plan.Item("persistentvolumeclaims", "data").Object()["spec"]!["volumeName"]!.GetValue<string>());
    }

    [Fact]
    public void Role_binding_subjects_follow_the_namespace_mapping() // docs/velero-compatibility.md#item-actions
    {
        var rb = K8s.Obj("rbac.authorization.k8s.io/v1", "RoleBinding", "a", "rb");
        rb["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "sa", ["namespace"] = "a" }, new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "sa", ["namespace"] = "other" });
        var crb = K8s.Obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null, "crb");
        crb["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "sa", ["namespace"] = "a" });
        var b = new TestBackup().Add("rolebindings.rbac.authorization.k8s.io", rb).Add("clusterrolebindings.rbac.authorization.k8s.io", crb);
        var plan = Planner.Plan(b, new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } });
        var subjects = plan.Item("rolebindings.rbac.authorization.k8s.io", "rb").Object()["subjects"]!.AsArray();
        Assert.Equal(new[] { "b", "other" }, subjects.Select(s => s!["namespace"]!.GetValue<string>()));
        Assert.Equal("b", plan.Item("clusterrolebindings.rbac.authorization.k8s.io", "crb").Object()["subjects"]![0]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public void Job_controller_uid_labels_are_removed() // docs/velero-compatibility.md#item-actions
    {
        var job = K8s.Obj("batch/v1", "Job", "a", "j", null, new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["controller-uid"] = "1", ["batch.kubernetes.io/controller-uid"] = "1", ["keep"] = "x" } },
            ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["controller-uid"] = "1", ["job-name"] = "j" } } },
        });
        var plan = Planner.Plan(new TestBackup().Add("jobs.batch", job), new RestoreSpec());
        var spec = plan.Item("jobs.batch", "j").Object()["spec"]!;
        Assert.Equal(new[] { "keep" }, spec["selector"]!["matchLabels"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(new[] { "job-name" }, spec["template"]!["metadata"]!["labels"]!.AsObject().Select(kv => kv.Key));
        Assert.Contains("velero.io/job", plan.Item("jobs.batch", "j").Actions);
    }

    [Fact]
    public void Crds_come_first_are_converted_and_waited_for() // docs/velero-compatibility.md#item-actions
    {
        var crd = K8s.Crd("example.com", "widgets", "Widget");
        crd["spec"]!["preserveUnknownFields"] = true;
        var b = new TestBackup()
            .Add("widgets.example.com", K8s.Obj("example.com/v1", "Widget", "a", "w1"))
            .Add("customresourcedefinitions.apiextensions.k8s.io", crd)
            .Add("configmaps", K8s.ConfigMap("a", "cfg"));
        var plan = Planner.Plan(b, new RestoreSpec());
        Assert.Equal(new[] { "customresourcedefinitions.apiextensions.k8s.io/widgets.example.com", "ns:a", "configmaps/cfg", "widgets.example.com/w1" }, plan.Order());
        var c = plan.Item("customresourcedefinitions.apiextensions.k8s.io", "widgets.example.com");
        Assert.True(c.WaitForEstablished);
        Assert.Equal(PriorityGroup.CustomResourceDefinitions, c.PriorityGroup);
        Assert.Equal(0, c.TierIndex);
        var sent = c.Object();
        Assert.NotEqual(true, sent["spec"]!["preserveUnknownFields"]?.GetValue<bool>());
        Assert.True(sent["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>());
        Assert.Empty(plan.Item("widgets.example.com", "w1").Notes);
    }

    [Fact]
    public void A_custom_resource_without_any_crd_fails_on_a_live_cluster() // docs/velero-compatibility.md#resource-order
    {
        var b = new TestBackup().Add("gizmos.example.com", K8s.Obj("example.com/v1", "Gizmo", "a", "g1"));
        var live = Planner.Plan(b, new RestoreSpec(), catalog: StaticResourceCatalog.CreateDefault(), live: true);
        var g = live.Item("gizmos.example.com", "g1");
        Assert.Equal(PlanDecision.Failed, g.Decision);
        Assert.Equal("a/g1(failed)", g.ResourceListEntry);
        Assert.Equal(new[] { "error restoring gizmos.example.com/a/g1: the server could not find the requested resource" }, live.Results.Errors.Namespaces["a"]);

        var offline = Planner.Plan(b, new RestoreSpec());
        Assert.Equal(PlanDecision.Create, offline.Item("gizmos.example.com", "g1").Decision);
        Assert.Contains(offline.Item("gizmos.example.com", "g1").Notes, n => n.Contains("does not know example.com/v1/Gizmo"));
    }

    [Fact]
    public void A_version_the_live_cluster_does_not_serve_fails_with_a_hint()
    {
        var b = new TestBackup().Add("horizontalpodautoscalers.autoscaling", K8s.Obj("autoscaling/v2beta2", "HorizontalPodAutoscaler", "a", "hpa"));
        var plan = Planner.Plan(b, new RestoreSpec(), catalog: StaticResourceCatalog.CreateDefault(), live: true);
        var hpa = plan.Item("horizontalpodautoscalers.autoscaling", "hpa");
        Assert.Equal(PlanDecision.Failed, hpa.Decision);
        Assert.Contains(hpa.Notes, n => n.Contains("serves horizontalpodautoscalers.autoscaling at v2, v1 but not at autoscaling/v2beta2"));
    }

    [Fact]
    public void Automanaged_api_services_are_skipped() // docs/velero-compatibility.md#item-actions
    {
        var svc = K8s.Obj("apiregistration.k8s.io/v1", "APIService", null, "v1.apps", K8s.Labels("kube-aggregator.kubernetes.io/automanaged=onstart"));
        var plan = Planner.Plan(new TestBackup().Add("apiservices.apiregistration.k8s.io", svc), new RestoreSpec());
        Assert.Equal(PlanDecision.Skipped, plan.Item("apiservices.apiregistration.k8s.io", "v1.apps").Decision);
        Assert.Equal("v1.apps(skipped)", plan.Item("apiservices.apiregistration.k8s.io", "v1.apps").ResourceListEntry);
    }

    [Fact]
    public void Webhook_side_effects_become_none() // docs/velero-compatibility.md#item-actions
    {
        var hook = K8s.Obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", null, "vw");
        hook["webhooks"] = new JsonArray(new JsonObject { ["name"] = "w", ["sideEffects"] = "Unknown" });
        var plan = Planner.Plan(new TestBackup().Add("validatingwebhookconfigurations.admissionregistration.k8s.io", hook), new RestoreSpec());
        Assert.Equal("None", plan.Item("validatingwebhookconfigurations.admissionregistration.k8s.io", "vw").Object()["webhooks"]![0]!["sideEffects"]!.GetValue<string>());
    }

    [Fact]
    public void Undecodable_items_are_namespace_errors_and_the_plan_goes_on() // docs/velero-compatibility.md#restore-passes
    {
        var b = new TestBackup()
            .AddRaw("resources/configmaps/namespaces/a/bad.json", "{\"kind\": ")
            .AddRaw("resources/configmaps/namespaces/a/nokind.json", "{\"metadata\":{\"name\":\"nokind\"}}")
            .AddRaw("resources/secrets/namespaces/a/array.json", "[1,2]")
            .Add("configmaps", K8s.ConfigMap("a", "good"));
        var plan = Planner.Plan(b, new RestoreSpec());
        var errors = plan.Results.Errors.Namespaces["a"];
        Assert.Equal(3, errors.Count);
        // secrets come before configmaps in the priority list
        Assert.Equal("error decoding \"resources/secrets/namespaces/a/array.json\": the item is not a JSON object", errors[0]);
        Assert.StartsWith("error decoding \"resources/configmaps/namespaces/a/bad.json\": invalid JSON", errors[1]);
        Assert.Equal("error decoding \"resources/configmaps/namespaces/a/nokind.json\": Object 'Kind' is missing", errors[2]);
        Assert.Equal(PlanDecision.Failed, plan.Item("configmaps", "bad").Decision);
        Assert.Null(plan.Item("configmaps", "bad").ResourceListAction);
        Assert.Equal(PlanDecision.Create, plan.Item("configmaps", "good").Decision);
    }

    [Fact]
    public void Decode_errors_go_under_the_target_namespace()
    {
        var b = new TestBackup().AddRaw("resources/configmaps/namespaces/a/bad.json", "nope");
        var plan = Planner.Plan(b, new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "z" } });
        Assert.Equal(new[] { "z" }, plan.Results.Errors.Namespaces.Keys);
    }

    [Fact]
    public void A_backup_without_resources_gives_one_velero_warning() // docs/velero-compatibility.md#tarball-paths
    {
        var b = new TestBackup().AddRaw("metadata/version", "1.1.0\n");
        var plan = Planner.Plan(b, new RestoreSpec());
        Assert.Equal(new[] { "zero items to be restored: directory \"resources\": does not exist" }, plan.Results.Warnings.Velero);
        Assert.Empty(plan.Items);
        Assert.Equal(0, plan.Results.Errors.Count);
    }

    [Fact]
    public void Action_errors_fail_the_item_and_skips_are_listed()
    {
        var registry = new RestoreItemActionRegistry(new IRestoreItemAction[]
        {
            new TestAction("test/boom", "configmaps", c => PlanObjects.Name(c.Item) == "boom" ? throw new RestoreItemActionException("no way") : RestoreItemActionResult.Continue),
            new TestAction("test/skip", "configmaps", c => PlanObjects.Name(c.Item) == "skip" ? RestoreItemActionResult.SkipItem("not wanted") : RestoreItemActionResult.Continue),
            new TestAction("test/warn", "secrets", c => { c.AddWarning("careful"); return RestoreItemActionResult.SkipItem("warned"); }),
        });
        var b = new TestBackup().Add("configmaps", K8s.ConfigMap("a", "boom")).Add("configmaps", K8s.ConfigMap("a", "skip")).Add("configmaps", K8s.ConfigMap("a", "ok")).Add("secrets", K8s.Secret("a", "s"));
        var plan = Planner.Plan(b, new RestoreSpec(), actions: registry);
        Assert.Equal("error preparing configmaps/a/boom: no way", plan.Item("configmaps", "boom").Reason);
        Assert.Equal("a/boom(failed)", plan.Item("configmaps", "boom").ResourceListEntry);
        Assert.Equal("a/skip(skipped)", plan.Item("configmaps", "skip").ResourceListEntry);
        Assert.Equal("not wanted", plan.Item("configmaps", "skip").Reason);
        Assert.Equal(new[] { "test/boom", "test/skip" }, plan.Item("configmaps", "ok").Actions);
        Assert.Equal("a/s(failed)", plan.Item("secrets", "s").ResourceListEntry); // a warning turns skipped into failed
        Assert.Equal(new[] { "error preparing configmaps/a/boom: no way" }, plan.Results.Errors.Namespaces["a"]);
        Assert.Equal(new[] { "careful" }, plan.Results.Warnings.Namespaces["a"]);
    }

    [Fact]
    public void Actions_see_the_unchanged_backup_copy()
    {
        string? seenStatus = null;
        string? workingStatus = "untouched";
        var registry = new RestoreItemActionRegistry(new IRestoreItemAction[]
        {
            new TestAction("test/look", "deployments.apps", c =>
            {
                seenStatus = c.ItemFromBackup["status"]?.ToJsonString();
                workingStatus = c.Item["status"]?.ToJsonString();
                return RestoreItemActionResult.Continue;
            }),
        });
        Planner.Plan(new TestBackup().Add("deployments.apps", K8s.Deployment("a", "web")), new RestoreSpec(), actions: registry);
        Assert.Equal("{\"readyReplicas\":1}", seenStatus);
        Assert.Null(workingStatus);
    }

    [Fact]
    public void The_resource_list_uses_the_backup_kind_even_when_an_action_changes_it() // docs/velero-compatibility.md#resource-list
    {
        var registry = new RestoreItemActionRegistry(new IRestoreItemAction[]
        {
            new TestAction("test/convert", "deploymentconfigs.apps.openshift.io", c =>
            {
                c.Item["apiVersion"] = "apps/v1";
                c.Item["kind"] = "Deployment";
                return RestoreItemActionResult.Continue;
            }),
        });
        var b = new TestBackup().Add("deploymentconfigs.apps.openshift.io", K8s.Obj("apps.openshift.io/v1", "DeploymentConfig", "a", "dc"));
        var plan = Planner.Plan(b, new RestoreSpec(), actions: registry);
        var item = plan.Item("deploymentconfigs.apps.openshift.io", "dc");
        Assert.Equal("apps.openshift.io/v1/DeploymentConfig", item.ResourceListKey);
        Assert.Equal("deployments.apps", item.TargetGroupResource);
        Assert.Equal(new[] { "a/dc(created)" }, plan.PredictedResourceList()["apps.openshift.io/v1/DeploymentConfig"]);
    }

    [Fact]
    public void An_unknown_converted_kind_fails()
    {
        var registry = new RestoreItemActionRegistry(new IRestoreItemAction[]
        {
            new TestAction("test/convert", "configmaps", c => { c.Item["kind"] = "Nonsense"; return RestoreItemActionResult.Continue; }),
        });
        var plan = Planner.Plan(new TestBackup().Add("configmaps", K8s.ConfigMap("a", "cfg")), new RestoreSpec(), actions: registry);
        Assert.Equal("error getting GVR for v1, Kind=Nonsense: no matches for kind \"Nonsense\" in version \"v1\"", plan.Item("configmaps", "cfg").Reason);
    }

    [Theory] // docs/velero-compatibility.md#status-restore
    [InlineData(null, null, false)]
    [InlineData("*", null, true)]
    [InlineData("deploy", null, true)]
    [InlineData("pods", null, false)]
    [InlineData("*", " FALSE ", false)]
    [InlineData(null, "True", true)]
    [InlineData("deploy", "maybe", true)]
    public void Status_is_restored_only_when_asked(string? include, string? annotation, bool restored)
    {
        var d = K8s.Deployment("a", "web");
        if (annotation is not null)
        {
            d["metadata"]!["annotations"] = new JsonObject { ["velero.io/restore-status"] = annotation };
        }

        var spec = new RestoreSpec { RestoreStatus = include is null ? null : new RestoreStatusSpec { IncludedResources = new List<string> { include } } };
        var item = Planner.Plan(new TestBackup().Add("deployments.apps", d), spec).Item("deployments.apps", "web");
        Assert.Equal(restored, item.RestoreStatus);
        Assert.Equal(restored ? "{\"readyReplicas\":1}" : null, item.StatusUtf8 is null ? null : System.Text.Encoding.UTF8.GetString(item.StatusUtf8));
        Assert.False(item.Object().ContainsKey("status"));
    }

    [Fact]
    public void Inline_patches_apply_to_matching_objects_and_errors_do_not_stop_the_item()
    {
        var b = new TestBackup().Add("deployments.apps", K8s.Deployment("a", "web")).Add("configmaps", K8s.ConfigMap("a", "cfg")).Add("namespaces", K8s.Namespace("a"));
        var spec = new RestoreSpec
        {
            Patches = new List<ObjectPatchSpec>
            {
                new() { Target = "deploy/a/web", Type = "json", Patch = "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":0}]" },
                new() { Target = "deploy/*/*", Type = "strategic", Patch = "spec:\n  paused: true\n" },
                new() { Target = "cm/a/cfg", Type = "merge", Patch = "{\"data\":{\"k\":\"v\"}}" },
                new() { Target = "cm/a/cfg", Type = "json", Patch = "[{\"op\":\"remove\",\"path\":\"/nothing\"}]" },
                new() { Target = "namespaces/a", Type = "merge", Patch = "{\"metadata\":{\"labels\":{\"patched\":\"yes\"}}}" }, // docs/velero-compatibility.md#resource-modifiers: namespaces bypass patches
            },
        };
        var plan = Planner.Plan(b, spec);
        var deploy = plan.Item("deployments.apps", "web").Object();
        Assert.Equal(0, deploy["spec"]!["replicas"]!.GetValue<int>());
        Assert.True(deploy["spec"]!["paused"]!.GetValue<bool>());
        var cm = plan.Item("configmaps", "cfg");
        Assert.Equal("v", cm.Object()["data"]!["k"]!.GetValue<string>());
        Assert.Equal(PlanDecision.Create, cm.Decision);
        Assert.Single(plan.Results.Errors.Namespaces["a"]);
        Assert.StartsWith("error applying the json patch for \"cm/a/cfg\"", plan.Results.Errors.Namespaces["a"][0]);
        Assert.DoesNotContain("patched", plan.Namespace("a").ObjectJson);
    }
}

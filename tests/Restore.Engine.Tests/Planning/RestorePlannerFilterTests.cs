using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>Filters as the planner applies them (docs/velero-compatibility.md#filters).</summary>
public class RestorePlannerFilterTests
{
    private static TestBackup TwoNamespaces() => new TestBackup()
        .Add("namespaces", K8s.Namespace("a", K8s.Labels("team=x")))
        .Add("namespaces", K8s.Namespace("b"))
        .Add("configmaps", K8s.ConfigMap("a", "cfg", K8s.Labels("app=web")))
        .Add("configmaps", K8s.ConfigMap("b", "cfg", K8s.Labels("app=db")))
        .Add("pods", K8s.Pod("a", "web-0", K8s.Labels("app=web")))
        .Add("storageclasses.storage.k8s.io", K8s.Obj("storage.k8s.io/v1", "StorageClass", null, "fast"))
        .Add("clusterroles.rbac.authorization.k8s.io", K8s.Obj("rbac.authorization.k8s.io/v1", "ClusterRole", null, "reader"));

    [Fact]
    public void Validation_errors_stop_planning()
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedResources = new List<string> { "*", "pods" } });
        Assert.True(plan.FailedValidation);
        Assert.Empty(plan.Items);
        Assert.Contains("Invalid included/excluded resource lists: includes list must either contain '*' only, or a non-empty list of items", plan.ValidationErrors);
    }

    [Fact]
    public void Short_names_select_resources() // docs/velero-compatibility.md#filters-resources
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedResources = new List<string> { "po" } });
        Assert.Equal(new[] { "ns:a", "pods/web-0" }, plan.Order());
        var cm = plan.Items.First(i => i.GroupResource == "configmaps");
        Assert.Equal(PlanDecision.Excluded, cm.Decision);
        Assert.Equal("the resource configmaps is excluded by the restore's resource filter", cm.Reason);
        Assert.Null(cm.ResourceListAction);
    }

    [Fact]
    public void Non_restorable_resources_are_excluded_with_their_reason()
    {
        var b = TwoNamespaces().Add("nodes", K8s.Obj("v1", "Node", null, "node-1")).Add("events", K8s.Obj("v1", "Event", "a", "e1"));
        var plan = Planner.Plan(b, new RestoreSpec());
        Assert.Equal("nodes is a non-restorable resource", plan.Item("nodes", "node-1").Reason);
        Assert.Equal(PlanDecision.Excluded, plan.Item("events", "e1").Decision);
        Assert.Contains("nodes", plan.Spec.ExcludedResources!);
    }

    [Fact]
    public void Namespace_mapping_filters_on_the_source_namespace() // docs/velero-compatibility.md#filters-namespaces
    {
        var mapped = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "a" }, NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } });
        Assert.Equal(new[] { "ns:b", "configmaps/cfg", "pods/web-0" }, mapped.Order());
        Assert.All(mapped.Created().Where(i => !i.IsNamespace), i => Assert.Equal("b", i.TargetNamespace));
        Assert.All(mapped.Created().Where(i => !i.IsNamespace), i => Assert.Equal("b", i.Object()["metadata"]!["namespace"]!.GetValue<string>()));

        var wrong = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "b" }, NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } });
        Assert.DoesNotContain(wrong.Created(), i => i.SourceNamespace == "a");
        Assert.Equal(new[] { "ns:b", "configmaps/cfg" }, wrong.Order());
        Assert.Equal("b", wrong.Created().Single(i => i.GroupResource == "configmaps").SourceNamespace);
    }

    [Fact]
    public void Created_namespace_copies_labels_and_annotations_but_gets_no_restore_labels() // docs/velero-compatibility.md#namespace-creation
    {
        var ns = K8s.Namespace("a", K8s.Labels("team=x"));
        ns["metadata"]!["annotations"] = new JsonObject { ["owner"] = "me" };
        var b = new TestBackup().Add("namespaces", ns).Add("configmaps", K8s.ConfigMap("a", "cfg"));
        var plan = Planner.Plan(b, new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "a2" } });
        var created = plan.Namespace("a2").Object();
        Assert.Equal("a2", created["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("x", created["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("me", created["metadata"]!["annotations"]!["owner"]!.GetValue<string>());
        Assert.Null(created["metadata"]!["labels"]![RestoreLabels.RestoreName]);
        Assert.Null(created["metadata"]!["uid"]);
        Assert.Null(created["status"]);
        Assert.Equal("kubernetes", created["spec"]!["finalizers"]![0]!.GetValue<string>());
        Assert.Equal("a2(created)", plan.Namespace("a2").ResourceListEntry);
        Assert.Equal("v1/Namespace", plan.Namespace("a2").ResourceListKey);
    }

    [Fact]
    public void Namespace_without_backup_copy_is_bare()
    {
        var b = new TestBackup().Add("configmaps", K8s.ConfigMap("lonely", "cfg"));
        var plan = Planner.Plan(b, new RestoreSpec());
        Assert.Equal("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"lonely\"}}", plan.Namespace("lonely").ObjectJson);
    }

    [Fact]
    public void Auto_cluster_resources_with_a_namespace_subset_restore_no_cluster_scoped_item() // docs/velero-compatibility.md#cluster-scoped
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "a" } });
        Assert.DoesNotContain(plan.Created(), i => i.GroupResource is "storageclasses.storage.k8s.io" or "clusterroles.rbac.authorization.k8s.io");
        Assert.StartsWith("cluster-scoped items are restored automatically only when every namespace is included", plan.Item("storageclasses.storage.k8s.io", "fast").Reason);
        Assert.Equal(new[] { "ns:a", "configmaps/cfg", "pods/web-0" }, plan.Order());
    }

    [Fact]
    public void Auto_cluster_resources_with_every_namespace_restore_them()
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "*" } });
        Assert.Equal(new[] { "ns:a", "ns:b", "storageclasses.storage.k8s.io/fast", "clusterroles.rbac.authorization.k8s.io/reader", "configmaps/cfg", "configmaps/cfg", "pods/web-0" }, plan.Order());
    }

    [Fact]
    public void True_cluster_resources_with_a_subset_restore_every_cluster_item_and_namespace_object() // docs/velero-compatibility.md#cluster-scoped
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "a" }, IncludeClusterResources = true });
        Assert.Contains("ns:b", plan.Order());
        Assert.Contains("storageclasses.storage.k8s.io/fast", plan.Order());
        Assert.DoesNotContain(plan.Created(), i => i.SourceNamespace == "b");
    }

    [Fact]
    public void False_cluster_resources_restore_no_cluster_item()
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludeClusterResources = false });
        Assert.Equal(new[] { "ns:a", "configmaps/cfg", "pods/web-0", "ns:b", "configmaps/cfg" }.OrderBy(x => x), plan.Order().OrderBy(x => x));
        Assert.Equal("includeClusterResources is false, so no cluster-scoped item is restored", plan.Item("clusterroles.rbac.authorization.k8s.io", "reader").Reason);
    }

    [Fact]
    public void Label_selector_uses_backed_up_labels_and_namespaces_are_selected_too()
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { LabelSelector = new LabelSelectorSpec { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } });
        Assert.Equal(new[] { "ns:a", "configmaps/cfg", "pods/web-0" }, plan.Order());
        Assert.Equal("its labels do not match the restore's labelSelector", plan.Items.Single(i => i.GroupResource == "configmaps" && i.SourceNamespace == "b").Reason);
        Assert.Equal(PlanDecision.Excluded, plan.Item("namespaces", "b").Decision);
    }

    [Fact]
    public void Or_selectors_select_when_any_matches() // docs/velero-compatibility.md#label-selectors
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec
        {
            IncludedResources = new List<string> { "configmaps" },
            OrLabelSelectors = new List<LabelSelectorSpec?> { new() { MatchLabels = new Dictionary<string, string> { ["app"] = "none" } }, new() { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } } },
        });
        Assert.Equal(new[] { "ns:b", "configmaps/cfg" }, plan.Order());
        Assert.Equal("its labels match none of the restore's orLabelSelectors", plan.Items.Single(i => i.GroupResource == "configmaps" && i.SourceNamespace == "a").Reason);
    }

    [Fact]
    public void Empty_or_selectors_filter_nothing() // docs/velero-compatibility.md#label-selectors
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedResources = new List<string> { "configmaps" }, OrLabelSelectors = new List<LabelSelectorSpec?>() });
        Assert.Equal(2, plan.Created().Count(i => i.GroupResource == "configmaps"));
    }

    [Fact]
    public void A_null_or_selector_matches_nothing()
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedResources = new List<string> { "configmaps" }, OrLabelSelectors = new List<LabelSelectorSpec?> { null } });
        Assert.Empty(plan.Created());
    }

    [Fact]
    public void Object_patterns_select_single_objects()
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { Objects = new List<string> { "cm/b/cfg", "po/a/*" } });
        Assert.Equal(new[] { "ns:b", "configmaps/cfg", "ns:a", "pods/web-0" }, plan.Order());
        Assert.Equal("it matches none of the restore's object patterns", plan.Items.Single(i => i.GroupResource == "configmaps" && i.SourceNamespace == "a").Reason);
    }

    [Fact]
    public void Expand_mode_that_matches_nothing_restores_nothing_and_warns() // docs/velero-compatibility.md#filters-namespaces
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "zzz-*" }, NamespaceMatching = NamespaceMatching.Expand });
        Assert.Empty(plan.Created());
        Assert.Contains(plan.Results.Warnings.Velero, w => w.Contains("match no namespace in the backup"));
    }

    [Fact]
    public void Glob_mode_matches_namespaces_directly() // docs/velero-compatibility.md#filters-namespaces
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "[a]" } });
        Assert.Equal(new[] { "ns:a", "configmaps/cfg", "pods/web-0" }, plan.Order());
    }

    [Fact]
    public void Regex_namespace_notation()
    {
        var plan = Planner.Plan(TwoNamespaces(), new RestoreSpec { IncludedNamespaces = new List<string> { "/^b$/" } });
        Assert.Equal(new[] { "ns:b", "configmaps/cfg" }, plan.Order());
    }

    [Fact]
    public void Must_have_resources_bypass_filters_data_uploads_are_skipped_and_contents_go_to_their_action()
    {
        var b = TwoNamespaces()
            .Add("datauploads.velero.io", K8s.Obj("velero.io/v2alpha1", "DataUpload", "velero", "du-1"))
            .Add("volumesnapshotcontents.snapshot.storage.k8s.io", K8s.Obj("snapshot.storage.k8s.io/v1", "VolumeSnapshotContent", null, "vsc-1"));
        var plan = Planner.Plan(b, new RestoreSpec { IncludedNamespaces = new List<string> { "a" }, IncludedResources = new List<string> { "pods" }, LabelSelector = new LabelSelectorSpec { MatchLabels = new Dictionary<string, string> { ["x"] = "y" } } });
        var du = plan.Item("datauploads.velero.io", "du-1");
        Assert.Equal(PlanDecision.Skipped, du.Decision);
        Assert.Equal("cannot restore data client-side", du.Reason);
        Assert.Equal("velero/du-1(skipped)", du.ResourceListEntry);
        Assert.DoesNotContain(plan.Items, i => i.IsNamespace && i.TargetName == "velero");

        // The cluster-scope rule still applies to must-haves: a namespace subset leaves the content out.
        Assert.Equal(PlanDecision.Excluded, plan.Item("volumesnapshotcontents.snapshot.storage.k8s.io", "vsc-1").Decision);
        var all = Planner.Plan(b, new RestoreSpec { IncludedResources = new List<string> { "pods" } });
        // A content reaches its action (docs/velero-compatibility.md#csi-snapshots), which needs the backed-up snapshot handle, as Velero's does.
        var content = all.Item("volumesnapshotcontents.snapshot.storage.k8s.io", "vsc-1");
        Assert.Equal(PlanDecision.Failed, content.Decision);
        Assert.Contains(all.Results.Errors.All(), m => m.Text.Contains("fail to get snapshot handle from VolumeSnapshotContent vsc-1 status", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Excluded_items_can_be_left_out_of_the_plan()
    {
        var b = TwoNamespaces();
        var request = new RestorePlanRequest(b.Contents, new RestoreSpec { BackupName = "b1", IncludedResources = new List<string> { "pods" } }, BackupResourceCatalog.Create(b.Contents)) { IncludeExcludedItems = false };
        var plan = new RestorePlanner().Plan(request, default);
        Assert.DoesNotContain(plan.Items, i => i.Decision == PlanDecision.Excluded);
        Assert.True(plan.Summary.Excluded > 0);
    }
}

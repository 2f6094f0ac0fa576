using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>Resource modifiers as step 11 of the item pipeline (docs/velero-compatibility.md#resource-modifiers).</summary>
public class RestorePlannerModifierTests
{
    private static TestBackup Backup() => new TestBackup()
        .Add("namespaces", K8s.Namespace("a"))
        .Add("configmaps", K8s.ConfigMap("a", "cfg", K8s.Labels("app=web")))
        .Add("deployments.apps", K8s.Deployment("a", "web"));

    [Fact]
    public void Namespace_conditions_see_the_source_namespace_and_errors_go_to_the_target() // docs/velero-compatibility.md#resource-modifiers
    {
        const string rules = """
            version: v1
            resourceModifierRules:
            - conditions:
                groupResource: configmaps
                namespaces: [a]
              mergePatches:
              - patchData: '{"data":{"patched":"yes"}}'
            - conditions:
                groupResource: configmaps
                namespaces: [b]
              mergePatches:
              - patchData: '{"data":{"wrong":"yes"}}'
            - conditions:
                groupResource: deployments.apps
              patches:
              - operation: remove
                path: /spec/missing
            """;
        var plan = Planner.Plan(Backup(), new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } }, modifierRules: rules);
        var cm = plan.Item("configmaps", "cfg").Object();
        Assert.Equal("yes", cm["data"]!["patched"]!.GetValue<string>());
        Assert.Null(cm["data"]!["wrong"]);
        var deploy = plan.Item("deployments.apps", "web");
        Assert.Equal(PlanDecision.Create, deploy.Decision);
        Assert.Equal(1, deploy.Object()["spec"]!["replicas"]!.GetValue<int>());
        var error = Assert.Single(plan.Results.Errors.Namespaces["b"]);
        Assert.Same(error, deploy.Errors.Single().Text);
        Assert.Equal("b/web(created)", deploy.ResourceListEntry);
    }

    [Fact]
    public void Namespaces_bypass_modifiers() // docs/velero-compatibility.md#resource-modifiers
    {
        const string rules = """
            version: v1
            resourceModifierRules:
            - conditions:
                groupResource: namespaces
              mergePatches:
              - patchData: '{"metadata":{"labels":{"patched":"yes"}}}'
            """;
        var plan = Planner.Plan(Backup(), new RestoreSpec(), modifierRules: rules);
        Assert.DoesNotContain("patched", plan.Namespace("a").ObjectJson);
        Assert.Equal(0, plan.Results.Errors.Count);
    }

    [Fact]
    public void Modifiers_run_before_restore_labels_and_the_namespace_change()
    {
        const string rules = """
            version: v1
            resourceModifierRules:
            - conditions:
                groupResource: configmaps
                labelSelector:
                  matchLabels:
                    velero.io/restore-name: r1
              mergePatches:
              - patchData: '{"data":{"labelled":"yes"}}'
            - conditions:
                groupResource: configmaps
                matches:
                - path: /metadata/namespace
                  value: a
              mergePatches:
              - patchData: '{"data":{"original-namespace":"yes"}}'
            """;
        var plan = Planner.Plan(Backup(), new RestoreSpec { NamespaceMapping = new Dictionary<string, string> { ["a"] = "b" } }, modifierRules: rules);
        var data = plan.Item("configmaps", "cfg").Object()["data"]!.AsObject();
        Assert.Equal(new[] { "original-namespace" }, data.Select(kv => kv.Key));
    }

    [Fact]
    public void A_referenced_config_map_that_was_not_supplied_is_noted()
    {
        var plan = Planner.Plan(Backup(), new RestoreSpec { ResourceModifier = new ResourceModifierReference { Kind = "configmap", Name = "mods" } });
        Assert.Contains(plan.Notes, n => n.Contains("ConfigMap mods was not supplied"));
    }
}

using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

public class RestoreValidatorTests
{
    private static RestoreSpec Spec(string? includedResources = null, string? excludedResources = null, string? includedNamespaces = null, string? excludedNamespaces = null) => new()
    {
        BackupName = "b1",
        IncludedResources = Split(includedResources),
        ExcludedResources = Split(excludedResources),
        IncludedNamespaces = Split(includedNamespaces),
        ExcludedNamespaces = Split(excludedNamespaces),
    };

    private static List<string>? Split(string? s) => s?.Split(',').ToList();

    [Theory]
    [InlineData("*,pods", null, null, null, "Invalid included/excluded resource lists: includes list must either contain '*' only, or a non-empty list of items")] // docs/velero-compatibility.md#restore-validation
    [InlineData(null, null, null, "*", "Invalid included/excluded namespace lists: excludes list cannot contain '*'")] // docs/velero-compatibility.md#restore-validation
    [InlineData("nodes", null, null, null, "nodes are non-restorable resources")] // docs/velero-compatibility.md#restore-validation
    [InlineData("pods,secrets", "secrets", null, null, "Invalid included/excluded resource lists: excludes list cannot contain an item in the includes list: secrets")]
    [InlineData(null, null, "a,b", "b", "Invalid included/excluded namespace lists: excludes list cannot contain an item in the includes list: b")]
    [InlineData(null, "*", null, null, "Invalid included/excluded resource lists: excludes list cannot contain '*'")]
    public void Velero_list_rules_give_velero_messages(string? ir, string? er, string? inc, string? exc, string message)
    {
        var result = RestoreValidator.Validate(Spec(ir, er, inc, exc));
        Assert.Contains(message, result.VeleroErrors);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Non_restorable_resources_are_appended_in_velero_order_without_duplicates() // docs/velero-compatibility.md#restore-validation
    {
        var spec = Spec(excludedResources: "secrets,events");
        var result = RestoreValidator.Validate(spec);
        Assert.Equal(new[] { "secrets", "events", "nodes", "events.events.k8s.io", "backups.velero.io", "restores.velero.io", "resticrepositories.velero.io", "csinodes.storage.k8s.io", "volumeattachments.storage.k8s.io", "backuprepositories.velero.io" }, result.Spec.ExcludedResources);
        Assert.Equal(new[] { "secrets", "events" }, spec.ExcludedResources); // the input is not changed
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Including_a_non_restorable_resource_also_conflicts_with_the_appended_exclude()
    {
        var result = RestoreValidator.Validate(Spec(includedResources: "nodes,events"));
        Assert.Equal(new[]
        {
            "nodes are non-restorable resources",
            "events are non-restorable resources",
            "Invalid included/excluded resource lists: excludes list cannot contain an item in the includes list: events",
            "Invalid included/excluded resource lists: excludes list cannot contain an item in the includes list: nodes",
        }, result.VeleroErrors);
    }

    [Fact]
    public void Checks_run_in_velero_order()
    {
        var spec = Spec("*,pods", null, "*,a", "*");
        spec.LabelSelector = new LabelSelectorSpec();
        spec.OrLabelSelectors = new List<LabelSelectorSpec?>();
        spec.ScheduleName = "s1";
        spec.ExistingResourcePolicy = "Update";
        var result = RestoreValidator.Validate(spec);
        Assert.Equal(new[]
        {
            "Invalid included/excluded resource lists: includes list must either contain '*' only, or a non-empty list of items",
            "Invalid included/excluded namespace lists: includes list must either contain '*' only, or a non-empty list of items",
            "Invalid included/excluded namespace lists: excludes list cannot contain '*'",
            "Invalid included/excluded namespace lists: excludes list cannot contain an item in the includes list: *",
            "encountered labelSelector as well as orLabelSelectors in restore spec, only one can be specified", // docs/velero-compatibility.md#restore-validation, even with an empty list
            "Either a backup or schedule must be specified as a source for the restore, but not both",
        }, result.VeleroErrors);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("b", "s", true)]
    [InlineData("b", null, false)]
    [InlineData(null, "s", false)]
    public void Exactly_one_of_backup_and_schedule(string? backup, string? schedule, bool error)
    {
        var result = RestoreValidator.Validate(new RestoreSpec { BackupName = backup, ScheduleName = schedule });
        Assert.Equal(error, result.VeleroErrors.Contains("Either a backup or schedule must be specified as a source for the restore, but not both"));
    }

    [Theory]
    [InlineData("none", true)]
    [InlineData("update", true)]
    [InlineData("", true)]
    [InlineData("Update", false)] // docs/velero-compatibility.md#restore-validation
    [InlineData("replace", false)]
    public void Existing_resource_policy_is_case_sensitive(string policy, bool valid)
    {
        var spec = Spec();
        spec.ExistingResourcePolicy = policy;
        var result = RestoreValidator.Validate(spec);
        Assert.Equal(valid, !result.VeleroErrors.Contains("Invalid ExistingResourcePolicy: " + policy));
    }

    [Fact]
    public void Hook_validation_stops_at_a_bad_selector_and_checks_init_containers()
    {
        var spec = Spec();
        spec.Hooks = new RestoreHooksSpec
        {
            Resources = new List<RestoreResourceHookSpec>
            {
                new() { Name = "h", PostHooks = new List<RestoreHookSpec> { new() { Init = new InitRestoreHookSpec { InitContainers = new List<string> { "{\"name\":\"i\",\"image\":\"busybox\"}", "{\"name\":\"ok\",\"image\":\"b\",\"command\":[\"sh\"]}" } } } } },
            },
        };
        Assert.Equal(new[] { "invalid InitContainer in restore hook, it doesn't have Command, Name or Image field" }, RestoreValidator.Validate(spec).VeleroErrors);

        spec.Hooks.Resources[0].LabelSelector = new LabelSelectorSpec { MatchExpressions = new List<LabelSelectorRequirementSpec> { new() { Key = "a", Operator = "Within" } } };
        var errors = RestoreValidator.Validate(spec).VeleroErrors;
        Assert.Single(errors);
        Assert.Contains("Within", errors[0]);
    }

    [Fact]
    public void Unknown_resource_names_are_not_errors()
    {
        var result = RestoreValidator.Validate(Spec(includedResources: "widgets,gizmos.example.com,*.apps"), StaticResourceCatalog.CreateDefault());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    public static IEnumerable<object[]> ExtensionCases()
    {
        yield return Case(s => s.IncludedResources = new List<string> { "[pods" }, "includedResources: invalid glob pattern \"[pods\"");
        yield return Case(s => s.IncludedNamespaces = new List<string> { "/team-(a/" }, "includedNamespaces: invalid namespace regular expression /team-(a/");
        yield return Case(s => s.LabelSelector = new LabelSelectorSpec { MatchExpressions = new List<LabelSelectorRequirementSpec> { new() { Key = "a", Operator = "In" } } }, "labelSelector: ");
        yield return Case(s => s.OrLabelSelectors = new List<LabelSelectorSpec?> { null, new() { MatchLabels = new Dictionary<string, string> { ["bad key!"] = "x" } } }, "orLabelSelectors[1]: ");
        yield return Case(s => s.NamespaceMapping = new Dictionary<string, string> { ["a"] = "b", ["b"] = "c" }, "namespaceMapping: \"a\" is mapped onto \"b\", which is itself mapped onto \"c\"");
        yield return Case(s => s.NamespaceMapping = new Dictionary<string, string> { ["a"] = "Not_Valid" }, "namespaceMapping: the target \"Not_Valid\" of \"a\" is not a valid namespace name");
        yield return Case(s => s.Objects = new List<string> { "deployments.apps" }, "objects: invalid object pattern \"deployments.apps\"");
        yield return Case(s => s.Objects = new List<string> { "deploy/shop/web/extra" }, "objects: invalid object pattern");
        yield return Case(s => s.ResourcePriorities = new List<string> { "a", "-", "b", "-" }, "resourcePriorities: multiple priority separator \"-\" found");
        yield return Case(s => s.Patches = new List<ObjectPatchSpec> { new() { Target = "cm/shop/x", Type = "xml", Patch = "{}" } }, "patches: patch type \"xml\"");
        yield return Case(s => s.Patches = new List<ObjectPatchSpec> { new() { Target = "cm/shop/x", Type = "json", Patch = "{\"op\":\"add\"}" } }, "patches: the json patch for \"cm/shop/x\" must be a list of operations");
        yield return Case(s => s.Patches = new List<ObjectPatchSpec> { new() { Target = "cm/shop/x", Type = "merge", Patch = "{oops" } }, "patches: the merge patch for \"cm/shop/x\" cannot be read");
        yield return Case(s => s.ItemOperationTimeout = "4 hours", "itemOperationTimeout: time: ");
        yield return Case(s => s.StorageClassMapping = new Dictionary<string, string> { ["gp2"] = "" }, "storageClassMapping: keys and values must not be empty");
        yield return Case(s => { s.NamespaceMatching = NamespaceMatching.Expand; s.IncludedNamespaces = new List<string> { "{a,b}" }; }, "includedNamespaces: \"{a,b}\": wildcard pattern contains unsupported characters"); // docs/velero-compatibility.md#filters-namespaces
        yield return Case(s => { s.NamespaceMatching = NamespaceMatching.Expand; s.IncludedNamespaces = new List<string> { "a**" }; }, "includedNamespaces: \"a**\": wildcard pattern contains consecutive asterisks");
    }

    private static object[] Case(System.Action<RestoreSpec> edit, string message)
    {
        var spec = new RestoreSpec { BackupName = "b1" };
        edit(spec);
        return new object[] { spec, message };
    }

    [Theory]
    [MemberData(nameof(ExtensionCases))]
    public void Extension_checks_name_the_problem(object spec, string message)
    {
        var result = RestoreValidator.Validate((RestoreSpec)spec, StaticResourceCatalog.CreateDefault());
        Assert.Empty(result.VeleroErrors);
        Assert.Contains(result.ExtensionErrors, e => e.StartsWith(message, System.StringComparison.Ordinal));
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Glob_namespace_patterns_pass_in_glob_mode() // docs/velero-compatibility.md#filters-namespaces: {a,b} is fine up to 1.17
    {
        var spec = Spec(includedNamespaces: "{a,b},app-*,/^team-(x|y)$/");
        Assert.True(RestoreValidator.Validate(spec).IsValid);
    }

    [Fact]
    public void Two_sources_mapped_onto_one_target_is_a_warning()
    {
        var spec = Spec();
        spec.NamespaceMapping = new Dictionary<string, string> { ["a"] = "x", ["b"] = "x", ["c"] = "c" };
        var result = RestoreValidator.Validate(spec);
        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Contains("[a, b] are all mapped onto \"x\""));
    }

    [Fact]
    public void Valid_extensions_pass()
    {
        var spec = Spec();
        spec.Objects = new List<string> { "deploy/shop/web", "pv/pv-*", "*.apps/*/web" };
        spec.Patches = new List<ObjectPatchSpec>
        {
            new() { Target = "deploy/shop/web", Type = "json", Patch = "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":0}]" },
            new() { Target = "cm/shop/*", Type = "merge", Patch = "data:\n  a: b\n" },
        };
        spec.ResourcePriorities = new List<string> { "secrets", "-", "services" };
        spec.ItemOperationTimeout = "1h";
        var result = RestoreValidator.Validate(spec, StaticResourceCatalog.CreateDefault());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }
}

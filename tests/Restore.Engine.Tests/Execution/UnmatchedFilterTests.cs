using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Execution;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>A filter that matches nothing is named in a warning, in the run's results and in the plan (issue 15).</summary>
public class UnmatchedFilterTests
{
    private static VeleroBackupBuilder Backup() => K8s.ConfigMaps("b1", "shop", 2)
        .AddItem("configmaps", "shop", "web", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = K8s.Meta("web", "shop", ("app", "web")) });

    public static TheoryData<string, string[]> Cases() => new()
    {
        { "ns=nomatch-*", new[] { "the namespace filter includes \"nomatch-*\", which matches no namespace in the backup" } },
        { "ns=shop,nomatch-*", new[] { "the namespace filter includes \"nomatch-*\", which matches no namespace in the backup" } },
        { "ns=/^nomatch/", new[] { "the namespace filter includes \"/^nomatch/\", which matches no namespace in the backup" } },
        { "exns=shopp", new[] { "the namespace filter excludes \"shopp\", which matches no namespace in the backup" } },
        { "obj=configmaps/shop/zzz", new[] { "the object pattern \"configmaps/shop/zzz\" matches none of the 4 items the resource and namespace filters include" } },
        { "obj=configmaps/shop/zzz,configmaps/shop/web", new[] { "the object pattern \"configmaps/shop/zzz\" matches none of the 4 items the resource and namespace filters include" } },
        { "sel=app=zzz", new[] { "the label selector \"app=zzz\" matches none of the 4 items the resource and namespace filters include" } },
        { "or=app=zzz|app=web", new[] { "the label selector \"app=zzz\" (one of the orLabelSelectors) matches none of the 4 items the resource and namespace filters include" } },
        { "res=widgetz", new[] { "the resource filter includes \"widgetz\", which matches no resource in the backup" } },
        { "exres=widgetz", new[] { "the resource filter excludes \"widgetz\", which matches no resource in the backup" } },
        { "none", Array.Empty<string>() },
        { "ns=shop", Array.Empty<string>() },
        { "sel=app=web", Array.Empty<string>() },
    };

    private static RestoreSpec Spec(string filter)
    {
        var spec = new RestoreSpec { BackupName = "b1" };
        var eq = filter.IndexOf('=', StringComparison.Ordinal);
        var (kind, value) = eq < 0 ? (filter, string.Empty) : (filter.Substring(0, eq), filter.Substring(eq + 1));
        var list = value.Split(',').ToList();
        switch (kind)
        {
            case "ns": spec.IncludedNamespaces = list; break;
            case "exns": spec.ExcludedNamespaces = list; break;
            case "obj": spec.Objects = list; break;
            case "res": spec.IncludedResources = list; break;
            case "exres": spec.ExcludedResources = list; break;
            case "sel": spec.LabelSelector = RestoreParameters.ParseLabelSelector(value); break;
            case "or": spec.OrLabelSelectors = value.Split('|').Select(s => (LabelSelectorSpec?)RestoreParameters.ParseLabelSelector(s)).ToList(); break;
        }

        return spec;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ARunWarnsAboutEachFilterThatMatchesNothing(string filter, string[] expected)
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(Backup());

        var result = await h.Engine().RunAsync(new RestoreRequest { Name = "r-1", Spec = Spec(filter), ToDirectory = h.NewFolder() }, null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(expected, result.Results.Warnings.Velero.ToArray());
        Assert.Equal(expected.Length, result.Record.Warnings);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task APlanWarnsAboutEachFilterThatMatchesNothing(string filter, string[] expected)
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(Backup());

        var preview = await h.Engine().PlanAsync(new RestoreRequest { Name = "r-1", Spec = Spec(filter), ToDirectory = h.NewFolder() }, CancellationToken.None);

        var plan = Assert.Single(preview.Targets).Plan!;
        Assert.Equal(expected, plan.Results.Warnings.Velero.ToArray());
        Assert.Equal(expected, plan.Notes.Where(n => n.StartsWith("the ", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public async Task AClusterRunWarnsToo()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(Backup());
        var request = h.Request("b1", "r-cluster");
        request.Spec.IncludedNamespaces = new List<string> { "nomatch-*" };

        var result = await h.Engine().RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal("the namespace filter includes \"nomatch-*\", which matches no namespace in the backup", Assert.Single(result.Results.Warnings.Velero));
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Planning;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Benchmark;

/// <summary>One object a restore creates, as the planner produced it (metadata reset, actions applied, labels added).</summary>
/// <param name="Resource">Plural resource name.</param>
/// <param name="Group">API group, empty for the core group.</param>
/// <param name="ApiVersion">The object's apiVersion.</param>
/// <param name="Namespace">Target namespace, empty for cluster-scoped objects.</param>
/// <param name="Name">Target name.</param>
/// <param name="Json">The object, compact UTF-8 JSON.</param>
public sealed record PlannedObject(string Resource, string Group, string ApiVersion, string Namespace, string Name, byte[] Json)
{
    /// <summary>The collection URL path a create is POSTed to.</summary>
    public string CollectionPath =>
        (Group.Length == 0 ? "/api/" + ApiVersion : "/apis/" + ApiVersion)
        + (Namespace.Length == 0 ? string.Empty : "/namespaces/" + Namespace)
        + "/" + Resource;
}

/// <summary>The objects of a planned restore, for the competitors that take the plan's output (kubectl, raw POSTs).</summary>
public static class PlannedObjects
{
    /// <summary>
    /// A spec restoring the whole backup, or only the items labelled with the first <paramref name="shards"/> of
    /// <see cref="BenchmarkItems.ShardCount"/> shards (a sample with the same mix; namespaces come along).
    /// </summary>
    internal static RestoreSpec Spec(string backupName, int shards)
    {
        var spec = new RestoreSpec { BackupName = backupName };
        if (shards < BenchmarkItems.ShardCount)
        {
            spec.LabelSelector = new LabelSelectorSpec
            {
                MatchExpressions = new List<LabelSelectorRequirementSpec>
                {
                    new() { Key = "shard", Operator = "In", Values = Enumerable.Range(0, shards).Select(s => "shard-" + s.ToString(CultureInfo.InvariantCulture)).ToList() },
                },
            };
        }

        return spec;
    }

    /// <summary>Plans the restore of the backup in <paramref name="folder"/> and returns the objects to create, in restore order.</summary>
    public static async Task<IReadOnlyList<PlannedObject>> LoadAsync(string folder, string backupName, int shards)
    {
        var (backup, contents) = await PlanStage.ReadAsync(new StorageLocationOptions { Location = folder }, backupName, CancellationToken.None);
        var plan = new RestorePlanner().Plan(PlanStage.Request(backup, contents, Spec(backupName, shards)), CancellationToken.None);
        var result = new List<PlannedObject>();
        foreach (var item in plan.Items.Where(i => i.Decision == PlanDecision.Create && i.ObjectUtf8 is not null))
        {
            using var json = JsonDocument.Parse(item.ObjectUtf8);
            var apiVersion = json.RootElement.GetProperty("apiVersion").GetString()!;
            var dot = item.TargetGroupResource.IndexOf('.', StringComparison.Ordinal);
            var resource = dot < 0 ? item.TargetGroupResource : item.TargetGroupResource.Substring(0, dot);
            var group = dot < 0 ? string.Empty : item.TargetGroupResource.Substring(dot + 1);
            result.Add(new PlannedObject(resource, group, apiVersion, item.TargetNamespace, item.TargetName, item.ObjectUtf8!));
        }

        return result;
    }
}

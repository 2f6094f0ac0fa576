using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/change-image-name</c>: rewrites container images of Deployments, StatefulSets,
/// DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs (under
/// <c>spec.jobTemplate.spec.template</c>) and Pods through <see cref="RestoreActionOptions.ImageMapping"/>.
/// For each container and init container, the first rule whose old part occurs in the image replaces
/// every occurrence of it with the new part.
/// </summary>
/// <remarks>
/// Velero walks its ConfigMap in Go map order, so with overlapping rules the winner is random. We try
/// rules longest old part first (ties in ordinal order), so the most specific rule wins every time.
/// Rules with an empty old part are ignored (in Velero they would insert the new part between every
/// character). Velero's <c>"&lt;old&gt;,&lt;new&gt;"</c> ConfigMap values are turned into a mapping by
/// <see cref="ImageMappingParser"/>.
/// </remarks>
internal sealed class ChangeImageNameAction : IRestoreItemAction
{
    private static readonly string[] TemplatePath = { "spec", "template", "spec" };
    private static readonly string[] CronJobPath = { "spec", "jobTemplate", "spec", "template", "spec" };
    private static readonly string[] PodPath = { "spec" };

    /// <inheritdoc />
    public string Name => "velero.io/change-image-name";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => groupResource switch
    {
        KnownGroupResources.Deployments or KnownGroupResources.StatefulSets or KnownGroupResources.DaemonSets
            or KnownGroupResources.ReplicaSets or KnownGroupResources.ReplicationControllers
            or KnownGroupResources.Jobs or KnownGroupResources.CronJobs or KnownGroupResources.Pods => true,
        _ => false,
    };

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var rules = OrderedRules(context.Options.ImageMapping);
        if (rules.Count == 0)
        {
            return RestoreItemActionResult.Continue;
        }

        // Velero picks the pod spec by kind, not by resource.
        var podSpecPath = ItemJson.String(context.Item, "kind") switch
        {
            "Pod" => PodPath,
            "CronJob" => CronJobPath,
            _ => TemplatePath,
        };

        var podSpec = ItemJson.Object(context.Item, podSpecPath);
        foreach (var listName in new[] { "containers", "initContainers" })
        {
            foreach (var container in podSpec?[listName] as JsonArray ?? new JsonArray())
            {
                if (container is JsonObject c && ItemJson.AsString(c["image"]) is { Length: > 0 } image)
                {
                    var rule = rules.FirstOrDefault(r => image.IndexOf(r.Key, StringComparison.Ordinal) >= 0);
                    if (rule.Key is not null)
                    {
                        c["image"] = image.Replace(rule.Key, rule.Value);
                    }
                }
            }
        }

        return RestoreItemActionResult.Continue;
    }

    private static List<KeyValuePair<string, string>> OrderedRules(IReadOnlyDictionary<string, string> mapping) =>
        mapping
            .Where(pair => !string.IsNullOrEmpty(pair.Key) && pair.Value is not null)
            .OrderByDescending(pair => pair.Key.Length)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .ToList();
}

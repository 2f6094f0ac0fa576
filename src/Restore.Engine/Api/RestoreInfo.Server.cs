using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Execution.Server;
using Restore.Engine.Kubernetes;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>A restore the cluster's Velero server runs (New-Restore -Server), seen through its Restore objects.</summary>
public sealed partial class RestoreInfo
{
    /// <summary><see cref="RanOn"/> of a restore this module ran itself.</summary>
    public const string Client = "Client";

    /// <summary><see cref="RanOn"/> of a restore a Velero server ran.</summary>
    public const string Server = VeleroServerApi.Server;

    /// <summary>For restores read from clusters (<see cref="RanOn"/> Server): the kube contexts whose Velero has the Restore object; null otherwise.</summary>
    public string[]? Context { get; set; }

    /// <summary>For restores read from clusters: the kubeconfig they were read with, when one was given (pipes into <c>-KubeConfig</c>).</summary>
    public string? KubeConfig { get; set; }

    /// <summary>One Restore object per cluster, under one restore name, as one restore: a target per cluster.</summary>
    internal static RestoreInfo FromServer(string name, string veleroNamespace, IReadOnlyList<ServerTargetView> targets, StorageLocationOptions? origin, string? kubeConfig)
    {
        var first = targets.Select(t => t.Restore).FirstOrDefault(r => r is not null);
        RestoreSpec? spec = null;
        try
        {
            spec = RestoreSpecJson.ReadSpec(first?["spec"] as JsonObject);
        }
        catch (FormatException)
        {
            // An odd spec still leaves the status worth showing.
        }

        var annotations = (first?["metadata"] as JsonObject)?["annotations"] as JsonObject;
        var views = targets.Select(TargetOf).ToList();
        var phase = Overall(views.Select(v => v.Phase).ToList());
        var validation = targets.SelectMany(t => Strings((t.Restore?["status"] as JsonObject)?["validationErrors"]).Select(e => targets.Count > 1 ? t.Context + ": " + e : e)).ToList();
        var info = new RestoreInfo
        {
            Name = name,
            Namespace = veleroNamespace,
            Uid = Text((first?["metadata"] as JsonObject)?["uid"]),
            Phase = phase,
            Status = phase,
            RanOn = Server,
            HasRecord = false,
            Warnings = views.Sum(v => v.Warnings),
            Errors = views.Sum(v => v.Errors),
            ItemsRestored = views.Sum(v => v.ItemsRestored),
            TotalItems = views.Sum(v => v.TotalItems),
            FailureReason = FailureOf(views),
            ValidationErrors = validation,
            Targets = views,
            Cluster = string.Join(", ", views.Select(v => v.Name)),
            Context = views.Select(v => v.Name).ToArray(),
            KubeConfig = kubeConfig,
            Backup = spec?.BackupName,
            Schedule = spec?.ScheduleName,
            CreatedBy = Text(annotations?[VeleroServerApi.CreatedByAnnotation]),
            Description = Text(annotations?[VeleroServerApi.DescriptionAnnotation]),
            Labels = new SortedDictionary<string, string>(Map((first?["metadata"] as JsonObject)?["labels"]), StringComparer.Ordinal),
            CreationTimestamp = Time((first?["metadata"] as JsonObject)?["creationTimestamp"]),
            StartTimestamp = targets.Select(t => Time((t.Restore?["status"] as JsonObject)?["startTimestamp"])).Where(t => t is not null).Min(),
            CompletionTimestamp = RestorePhase.IsTerminal(phase) ? targets.Select(t => Time((t.Restore?["status"] as JsonObject)?["completionTimestamp"])).Where(t => t is not null).Max() : null,
            Spec = spec is null ? null : PlainData.Of(spec),
            IncludedNamespaces = spec?.IncludedNamespaces?.ToList() ?? new List<string>(),
            ExcludedNamespaces = spec?.ExcludedNamespaces?.ToList() ?? new List<string>(),
            IncludedResources = spec?.IncludedResources?.ToList() ?? new List<string>(),
            ExcludedResources = spec?.ExcludedResources?.ToList() ?? new List<string>(),
            NamespaceMapping = new SortedDictionary<string, string>(spec?.NamespaceMapping ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            Manifest = first is null ? string.Empty : ManifestYaml.Write(Clean(first)),
        };
        SetOrigin(info, origin);
        info.IsRunning = !RestorePhase.IsTerminal(phase);
        if (info.IsRunning)
        {
            info.StatusNote = $"Running on the Velero server in {info.Cluster}: {info.ItemsRestored} of {info.TotalItems} items so far. Velero writes its log and results to the storage location when it ends.";
        }

        if (info.StartTimestamp is { } start && info.CompletionTimestamp is { } end && end >= start)
        {
            info.Duration = end - start;
        }

        return info;
    }

    /// <summary>The phase of several clusters' restores: any still going is InProgress (New while none started); all alike is that phase; a mix with a success is PartiallyFailed, else Failed.</summary>
    internal static string Overall(IReadOnlyList<string> phases)
    {
        if (phases.Count == 0)
        {
            return RestorePhase.New;
        }

        if (phases.Any(p => !RestorePhase.IsTerminal(p)))
        {
            return phases.All(p => p == RestorePhase.New) ? RestorePhase.New : RestorePhase.InProgress;
        }

        if (phases.Distinct(StringComparer.Ordinal).Count() == 1)
        {
            return phases[0];
        }

        return phases.Any(p => p is RestorePhase.Completed or RestorePhase.PartiallyFailed) ? RestorePhase.PartiallyFailed : RestorePhase.Failed;
    }

    private static RestoreTarget TargetOf(ServerTargetView view)
    {
        var status = view.Restore?["status"] as JsonObject;
        var progress = status?["progress"] as JsonObject;
        var phase = view.Problem is not null ? RestorePhase.Failed : ServerRestoreTarget.PhaseOf(view.Restore);
        var validation = Strings(status?["validationErrors"]);
        return new RestoreTarget
        {
            Name = view.Context,
            Kind = "cluster",
            Server = view.Server,
            Phase = phase,
            TotalItems = RestoreSpecJson.Int(progress?["totalItems"], "totalItems") ?? 0,
            ItemsRestored = RestoreSpecJson.Int(progress?["itemsRestored"], "itemsRestored") ?? 0,
            Warnings = RestoreSpecJson.Int(status?["warnings"], "warnings") ?? 0,
            Errors = RestoreSpecJson.Int(status?["errors"], "errors") ?? 0,
            FailureReason = view.Problem ?? Text(status?["failureReason"]) ?? (validation.Count > 0 ? string.Join("; ", validation) : null),
        };
    }

    private static string? FailureOf(IReadOnlyList<RestoreTarget> targets)
    {
        var reasons = targets.Where(t => !string.IsNullOrEmpty(t.FailureReason)).Select(t => targets.Count > 1 ? t.Name + ": " + t.FailureReason : t.FailureReason!).ToList();
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    private static JsonObject Clean(JsonObject restore)
    {
        // The manifest is what New-Restore -Manifest reads back: no server-set metadata.
        var copy = (JsonObject)restore.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            foreach (var key in new[] { "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "finalizers" })
            {
                meta.Remove(key);
            }
        }

        return copy;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static DateTime? Time(JsonNode? node) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.UtcDateTime : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(Text).Where(s => s is not null).Select(s => s!).ToList() : new List<string>();

    private static Dictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject obj ? obj.Where(p => Text(p.Value) is not null).ToDictionary(p => p.Key, p => Text(p.Value)!, StringComparer.Ordinal) : new Dictionary<string, string>();
}

/// <summary>One cluster's Restore object (or why there is none), as <see cref="RestoreInfo.FromServer"/> reads it.</summary>
internal sealed class ServerTargetView
{
    public ServerTargetView(string context, string server, JsonObject? restore, string? problem)
    {
        Context = context;
        Server = server;
        Restore = restore;
        Problem = problem;
    }

    public string Context { get; }

    public string Server { get; }

    public JsonObject? Restore { get; }

    public string? Problem { get; }
}

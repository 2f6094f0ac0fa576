using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Velero;

namespace Restore.Engine.Records;

/// <summary>The outcome of a restore into one target (a cluster context or a folder).</summary>
internal sealed class RestoreTargetStatus
{
    /// <summary>Context name for clusters, the folder path for folder targets.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>cluster</c> or <c>directory</c>.</summary>
    public string Kind { get; set; } = "cluster";

    /// <summary>API server address for clusters (never credentials).</summary>
    public string? Server { get; set; }

    /// <summary>The phase for this target alone.</summary>
    public string Phase { get; set; } = RestorePhase.New;

    /// <summary>Items planned for this target.</summary>
    public int TotalItems { get; set; }

    /// <summary>Items finished (created, updated, skipped or failed).</summary>
    public int ItemsRestored { get; set; }

    /// <summary>Warnings raised for this target.</summary>
    public int Warnings { get; set; }

    /// <summary>Errors raised for this target.</summary>
    public int Errors { get; set; }

    /// <summary>Why this target failed or partially failed.</summary>
    public string? FailureReason { get; set; }
}

/// <summary>Items done and planned in one namespace.</summary>
internal sealed class NamespaceProgress
{
    /// <summary>Items finished (created, updated, skipped or failed).</summary>
    public int Done { get; set; }

    /// <summary>Items planned so far (grows while the plan is still being produced).</summary>
    public int Total { get; set; }
}

/// <summary>
/// Our record of a restore, stored as <c>restores/&lt;r&gt;/restore-&lt;r&gt;-record.json</c>. Velero never
/// stores Restore objects in object storage (docs/velero-compatibility.md#restore-files), so this is our own extension: a velero.io/v1
/// Restore object whose <c>spec</c> and <c>status</c> hold only Velero's fields, so it decodes strictly as Velero's
/// type; everything of ours (description, created-by, backup timestamp, our spec fields, per-target outcomes, the
/// heartbeat, the cancel flag, retries and per-namespace progress) rides in annotations
/// (docs/velero-compatibility.md#restore-record-fields). Records written before keep reading.
/// </summary>
internal sealed class RestoreRecord
{
    /// <summary>Annotation prefix for our own metadata.</summary>
    public const string AnnotationPrefix = "restore.powershell/";

    /// <summary>The annotation holding our status fields (targets, heartbeat, cancel flag, retries, namespaces) as a JSON object.</summary>
    public const string StatusAnnotation = AnnotationPrefix + "status";

    /// <summary>Restore name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The Velero namespace the Restore object nominally lives in.</summary>
    public string Namespace { get; set; } = "velero";

    /// <summary>A unique id for this run.</summary>
    public string Uid { get; set; } = Guid.NewGuid().ToString();

    /// <summary>When the restore was created.</summary>
    public DateTimeOffset CreationTimestamp { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>User labels.</summary>
    public IDictionary<string, string> Labels { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Free-text description.</summary>
    public string? Description { get; set; }

    /// <summary>The Kubernetes identity used, or the OS user for folder targets.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>When the restored backup was taken (its start timestamp).</summary>
    public DateTimeOffset? BackupTimestamp { get; set; }

    /// <summary>The Velero Restore spec, as JSON.</summary>
    internal JsonObject Spec { get; set; } = new();

    /// <summary>The spec as a model (a copy). Throws <see cref="FormatException"/> naming the field when the stored spec is malformed.</summary>
    public Velero.RestoreSpec ReadSpec() => Velero.RestoreSpecJson.ReadSpec(Spec);

    /// <summary>Replaces the spec (with this module's extensions).</summary>
    public void WriteSpec(Velero.RestoreSpec spec) => Spec = Velero.RestoreSpecJson.WriteSpec(spec ?? throw new ArgumentNullException(nameof(spec)));

    /// <summary>Velero phase.</summary>
    public string Phase { get; set; } = RestorePhase.New;

    /// <summary>Validation messages (phase FailedValidation).</summary>
    public IList<string> ValidationErrors { get; } = new List<string>();

    /// <summary>Why the restore failed or partially failed; always set for PartiallyFailed.</summary>
    public string? FailureReason { get; set; }

    /// <summary>Warning count (docs/velero-compatibility.md#restore-run step 7).</summary>
    public int Warnings { get; set; }

    /// <summary>Error count.</summary>
    public int Errors { get; set; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset? StartTimestamp { get; set; }

    /// <summary>When the run reached a terminal phase.</summary>
    public DateTimeOffset? CompletionTimestamp { get; set; }

    /// <summary>Items planned, over all targets.</summary>
    public int TotalItems { get; set; }

    /// <summary>Items finished, over all targets.</summary>
    public int ItemsRestored { get; set; }

    /// <summary>Exec hooks attempted (Velero's <c>status.hookStatus.hooksAttempted</c>).</summary>
    public int HooksAttempted { get; set; }

    /// <summary>Exec hooks that failed (<c>status.hookStatus.hooksFailed</c>).</summary>
    public int HooksFailed { get; set; }

    /// <summary>True when the user canceled the run.</summary>
    public bool Canceled { get; set; }

    /// <summary>Written on every flush while the run is alive; a stale value on a non-terminal record means the run died.</summary>
    public DateTimeOffset? LastUpdateTimestamp { get; set; }

    /// <summary>Per-target outcomes.</summary>
    public IList<RestoreTargetStatus> Targets { get; } = new List<RestoreTargetStatus>();

    /// <summary>Kubernetes API requests that were sent again after a transient failure (all targets).</summary>
    public int Retries { get; set; }

    /// <summary>Items done and planned per target namespace (the empty name for cluster-scoped items), over all targets.</summary>
    public IDictionary<string, NamespaceProgress> Namespaces { get; } = new SortedDictionary<string, NamespaceProgress>(StringComparer.Ordinal);

    /// <summary>The backup name from the spec.</summary>
    public string? BackupName => Spec["backupName"]?.GetValue<string>();

    /// <summary>The schedule name from the spec.</summary>
    public string? ScheduleName => Spec["scheduleName"]?.GetValue<string>();

    /// <summary>The whole record as a velero.io/v1 Restore object.</summary>
    internal JsonObject ToJson()
    {
        var metadata = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            ["uid"] = Uid,
            ["creationTimestamp"] = Time(CreationTimestamp),
        };
        if (Labels.Count > 0)
        {
            metadata["labels"] = new JsonObject(Labels.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value)));
        }

        var annotations = new JsonObject();
        AddIfSet(annotations, AnnotationPrefix + "description", Description);
        AddIfSet(annotations, AnnotationPrefix + "created-by", CreatedBy);
        AddIfSet(annotations, AnnotationPrefix + "backup-timestamp", BackupTimestamp is null ? null : Time(BackupTimestamp.Value));
        var (veleroSpec, ourSpec) = RestoreSpecExtensions.Split(Spec);
        AddIfSet(annotations, RestoreSpecExtensions.SpecAnnotation, ourSpec?.ToJsonString());
        annotations[StatusAnnotation] = OurStatus().ToJsonString();
        metadata["annotations"] = annotations;

        var status = new JsonObject { ["phase"] = Phase };
        if (ValidationErrors.Count > 0)
        {
            status["validationErrors"] = new JsonArray(ValidationErrors.Select(e => (JsonNode?)e).ToArray());
        }

        AddIfSet(status, "failureReason", FailureReason);
        if (Warnings > 0)
        {
            status["warnings"] = Warnings;
        }

        if (Errors > 0)
        {
            status["errors"] = Errors;
        }

        AddIfSet(status, "startTimestamp", StartTimestamp is null ? null : Time(StartTimestamp.Value));
        AddIfSet(status, "completionTimestamp", CompletionTimestamp is null ? null : Time(CompletionTimestamp.Value));
        status["progress"] = new JsonObject { ["totalItems"] = TotalItems, ["itemsRestored"] = ItemsRestored };
        if (HooksAttempted > 0)
        {
            // Velero's hookStatus (docs/velero-compatibility.md#restore-hooks).
            status["hookStatus"] = new JsonObject { ["hooksAttempted"] = HooksAttempted, ["hooksFailed"] = HooksFailed };
        }

        return new JsonObject
        {
            ["apiVersion"] = "velero.io/v1",
            ["kind"] = "Restore",
            ["metadata"] = metadata,
            ["spec"] = veleroSpec,
            ["status"] = status,
        };
    }

    /// <summary>Our status fields, kept out of Velero's status.</summary>
    private JsonObject OurStatus()
    {
        var status = new JsonObject();
        if (Canceled)
        {
            status["canceled"] = true;
        }

        AddIfSet(status, "lastUpdateTimestamp", LastUpdateTimestamp is null ? null : Time(LastUpdateTimestamp.Value));
        if (Retries > 0)
        {
            status["retries"] = Retries;
        }

        var targets = new JsonArray();
        foreach (var t in Targets)
        {
            var target = new JsonObject
            {
                ["name"] = t.Name,
                ["kind"] = t.Kind,
                ["phase"] = t.Phase,
                ["totalItems"] = t.TotalItems,
                ["itemsRestored"] = t.ItemsRestored,
                ["warnings"] = t.Warnings,
                ["errors"] = t.Errors,
            };
            AddIfSet(target, "server", t.Server);
            AddIfSet(target, "failureReason", t.FailureReason);
            targets.Add(target);
        }

        status["targets"] = targets;
        if (Namespaces.Count > 0)
        {
            // A list, not a map: cluster-scoped items have the empty name, which ConvertFrom-Json refuses as a key.
            var namespaces = new JsonArray();
            foreach (var pair in Namespaces)
            {
                namespaces.Add(new JsonObject { ["namespace"] = pair.Key, ["done"] = pair.Value.Done, ["total"] = pair.Value.Total });
            }

            status["namespaces"] = namespaces;
        }

        return status;
    }

    /// <summary>Reads a record; throws <see cref="FormatException"/> when it is not a Restore object.</summary>
    internal static RestoreRecord FromJson(JsonNode? node)
    {
        if (node is not JsonObject json || (string?)json["kind"] != "Restore")
        {
            throw new FormatException("The restore record is not a velero.io/v1 Restore object.");
        }

        var metadata = json["metadata"] as JsonObject ?? new JsonObject();
        var status = json["status"] as JsonObject ?? new JsonObject();
        var annotations = metadata["annotations"] as JsonObject;

        // Our fields sit in annotations; a record written before kept them in spec and status, which still read.
        var spec = json["spec"] as JsonObject is { } givenSpec ? givenSpec.DeepClone().AsObject() : new JsonObject();
        RestoreSpecExtensions.MergeInto(spec, (string?)annotations?[RestoreSpecExtensions.SpecAnnotation]);
        var ours = RestoreSpecExtensions.ParseObject((string?)annotations?[StatusAnnotation], StatusAnnotation) ?? status;
        var record = new RestoreRecord
        {
            Name = (string?)metadata["name"] ?? string.Empty,
            Namespace = (string?)metadata["namespace"] ?? "velero",
            Uid = (string?)metadata["uid"] ?? string.Empty,
            CreationTimestamp = ParseTime((string?)metadata["creationTimestamp"]) ?? DateTimeOffset.MinValue,
            Description = (string?)annotations?[AnnotationPrefix + "description"],
            CreatedBy = (string?)annotations?[AnnotationPrefix + "created-by"],
            BackupTimestamp = ParseTime((string?)annotations?[AnnotationPrefix + "backup-timestamp"]),
            Spec = spec,
            Phase = (string?)status["phase"] ?? RestorePhase.New,
            FailureReason = (string?)status["failureReason"],
            Warnings = (int?)status["warnings"] ?? 0,
            Errors = (int?)status["errors"] ?? 0,
            StartTimestamp = ParseTime((string?)status["startTimestamp"]),
            CompletionTimestamp = ParseTime((string?)status["completionTimestamp"]),
            TotalItems = (int?)status["progress"]?["totalItems"] ?? 0,
            ItemsRestored = (int?)status["progress"]?["itemsRestored"] ?? 0,
            Canceled = (bool?)ours["canceled"] ?? (bool?)status["canceled"] ?? false,
            HooksAttempted = (int?)status["hookStatus"]?["hooksAttempted"] ?? 0,
            HooksFailed = (int?)status["hookStatus"]?["hooksFailed"] ?? 0,
            LastUpdateTimestamp = ParseTime((string?)ours["lastUpdateTimestamp"] ?? (string?)status["lastUpdateTimestamp"]),
            Retries = (int?)ours["retries"] ?? 0,
        };

        if (metadata["labels"] is JsonObject labels)
        {
            foreach (var pair in labels)
            {
                record.Labels[pair.Key] = (string?)pair.Value ?? string.Empty;
            }
        }

        if (status["validationErrors"] is JsonArray errors)
        {
            foreach (var e in errors)
            {
                record.ValidationErrors.Add((string?)e ?? string.Empty);
            }
        }

        if (ours["namespaces"] is JsonArray namespaces)
        {
            foreach (var entry in namespaces.OfType<JsonObject>())
            {
                record.Namespaces[(string?)entry["namespace"] ?? string.Empty] = new NamespaceProgress { Done = (int?)entry["done"] ?? 0, Total = (int?)entry["total"] ?? 0 };
            }
        }

        if ((ours["targets"] ?? status["targets"]) is JsonArray targets)
        {
            foreach (var t in targets.OfType<JsonObject>())
            {
                record.Targets.Add(new RestoreTargetStatus
                {
                    Name = (string?)t["name"] ?? string.Empty,
                    Kind = (string?)t["kind"] ?? "cluster",
                    Server = (string?)t["server"],
                    Phase = (string?)t["phase"] ?? RestorePhase.New,
                    TotalItems = (int?)t["totalItems"] ?? 0,
                    ItemsRestored = (int?)t["itemsRestored"] ?? 0,
                    Warnings = (int?)t["warnings"] ?? 0,
                    Errors = (int?)t["errors"] ?? 0,
                    FailureReason = (string?)t["failureReason"],
                });
            }
        }

        return record;
    }

    /// <summary>Formats a timestamp as Kubernetes does: RFC 3339, UTC, second precision.</summary>
    public static string Time(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an RFC 3339 timestamp; null for null, empty or malformed text.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        !string.IsNullOrEmpty(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    private static void AddIfSet(JsonObject target, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            target[key] = value;
        }
    }
}

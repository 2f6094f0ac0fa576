using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Kubernetes;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>
/// A restore as Get-Restore and New-Restore show it: the record a restore keeps under <c>restores/&lt;name&gt;/</c>,
/// with its liveness worked out (a run that stopped writing its heartbeat is <see cref="IsAbandoned"/>), and the
/// storage location it was read from so that it pipes into Get-RestoreItem, Get-RestoreLog and Remove-Restore.
/// Times are UTC.
/// </summary>
public sealed partial class RestoreInfo
{
    /// <summary>
    /// How long a non-terminal record may go without a heartbeat (<see cref="LastUpdateTimestamp"/>) before the run
    /// that wrote it counts as dead. A live run rewrites its record every few seconds.
    /// </summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromMinutes(2);

    /// <summary><see cref="Status"/> of a restore folder without a record (one a Velero server made).</summary>
    public const string UnknownStatus = "Unknown";

    /// <summary>Restore name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The Velero namespace the Restore object nominally lives in.</summary>
    public string? Namespace { get; set; }

    /// <summary>Unique id of the run.</summary>
    public string? Uid { get; set; }

    /// <summary>Velero phase exactly as recorded (<c>InProgress</c>, <c>Completed</c>, <c>PartiallyFailed</c>…); empty without a record.</summary>
    public string Phase { get; set; } = string.Empty;

    /// <summary>
    /// What to show: the phase, <c>&lt;phase&gt; (abandoned)</c> for a dead run, <c>Failed (canceled)</c> for a
    /// canceled one, or <see cref="UnknownStatus"/> without a record.
    /// </summary>
    public string Status { get; set; } = string.Empty;

    /// <summary>A sentence explaining the status when it needs one (abandoned, canceled, running, no record); otherwise null.</summary>
    public string? StatusNote { get; set; }

    /// <summary>True when the record is not terminal and its heartbeat is older than <see cref="HeartbeatTimeout"/>: the run died.</summary>
    public bool IsAbandoned { get; set; }

    /// <summary>True when the record is not terminal and its heartbeat is fresh: a run is writing it now.</summary>
    public bool IsRunning { get; set; }

    /// <summary>Where the restore ran: <see cref="Client"/> (this module applied the items) or <see cref="Server"/> (the cluster's Velero server did).</summary>
    public string RanOn { get; set; } = Client;

    /// <summary>True when the restore has our record; false for folders a Velero server wrote (only log, results, resource list).</summary>
    public bool HasRecord { get; set; }

    /// <summary>True when the user canceled the run.</summary>
    public bool Canceled { get; set; }

    /// <summary>Warning count.</summary>
    public int Warnings { get; set; }

    /// <summary>Error count.</summary>
    public int Errors { get; set; }

    /// <summary>
    /// The warnings grouped by scope (Velero, cluster, each namespace), from the restore's results file; also while it
    /// runs. <see cref="RestoreMessages.Empty"/> when there are none.
    /// </summary>
    public RestoreMessages WarningMessages { get; set; } = RestoreMessages.Empty;

    /// <summary>The errors grouped by scope (Velero, cluster, each namespace), from the restore's results file; also while it runs.</summary>
    public RestoreMessages ErrorMessages { get; set; } = RestoreMessages.Empty;

    /// <summary>Items done and planned per target namespace, cluster-scoped items first (empty name); empty for records without it.</summary>
    public IReadOnlyList<RestoreNamespaceProgress> NamespaceProgress { get; set; } = Array.Empty<RestoreNamespaceProgress>();

    /// <summary>Kubernetes API requests sent again after a transient failure (429, 5xx, dropped connection, timeout).</summary>
    public int Retries { get; set; }

    /// <summary>Items finished so far (created, updated, skipped or failed), over all targets.</summary>
    public int ItemsRestored { get; set; }

    /// <summary>Items planned, over all targets.</summary>
    public int TotalItems { get; set; }

    /// <summary>Post-restore exec hooks attempted (Velero's <c>hookStatus.hooksAttempted</c>).</summary>
    public int HooksAttempted { get; set; }

    /// <summary>Post-restore exec hooks that failed, timed out or were not run (<c>hookStatus.hooksFailed</c>).</summary>
    public int HooksFailed { get; set; }

    /// <summary>Why the restore failed or partially failed.</summary>
    public string? FailureReason { get; set; }

    /// <summary>Validation messages (phase <c>FailedValidation</c>).</summary>
    public IReadOnlyList<string> ValidationErrors { get; set; } = Array.Empty<string>();

    /// <summary>The target(s): kubeconfig context names, or folders for folder restores, comma-separated.</summary>
    public string Cluster { get; set; } = string.Empty;

    /// <summary>Per-target outcomes.</summary>
    public IReadOnlyList<RestoreTarget> Targets { get; set; } = Array.Empty<RestoreTarget>();

    /// <summary>The backup restored (<c>spec.backupName</c>).</summary>
    public string? Backup { get; set; }

    /// <summary>The schedule the backup came from (<c>spec.scheduleName</c>), if any.</summary>
    public string? Schedule { get; set; }

    /// <summary>When the restored backup was taken.</summary>
    public DateTime? BackupTimestamp { get; set; }

    /// <summary>The Kubernetes identity (or, for folder restores, the OS user) that ran the restore.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>Free-text description.</summary>
    public string? Description { get; set; }

    /// <summary>Labels of the restore.</summary>
    public IDictionary<string, string> Labels { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>When the restore was created.</summary>
    public DateTime? CreationTimestamp { get; set; }

    /// <summary>When the run started.</summary>
    public DateTime? StartTimestamp { get; set; }

    /// <summary>When the run reached a terminal phase.</summary>
    public DateTime? CompletionTimestamp { get; set; }

    /// <summary>The last heartbeat of the run.</summary>
    public DateTime? LastUpdateTimestamp { get; set; }

    /// <summary>Run time: start to completion, or to the last heartbeat while running or after the run died.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary><c>spec.includedNamespaces</c> (empty means all).</summary>
    public IReadOnlyList<string> IncludedNamespaces { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.excludedNamespaces</c>.</summary>
    public IReadOnlyList<string> ExcludedNamespaces { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.includedResources</c> (empty means all).</summary>
    public IReadOnlyList<string> IncludedResources { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.excludedResources</c>.</summary>
    public IReadOnlyList<string> ExcludedResources { get; set; } = Array.Empty<string>();

    /// <summary><c>spec.namespaceMapping</c>: source namespace to target namespace.</summary>
    public IDictionary<string, string> NamespaceMapping { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The whole restore spec as plain data: its fields by name (<c>Spec.IncludeClusterResources</c>,
    /// <c>Spec.LabelSelector.MatchLabels</c>), nested objects as dictionaries and lists as lists; null without a record.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Spec { get; set; }

    /// <summary>The Restore object as YAML (what <c>New-Restore -Manifest</c> reads back); empty without a record.</summary>
    public string Manifest { get; set; } = string.Empty;

    /// <summary>The storage location the restore was read from (pipes into <c>-StorageLocation</c>).</summary>
    public string StorageLocation { get; set; } = string.Empty;

    /// <summary>S3 endpoint used, if any (pipes into <c>-Endpoint</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>S3 region given, if any (pipes into <c>-Region</c>).</summary>
    public string? Region { get; set; }

    /// <summary>AWS profile used, if any (pipes into <c>-ProfileName</c>).</summary>
    public string? ProfileName { get; set; }

    /// <summary>Google credential file used for a gs:// location, if any (pipes into <c>-GoogleCredentialFile</c>); a path, never its content.</summary>
    public string? GoogleCredentialFile { get; set; }

    /// <summary>True for phases after which nothing changes.</summary>
    public bool IsTerminal => RestorePhase.IsTerminal(Phase);

    /// <summary>
    /// Builds the view of a record. <paramref name="now"/> decides liveness: a non-terminal record whose heartbeat
    /// (or, before the first one, creation time) is older than <see cref="HeartbeatTimeout"/> is abandoned.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <param name="origin">The storage location options it was read with (the secret is not copied); null for none.</param>
    /// <param name="now">The current time.</param>
    internal static RestoreInfo FromRecord(RestoreRecord record, StorageLocationOptions? origin, DateTimeOffset now)
    {
        if (record is null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        RestoreSpec? spec;
        try
        {
            spec = RestoreSpecJson.ReadSpec(record.Spec);
        }
        catch (FormatException)
        {
            // A spec we cannot read still leaves the status worth showing.
            spec = null;
        }

        var info = new RestoreInfo
        {
            Name = record.Name,
            Namespace = record.Namespace,
            Uid = record.Uid,
            Phase = record.Phase,
            HasRecord = true,
            Canceled = record.Canceled,
            Warnings = record.Warnings,
            Errors = record.Errors,
            ItemsRestored = record.ItemsRestored,
            TotalItems = record.TotalItems,
            HooksAttempted = record.HooksAttempted,
            HooksFailed = record.HooksFailed,
            FailureReason = record.FailureReason,
            ValidationErrors = record.ValidationErrors.ToList(),
            Targets = record.Targets.Select(RestoreTarget.From).ToList(),
            Cluster = string.Join(", ", record.Targets.Select(t => t.Name).Where(n => n.Length > 0)),
            Backup = spec?.BackupName ?? record.BackupName,
            Schedule = spec?.ScheduleName ?? record.ScheduleName,
            BackupTimestamp = Utc(record.BackupTimestamp),
            CreatedBy = record.CreatedBy,
            Description = record.Description ?? spec?.Description,
            Labels = new SortedDictionary<string, string>(record.Labels, StringComparer.Ordinal),
            CreationTimestamp = record.CreationTimestamp == DateTimeOffset.MinValue ? null : Utc(record.CreationTimestamp),
            StartTimestamp = Utc(record.StartTimestamp),
            CompletionTimestamp = Utc(record.CompletionTimestamp),
            LastUpdateTimestamp = Utc(record.LastUpdateTimestamp),
            Spec = spec is null ? null : PlainData.Of(spec),
            IncludedNamespaces = spec?.IncludedNamespaces?.ToList() ?? new List<string>(),
            ExcludedNamespaces = spec?.ExcludedNamespaces?.ToList() ?? new List<string>(),
            IncludedResources = spec?.IncludedResources?.ToList() ?? new List<string>(),
            ExcludedResources = spec?.ExcludedResources?.ToList() ?? new List<string>(),
            NamespaceMapping = new SortedDictionary<string, string>(spec?.NamespaceMapping ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            Manifest = ManifestYaml.Write(record.ToJson()),
            Retries = record.Retries,
            NamespaceProgress = record.Namespaces.Select(p => new RestoreNamespaceProgress { Namespace = p.Key, ItemsDone = p.Value.Done, TotalItems = p.Value.Total }).ToList(),
        };
        SetOrigin(info, origin);

        var terminal = RestorePhase.IsTerminal(record.Phase);
        var heartbeat = record.LastUpdateTimestamp ?? record.StartTimestamp ?? (record.CreationTimestamp == DateTimeOffset.MinValue ? (DateTimeOffset?)null : record.CreationTimestamp);
        info.IsAbandoned = !terminal && (heartbeat is null || now - heartbeat.Value > HeartbeatTimeout);
        info.IsRunning = !terminal && !info.IsAbandoned;
        info.Status = record.Phase;
        if (info.IsAbandoned)
        {
            info.Status = record.Phase + " (abandoned)";
            info.StatusNote = heartbeat is null
                ? $"The record is {record.Phase} but has no heartbeat: the run that wrote it stopped before it finished."
                : $"The record is {record.Phase} but its last heartbeat was {Ago(now - heartbeat.Value)} ago ({RestoreRecord.Time(heartbeat.Value)}): "
                    + "the run that wrote it stopped before it finished (session closed, process killed or machine lost). "
                    + $"{record.ItemsRestored} of {record.TotalItems} items were done. Run the restore again to finish it; Remove-Restore deletes this record.";
        }
        else if (info.IsRunning)
        {
            info.StatusNote = $"Running: {record.ItemsRestored} of {record.TotalItems} items done, last heartbeat {RestoreRecord.Time(heartbeat!.Value)}.";
        }
        else if (record.Canceled)
        {
            info.Status = record.Phase + " (canceled)";
            info.StatusNote = $"Canceled by the user after {record.ItemsRestored} of {record.TotalItems} items.";
        }

        var end = record.CompletionTimestamp ?? (terminal ? null : record.LastUpdateTimestamp);
        if (record.StartTimestamp is { } start && end is { } stop && stop >= start)
        {
            info.Duration = stop - start;
        }

        return info;
    }

    /// <summary>
    /// The view of a restore folder that has no record: one a Velero server wrote (log, results, resource list only).
    /// The counts come from its results file when there is one.
    /// </summary>
    /// <param name="name">Restore name.</param>
    /// <param name="results">Its results, or null when there are none.</param>
    /// <param name="origin">The storage location options it was read with; null for none.</param>
    internal static RestoreInfo WithoutRecord(string name, RestoreResults? results, StorageLocationOptions? origin)
    {
        var info = new RestoreInfo
        {
            Name = name ?? throw new ArgumentNullException(nameof(name)),
            Status = UnknownStatus,
            RanOn = Server,
            Warnings = results?.Warnings.Count ?? 0,
            Errors = results?.Errors.Count ?? 0,
            StatusNote = "This restore has no record, only Velero's files (log, results, resource list): a Velero server made it, "
                + "or its record was lost. Get-RestoreLog and Get-RestoreItem still read it.",
        };
        info.SetResults(results);
        SetOrigin(info, origin);
        return info;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Takes the warnings and errors by scope from the results file; null leaves them empty.</summary>
    internal void SetResults(RestoreResults? results)
    {
        WarningMessages = results is null ? RestoreMessages.Empty : RestoreMessages.From(results.Warnings);
        ErrorMessages = results is null ? RestoreMessages.Empty : RestoreMessages.From(results.Errors);
    }

    private static void SetOrigin(RestoreInfo info, StorageLocationOptions? origin)
    {
        if (origin is null)
        {
            return;
        }

        info.StorageLocation = origin.Location;
        info.Endpoint = origin.Endpoint;
        info.Region = origin.Region;
        info.ProfileName = origin.ProfileName;
        info.GoogleCredentialFile = origin.GoogleCredentialFile;
    }

    private static DateTime? Utc(DateTimeOffset? value) => value?.UtcDateTime;

    private static string Ago(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : $"{Math.Max(0, (int)span.TotalMinutes)} min";
}

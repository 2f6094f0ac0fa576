using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.PowerShell.Infrastructure;

/// <summary>Where a restore run writes: the cmdlet's pipeline (through Post) or a job's streams. Every member is called from engine threads.</summary>
internal interface IRestoreStreams
{
    void Output(object value);

    void Error(ErrorRecord error);

    void Warning(string message);

    void Verbose(string message);

    void Debug(string message);

    void Progress(ProgressRecord progress);
}

/// <summary>
/// Runs one restore for New-Restore, in the cmdlet or in a job: throttled progress per target, one error record per
/// failed item, the restore log on the verbose stream (warnings on the warning stream), and at the end the
/// Restore object plus an error per failed target.
/// </summary>
internal sealed class RestoreRunner
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly IRestoreStreams streams;
    private readonly string errorIdPrefix;
    private readonly StorageLocationOptions origin;
    private readonly object gate = new();
    private readonly Dictionary<string, TargetProgress> progressByTarget = new(StringComparer.Ordinal);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private string activity = "Restore";
    private string restoreName = string.Empty;

    public RestoreRunner(IRestoreStreams streams, string errorIdPrefix, StorageLocationOptions origin)
    {
        this.streams = streams;
        this.errorIdPrefix = errorIdPrefix;
        this.origin = origin;
        Log = new StreamsLog(streams);
    }

    /// <summary>The log to give the engine: info on the verbose stream, warnings on the warning stream.</summary>
    public IEngineLog Log { get; }

    /// <summary>Runs the restore and writes its outcome. Exceptions of the engine (invalid request, storage) pass through.</summary>
    public async Task<RestoreInfo> RunAsync(RestoreEngine engine, RestoreRequest request, CancellationToken cancellationToken)
    {
        activity = $"Restoring backup {request.Spec.BackupName ?? request.Spec.ScheduleName ?? string.Empty}".TrimEnd();
        restoreName = request.Name ?? string.Empty;
        RestoreRunResult result;
        try
        {
            result = await engine.RunAsync(request, new CallbackProgress<RestoreProgress>(Report), OnItem, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CloseProgress();
        }

        var info = RestoreInfo.FromRecord(result.Record, origin, DateTimeOffset.UtcNow);
        foreach (var problem in result.StorageProblems)
        {
            streams.Warning("Writing the restore record failed for a while: " + problem);
        }

        if (result.FallbackDirectory is { } fallback)
        {
            streams.Warning($"The storage location could not be written at the end; the record, log, results and item outcomes of '{info.Name}' were saved in {fallback} instead.");
        }

        // The run reports a timeout as a cancel too; only our token tells the user's Ctrl+C or Stop-Job apart.
        var stoppedByUser = result.Canceled && cancellationToken.IsCancellationRequested;
        if (stoppedByUser)
        {
            streams.Warning($"The restore '{info.Name}' was stopped after {info.ItemsRestored} of {info.TotalItems} items; its record says so. Run it again under a new name to restore what is still missing.");
        }

        streams.Output(info);
        if (stoppedByUser)
        {
            return info;
        }

        if (result.Canceled)
        {
            streams.Error(new ErrorRecord(
                new TimeoutException($"Restore '{info.Name}' stopped: {info.FailureReason ?? "it did not finish within -Timeout"}"),
                errorIdPrefix + "TimedOut",
                ErrorCategory.OperationTimeout,
                info));
            return info;
        }

        foreach (var target in info.Targets.Where(t => t.FailureReason is not null && t.Phase is RestorePhase.Failed or RestorePhase.PartiallyFailed))
        {
            var unreachable = target.FailureReason!.StartsWith("could not connect", StringComparison.OrdinalIgnoreCase);
            streams.Error(new ErrorRecord(
                new InvalidOperationException($"Restore '{info.Name}' into {target.Kind} '{target.Name}' ended {target.Phase}: {target.FailureReason}"),
                errorIdPrefix + (target.Phase == RestorePhase.Failed ? "TargetFailed" : "TargetPartiallyFailed"),
                unreachable ? ErrorCategory.ConnectionError : ErrorCategory.NotSpecified,
                target));
        }

        if (info.Phase == RestorePhase.Failed && !info.Targets.Any(t => t.FailureReason is not null))
        {
            streams.Error(new ErrorRecord(
                new InvalidOperationException($"Restore '{info.Name}' failed: {info.FailureReason ?? "see Get-RestoreLog"}"),
                errorIdPrefix + "Failed",
                ErrorCategory.NotSpecified,
                info));
        }

        return info;
    }

    /// <summary>The error record for one failed item: id <c>&lt;Cmdlet&gt;ItemFailed</c>, the outcome as target.</summary>
    internal static ErrorRecord ItemError(string errorIdPrefix, RestoreItemOutcome outcome)
    {
        var where = outcome.Namespace.Length == 0 ? outcome.Name : outcome.Namespace + "/" + outcome.Name;
        var message = $"{outcome.Resource} {where}" + (outcome.Target.Length == 0 ? string.Empty : $" in {outcome.Target}") + ": " + (outcome.Message ?? "failed");
        var category = outcome.Message?.IndexOf("already exists", StringComparison.OrdinalIgnoreCase) >= 0 ? ErrorCategory.ResourceExists : ErrorCategory.WriteError;
        return new ErrorRecord(new InvalidOperationException(message), errorIdPrefix + "ItemFailed", category, outcome);
    }

    private void OnItem(RestoreItemOutcome outcome)
    {
        if (outcome.Action == ItemRestoreAction.Failed)
        {
            outcome.Restore = restoreName;
            streams.Error(ItemError(errorIdPrefix, outcome));
        }
    }

    private void Report(RestoreProgress progress)
    {
        ProgressRecord? record = null;
        lock (gate)
        {
            if (!progressByTarget.TryGetValue(progress.Target, out var state))
            {
                state = new TargetProgress(progressByTarget.Count + 1);
                progressByTarget.Add(progress.Target, state);
            }

            var now = clock.Elapsed;
            var phaseChanged = !string.Equals(state.Phase, progress.Phase, StringComparison.Ordinal);
            if (!phaseChanged && now - state.LastShown < ProgressInterval)
            {
                return;
            }

            state.Phase = progress.Phase;
            state.LastShown = now;
            state.Shown = true;
            record = ProgressFor(state.Id, activity, progress);
        }

        streams.Progress(record);
    }

    /// <summary>The progress record of one target: items done of total, the current tier and namespace.</summary>
    internal static ProgressRecord ProgressFor(int id, string activity, RestoreProgress progress)
    {
        var status = progress.TotalItems > 0
            ? $"{progress.Target}: {progress.Phase}, {progress.ItemsDone} of {progress.TotalItems} items"
            : $"{progress.Target}: {progress.Phase}";
        var record = new ProgressRecord(id, activity, status);
        if (progress.TotalItems > 0)
        {
            record.PercentComplete = (int)Math.Min(100, (long)progress.ItemsDone * 100 / progress.TotalItems);
        }

        var current = string.Join(", ", new[] { progress.CurrentTier, progress.CurrentNamespace is { Length: > 0 } ns ? "namespace " + ns : null }.Where(s => !string.IsNullOrEmpty(s)));
        if (current.Length > 0)
        {
            record.CurrentOperation = current;
        }

        return record;
    }

    private void CloseProgress()
    {
        List<int> shown;
        lock (gate)
        {
            shown = progressByTarget.Values.Where(s => s.Shown).Select(s => s.Id).ToList();
        }

        foreach (var id in shown)
        {
            streams.Progress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private sealed class TargetProgress
    {
        public TargetProgress(int id) => Id = id;

        public int Id { get; }

        public string? Phase { get; set; }

        public TimeSpan LastShown { get; set; } = TimeSpan.MinValue;

        public bool Shown { get; set; }
    }

    /// <summary>The restore log on PowerShell's streams: warnings as warnings, errors and info as verbose, the rest as debug.</summary>
    private sealed class StreamsLog : IEngineLog
    {
        private readonly IRestoreStreams streams;

        public StreamsLog(IRestoreStreams streams) => this.streams = streams;

        public void Write(EngineLogEntry entry)
        {
            if (entry is null)
            {
                return;
            }

            var text = LogText(entry);
            switch (entry.Level)
            {
                case EngineLogLevel.Warning:
                    streams.Warning(text);
                    break;
                case EngineLogLevel.Error:
                    // Failed items also arrive as error records; the log line stays on the verbose stream.
                    streams.Verbose("error: " + text);
                    break;
                case EngineLogLevel.Info:
                    streams.Verbose(text);
                    break;
                default:
                    streams.Debug(text);
                    break;
            }
        }

        /// <summary>The message, then the fields in brackets (<c>Restored deployments.apps shop/web [namespace=shop]</c>).</summary>
        internal static string LogText(EngineLogEntry entry)
        {
            var fields = entry.Fields.Where(f => f.Key is not ("logSource" or "restore")).Select(f => f.Key + "=" + f.Value).ToList();
            return fields.Count == 0 ? entry.Message : entry.Message + " [" + string.Join(", ", fields) + "]";
        }
    }
}

/// <summary>An IProgress that calls back on the reporting thread (no SynchronizationContext hop).</summary>
internal sealed class CallbackProgress<T> : IProgress<T>
{
    private readonly Action<T> callback;

    public CallbackProgress(Action<T> callback) => this.callback = callback;

    public void Report(T value) => callback(value);
}

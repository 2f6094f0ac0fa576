using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Model;
using Restore.Engine.Records;
using Restore.Engine.Storage;

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
/// Runs one restore for New-Restore, in the cmdlet or in a job: throttled progress per target and the restore log on
/// the verbose stream (warnings on the warning stream) while it runs; once it has ended, the Restore object and then
/// its errors. No error is written while the restore runs, so an ErrorAction of Stop (the usual runbook setting) ends
/// the command only when the restore has ended and its record is final, with the Restore object already written.
/// </summary>
internal sealed class RestoreRunner
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly IRestoreStreams streams;
    private readonly string errorIdPrefix;
    private readonly StorageLocationOptions origin;
    private readonly object gate = new();
    private readonly Dictionary<string, TargetProgress> progressByTarget = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RestoreItemOutcome> failedItems = new();
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

    /// <summary>After <see cref="RunAsync"/>: why the restore ended Failed (not when it was stopped by the user); else null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>
    /// Runs the restore, then writes the Restore object, the errors that sum it up (<see cref="SummaryErrors"/>) and one
    /// error per failed item. Exceptions of the engine (invalid request, storage) pass through.
    /// </summary>
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

        // Storage problems and a fallback folder already reached the warning stream through the log, as they happened.
        var info = RestoreInfo.FromRecord(result.Record, origin, DateTimeOffset.UtcNow);
        if (result.Canceled)
        {
            // After Ctrl+C the pipeline takes no more writes, so this reaches jobs only (Stop-Job).
            streams.Warning($"The restore '{info.Name}' was stopped after {info.ItemsRestored} of {info.TotalItems} items; its record says so. Run it again under a new name to restore what is still missing.");
        }

        streams.Output(info);
        var failed = failedItems.ToList();
        if (!result.Canceled)
        {
            foreach (var error in SummaryErrors(result, info, failed))
            {
                streams.Error(error);
            }

            if (info.Phase == RestorePhase.Failed)
            {
                // Receive-Job repeats a failed job's reason after its errors: a one-line summary, not the same error again.
                var reason = $"The restore '{info.Name}' ended Failed: {info.FailureReason ?? "see Get-RestoreLog"}";
                Failure = result.TimedOut ? new TimeoutException(reason) : new InvalidOperationException(reason);
            }
        }

        foreach (var outcome in failed)
        {
            streams.Error(ItemError(errorIdPrefix, outcome));
        }

        return info;
    }

    /// <summary>
    /// The errors that sum up a restore that did not complete: <c>&lt;Cmdlet&gt;TimedOut</c> (the Restore as target) for
    /// -Timeout; otherwise one <c>&lt;Cmdlet&gt;TargetFailed</c> per target that could not run (its name as target), then
    /// <c>&lt;Cmdlet&gt;PartiallyFailed</c> or, when no target error said why, <c>&lt;Cmdlet&gt;Failed</c> (the Restore as target).
    /// </summary>
    internal IEnumerable<ErrorRecord> SummaryErrors(RestoreRunResult result, RestoreInfo info, IReadOnlyCollection<RestoreItemOutcome> failed)
    {
        if (result.TimedOut)
        {
            yield return new ErrorRecord(
                new TimeoutException($"Restore '{info.Name}' stopped: {info.FailureReason ?? "it did not finish within -Timeout"}"),
                errorIdPrefix + "TimedOut",
                ErrorCategory.OperationTimeout,
                info);
            yield break;
        }

        var categories = new HashSet<ErrorCategory>(failed.Select(o => CategoryOf(o.Failure)));
        var targetErrors = 0;
        foreach (var target in info.Targets)
        {
            if (target.Phase != RestorePhase.Failed || !result.TargetFailures.TryGetValue(target.Name, out var failure))
            {
                continue;
            }

            targetErrors++;
            categories.Add(CategoryOf(failure));
            yield return new ErrorRecord(
                new InvalidOperationException($"Restore '{info.Name}' into {target.Kind} '{target.Name}' failed: {target.FailureReason}"),
                errorIdPrefix + "TargetFailed",
                CategoryOf(failure),
                target.Name);
        }

        if (info.Phase == RestorePhase.PartiallyFailed)
        {
            yield return new ErrorRecord(
                new InvalidOperationException($"Restore '{info.Name}' ended PartiallyFailed: {info.FailureReason ?? "see Get-RestoreLog"}. Get-RestoreItem -Action Failed lists the items that failed."),
                errorIdPrefix + "PartiallyFailed",
                categories.Count == 1 ? categories.Single() : ErrorCategory.NotSpecified,
                info);
        }
        else if (info.Phase == RestorePhase.Failed && targetErrors == 0)
        {
            yield return new ErrorRecord(
                new InvalidOperationException($"Restore '{info.Name}' failed: {info.FailureReason ?? "see Get-RestoreLog"}"),
                errorIdPrefix + "Failed",
                ErrorCategory.NotSpecified,
                info);
        }
    }

    /// <summary>The error record for one failed item: id <c>&lt;Cmdlet&gt;ItemFailed</c>, the outcome as target, the category from its kind of failure.</summary>
    internal static ErrorRecord ItemError(string errorIdPrefix, RestoreItemOutcome outcome)
    {
        var where = outcome.Namespace.Length == 0 ? outcome.Name : outcome.Namespace + "/" + outcome.Name;
        var message = $"{outcome.Resource} {where}" + (outcome.Target.Length == 0 ? string.Empty : $" in {outcome.Target}") + ": " + (outcome.Message ?? "failed");
        return new ErrorRecord(new InvalidOperationException(message), errorIdPrefix + "ItemFailed", CategoryOf(outcome.Failure), outcome);
    }

    internal static ErrorCategory CategoryOf(string failure) => failure switch
    {
        ItemFailure.Planning or ItemFailure.Invalid => ErrorCategory.InvalidData,
        ItemFailure.AlreadyExists => ErrorCategory.ResourceExists,
        ItemFailure.Forbidden => ErrorCategory.PermissionDenied,
        ItemFailure.Unauthorized => ErrorCategory.AuthenticationError,
        ItemFailure.NotFound => ErrorCategory.ObjectNotFound,
        ItemFailure.TimedOut => ErrorCategory.OperationTimeout,
        ItemFailure.Unreachable => ErrorCategory.ConnectionError,
        ItemFailure.NamespaceUnavailable => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.WriteError,
    };

    internal static ErrorCategory CategoryOf(TargetFailure failure) => failure switch
    {
        TargetFailure.Unreachable => ErrorCategory.ConnectionError,
        TargetFailure.Authentication => ErrorCategory.AuthenticationError,
        TargetFailure.Forbidden => ErrorCategory.PermissionDenied,
        TargetFailure.Configuration => ErrorCategory.InvalidData,
        TargetFailure.ClusterState or TargetFailure.Backup => ErrorCategory.ReadError,
        TargetFailure.Invalid => ErrorCategory.InvalidArgument,
        _ => ErrorCategory.NotSpecified,
    };

    private void OnItem(RestoreItemOutcome outcome)
    {
        if (outcome.Action == ItemRestoreAction.Failed)
        {
            outcome.Restore = restoreName;
            failedItems.Enqueue(outcome);
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

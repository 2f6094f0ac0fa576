using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Runs New-Restore -Server, in the cmdlet or in a job: creates the Restore objects through the engine, then (unless
/// -NoWait) follows them with a progress bar per cluster, phase changes on the verbose stream, and at the end the
/// Restore object and the errors that sum it up. Stopping (Ctrl+C, Stop-Job, -Timeout) ends only the waiting: Velero
/// cannot cancel a restore, so the servers keep running it.
/// </summary>
internal sealed class ServerRestoreRunner
{
    private readonly IRestoreStreams streams;
    private readonly string errorIdPrefix;
    private readonly Dictionary<string, int> progressIds = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private string activity = "Restore";

    public ServerRestoreRunner(IRestoreStreams streams, string errorIdPrefix)
    {
        this.streams = streams;
        this.errorIdPrefix = errorIdPrefix;
        Log = new StreamsLog(streams);
    }

    /// <summary>The engine's log on the streams: info as verbose, warnings as warnings.</summary>
    public ILogSink Log { get; }

    /// <summary>The name of the restore being followed, once created (for the note Ctrl+C writes).</summary>
    public string? Following { get; private set; }

    /// <summary>The clusters it runs in, once created.</summary>
    public string? Clusters { get; private set; }

    /// <summary>After <see cref="RunAsync"/>: why the job should fail (the restore did not complete everywhere); else null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Creates the restores, follows them unless <paramref name="noWait"/>, writes the result. Engine failures before anything was created pass through.</summary>
    public async Task<RestoreInfo> RunAsync(ServerRestoreRequest request, bool noWait, CancellationToken cancellationToken)
    {
        using var run = await VeleroServer.StartAsync(request, Log, cancellationToken).ConfigureAwait(false);
        var created = run.Current;
        Following = run.Name;
        Clusters = created.Cluster;
        if (noWait)
        {
            streams.Verbose($"Restore '{run.Name}' created in {created.Cluster}; not waiting (-NoWait). Get-Restore -Context shows its phase.");
            streams.Output(created);
            return created;
        }

        activity = $"Velero server restore {run.Name} (Ctrl+C stops waiting; the server keeps running)";
        ServerRestoreReport report;
        try
        {
            report = await run.FollowAsync(new CallbackProgress<RestoreProgress>(Report), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Only the waiting stops. In a job (Stop-Job) this still reaches the job's streams; Ctrl+C gets its note from the cmdlet.
            streams.Warning(StoppedNote(run.Name, created.Cluster));
            throw;
        }
        finally
        {
            CloseProgress();
        }

        var info = report.Restore;
        streams.Output(info);
        foreach (var error in SummaryErrors(info, report.Finished))
        {
            streams.Error(error);
        }

        return info;
    }

    /// <summary>The note for a follow that was stopped: the server goes on, and where to look.</summary>
    public static string StoppedNote(string name, string clusters) =>
        $"Stopped waiting for restore '{name}'. Velero cannot cancel a restore: the Velero server in {clusters} keeps running it. Get-Restore '{name}' -Context shows its phase; Remove-Restore -Context deletes the Restore object once you no longer need it.";

    /// <summary>
    /// The errors of a server restore that did not complete: <c>&lt;Cmdlet&gt;TimedOut</c> when -Timeout ended the
    /// waiting; else per cluster that failed <c>&lt;Cmdlet&gt;FailedValidation</c> (Velero's reasons) or
    /// <c>&lt;Cmdlet&gt;TargetFailed</c>, then <c>&lt;Cmdlet&gt;PartiallyFailed</c> when the restore is PartiallyFailed.
    /// </summary>
    internal IEnumerable<ErrorRecord> SummaryErrors(RestoreInfo info, bool finished)
    {
        if (!finished)
        {
            var message = $"Restore '{info.Name}' did not end within -Timeout (phase {info.Phase}, {info.ItemsRestored} of {info.TotalItems} items). The Velero server keeps running it; Get-Restore -Context shows its phase.";
            Failure = new TimeoutException(message);
            yield return new ErrorRecord(Failure, errorIdPrefix + FailureErrors.For(FailureKind.TimedOut).Suffix, FailureErrors.For(FailureKind.TimedOut).Category, info);
            yield break;
        }

        foreach (var target in info.Targets.Where(t => t.Phase is RestorePhases.Failed or RestorePhases.FailedValidation))
        {
            var validation = target.Phase == RestorePhases.FailedValidation;
            var text = validation
                ? $"The Velero server in '{target.Name}' refused restore '{info.Name}' (FailedValidation): {target.FailureReason}"
                : $"Restore '{info.Name}' failed on the Velero server in '{target.Name}': {target.FailureReason ?? "see Get-RestoreLog"}";
            Failure ??= new InvalidOperationException(text);
            var (suffix, category) = validation ? FailureErrors.For(FailureKind.ServerValidationFailed) : ("TargetFailed", ErrorCategory.NotSpecified);
            yield return new ErrorRecord(new InvalidOperationException(text), errorIdPrefix + suffix, category, target.Name);
        }

        if (info.Phase == RestorePhases.PartiallyFailed)
        {
            Failure ??= new InvalidOperationException($"Restore '{info.Name}' ended PartiallyFailed.");
            yield return new ErrorRecord(
                new InvalidOperationException($"Restore '{info.Name}' ended PartiallyFailed: {info.FailureReason ?? $"{info.Errors} error(s)"}. Get-RestoreLog and Get-RestoreItem read Velero's log and results from the storage location."),
                errorIdPrefix + "PartiallyFailed",
                ErrorCategory.NotSpecified,
                info);
        }
    }

    private void Report(RestoreProgress progress)
    {
        ProgressRecord record;
        lock (gate)
        {
            if (!progressIds.TryGetValue(progress.Target, out var id))
            {
                id = progressIds.Count + 1;
                progressIds.Add(progress.Target, id);
            }

            record = RestoreRunner.ProgressFor(id, activity, progress);
        }

        streams.Progress(record);
    }

    private void CloseProgress()
    {
        List<int> ids;
        lock (gate)
        {
            ids = progressIds.Values.ToList();
        }

        foreach (var id in ids)
        {
            streams.Progress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private sealed class StreamsLog : ILogSink
    {
        private readonly IRestoreStreams streams;

        public StreamsLog(IRestoreStreams streams) => this.streams = streams;

        public void Write(RestoreLogLevel level, string message, IReadOnlyList<KeyValuePair<string, string>> fields)
        {
            switch (level)
            {
                case RestoreLogLevel.Warning:
                case RestoreLogLevel.Error:
                    streams.Warning(message);
                    break;
                case RestoreLogLevel.Info:
                    streams.Verbose(message);
                    break;
                default:
                    streams.Debug(message);
                    break;
            }
        }
    }
}

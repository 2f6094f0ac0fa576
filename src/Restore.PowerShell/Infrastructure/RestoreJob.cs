using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// New-Restore -AsJob: a job that runs the restore on a background thread and surfaces its output, errors,
/// warnings, verbose lines and progress through the job's streams (Receive-Job). Stop-Job cancels the restore
/// through the engine's token; the record then says it was canceled.
/// </summary>
public sealed class RestoreJob : Job, IRestoreStreams
{
    private readonly CancellationTokenSource stopping = new();
    private readonly object gate = new();
    private int started;
    private string status = "Not started";

    /// <summary>Creates a job; <paramref name="command"/> is the command line shown by Get-Job.</summary>
    public RestoreJob(string command, string name)
        : base(command, name)
    {
        PSJobTypeName = "RestoreJob";
    }

    /// <inheritdoc />
    public override string StatusMessage => status;

    /// <inheritdoc />
    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Progress.Count > 0;

    /// <inheritdoc />
    public override string Location => Environment.MachineName;

    /// <summary>
    /// Starts <paramref name="work"/> on the thread pool. The job ends Completed when it returns, Stopped when it was
    /// stopped, Failed when it throws (the exception's error record is added to the error stream first).
    /// </summary>
    internal void Start(Func<CancellationToken, Task> work, Func<Exception, ErrorRecord> errorFor)
    {
        if (Interlocked.Exchange(ref started, 1) != 0)
        {
            throw new InvalidOperationException("The restore job has already been started.");
        }

        lock (gate)
        {
            status = "Running";
            SetJobState(JobState.Running);
        }

        Task.Run(async () =>
        {
            try
            {
                await work(stopping.Token).ConfigureAwait(false);
                Finish(stopping.IsCancellationRequested ? JobState.Stopped : JobState.Completed, null);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                Finish(JobState.Stopped, null);
            }
            catch (Exception ex)
            {
                Error.Add(ex is RuntimeException runtime && runtime.ErrorRecord is { } inner ? inner : errorFor(ex));
                Finish(JobState.Failed, ex.Message);
            }
        });
    }

    /// <inheritdoc />
    public override void StopJob()
    {
        // State changes are serialized: the work may finish while Stop-Job asks it to stop.
        lock (gate)
        {
            if (IsFinished(JobStateInfo.State) || JobStateInfo.State == JobState.Stopping)
            {
                return;
            }

            status = "Stopping";
            if (Volatile.Read(ref started) == 0)
            {
                SetJobState(JobState.Stopped);
                return;
            }

            SetJobState(JobState.Stopping);
        }

        stopping.Cancel();
    }

    void IRestoreStreams.Output(object value) => Output.Add(PSObject.AsPSObject(value));

    void IRestoreStreams.Error(ErrorRecord error) => Error.Add(error);

    void IRestoreStreams.Warning(string message) => Warning.Add(new WarningRecord(message));

    void IRestoreStreams.Verbose(string message) => Verbose.Add(new VerboseRecord(message));

    void IRestoreStreams.Debug(string message) => Debug.Add(new DebugRecord(message));

    void IRestoreStreams.Progress(ProgressRecord progress) => Progress.Add(progress);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!IsFinished(JobStateInfo.State))
            {
                stopping.Cancel();
            }

            // Not disposed: the background work may still be unwinding and reading its token.
        }

        base.Dispose(disposing);
    }

    private void Finish(JobState state, string? failure)
    {
        lock (gate)
        {
            if (IsFinished(JobStateInfo.State))
            {
                return;
            }

            if (state == JobState.Completed && JobStateInfo.State == JobState.Stopping)
            {
                state = JobState.Stopped;
            }

            status = failure is null ? state.ToString() : "Failed: " + failure;
            SetJobState(state);
        }
    }

    private static bool IsFinished(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;
}

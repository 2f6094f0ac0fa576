using System;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// New-Restore -AsJob: a job that runs the restore on a background thread and surfaces its output, errors,
/// warnings, verbose lines and progress through the job's streams (Receive-Job). Stop-Job cancels the restore
/// through the engine's token and returns once the restore has ended (its record says it was canceled) and the job
/// is Stopped. A Job2, because only a Job2 can give a Failed job its reason (JobStateInfo.Reason).
/// </summary>
public sealed class RestoreJob : Job2, IRestoreStreams
{
    /// <summary>
    /// Job2.SetJobState(JobState, Exception), protected in every PowerShell but missing from the PowerShellStandard
    /// reference assembly: the only way to give a failed job its JobStateInfo.Reason.
    /// </summary>
    private static readonly MethodInfo? SetJobStateWithReason = typeof(Job2).GetMethod(
        "SetJobState",
        BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly,
        null,
        new[] { typeof(JobState), typeof(Exception) },
        null);

    private readonly CancellationTokenSource stopping = new();
    private readonly object gate = new();
    private int started;
    private string status = "Not started";
    private Task running = Task.CompletedTask;

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
    /// Starts <paramref name="work"/> on the thread pool. The job ends Stopped when it was stopped; Failed when the work
    /// returns an exception (the work wrote its error already; the exception becomes the job's reason) or throws (the
    /// exception's error record is added to the error stream first); otherwise Completed.
    /// </summary>
    internal void Start(Func<CancellationToken, Task<Exception?>> work, Func<Exception, ErrorRecord> errorFor)
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

        running = Task.Run(async () =>
        {
            try
            {
                var failure = await work(stopping.Token).ConfigureAwait(false);
                Finish(stopping.IsCancellationRequested ? JobState.Stopped : failure is null ? JobState.Completed : JobState.Failed, failure);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                Finish(JobState.Stopped, null);
            }
            catch (Exception ex)
            {
                Error.Add(ex is RuntimeException runtime && runtime.ErrorRecord is { } inner ? inner : errorFor(ex));
                Finish(JobState.Failed, ex);
            }
        });
    }

    /// <inheritdoc />
    public override void StopJob()
    {
        // State changes are serialized: the work may finish while Stop-Job asks it to stop.
        lock (gate)
        {
            if (IsFinished(JobStateInfo.State))
            {
                return;
            }

            if (JobStateInfo.State != JobState.Stopping)
            {
                status = "Stopping";
                if (Volatile.Read(ref started) == 0)
                {
                    SetJobState(JobState.Stopped);
                    return;
                }

                SetJobState(JobState.Stopping);
            }
        }

        stopping.Cancel();

        // Stop-Job returns when the restore has ended and its record is final: nothing runs on behind it. The task
        // catches everything, so waiting cannot throw.
        running.Wait();
    }

    /// <inheritdoc />
    public override void StopJob(bool force, string reason) => StopJob();

    /// <inheritdoc />
    public override void StopJobAsync() => StopJobAsync(false, string.Empty);

    /// <inheritdoc />
    public override void StopJobAsync(bool force, string reason)
    {
        // Stop-Job waits for this event: it comes when the restore has ended.
        Task.Run(() =>
        {
            StopJob();
            OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        });
    }

    /// <inheritdoc />
    public override void StartJob() => throw NotStartable();

    /// <inheritdoc />
    public override void StartJobAsync() => throw NotStartable();

    /// <inheritdoc />
    public override void SuspendJob() => throw NotSuspendable();

    /// <inheritdoc />
    public override void SuspendJob(bool force, string reason) => throw NotSuspendable();

    /// <inheritdoc />
    public override void SuspendJobAsync() => throw NotSuspendable();

    /// <inheritdoc />
    public override void SuspendJobAsync(bool force, string reason) => throw NotSuspendable();

    /// <inheritdoc />
    public override void ResumeJob() => throw NotSuspendable();

    /// <inheritdoc />
    public override void ResumeJobAsync() => throw NotSuspendable();

    /// <inheritdoc />
    public override void UnblockJob() => throw NotSuspendable();

    /// <inheritdoc />
    public override void UnblockJobAsync() => throw NotSuspendable();

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

    private void Finish(JobState state, Exception? failure)
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

            status = failure is null ? state.ToString() : "Failed: " + failure.Message;
            if (failure is not null && SetJobStateWithReason is { } withReason)
            {
                withReason.Invoke(this, new object[] { state, failure });
            }
            else
            {
                SetJobState(state);
            }
        }
    }

    private static NotSupportedException NotStartable() => new("A restore job starts when New-Restore -AsJob creates it; run New-Restore again to start another.");

    private static NotSupportedException NotSuspendable() => new("A restore job cannot be suspended, resumed or unblocked; Stop-Job stops it, and its record says how far it got.");

    private static bool IsFinished(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;
}

using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Base for every Restore cmdlet. Engine work runs on the thread pool with a token that Ctrl+C
/// (StopProcessing) cancels; everything it wants to write is queued and written here, on the
/// pipeline thread, which is the only thread PowerShell allows to write.
/// </summary>
public abstract class RestoreCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private volatile BlockingCollection<PipelineCall>? pending;
    private bool disposed;

    /// <summary>Canceled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => stopping.Token;

    /// <summary>
    /// Runs engine work to completion while writing, on this thread, whatever it posts through <see cref="Post"/>.
    /// The work never outlives this call: when a write throws (an ActionPreference of Stop, <c>Select-Object -First</c>,
    /// a stopping pipeline) nothing more is written, the work is canceled (or, with <paramref name="finishOnWriteFailure"/>,
    /// left to finish) and awaited, and then that exception is rethrown. Exceptions from the work are rethrown unwrapped.
    /// </summary>
    /// <param name="work">The engine work; it gets a token that Ctrl+C and a failed write cancel.</param>
    /// <param name="finishOnWriteFailure">
    /// True for work that must not be cut short by how its output is handled (a restore: only Ctrl+C stops it).
    /// </param>
    protected T RunEngine<T>(Func<CancellationToken, Task<T>> work, bool finishOnWriteFailure = false)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        using var queue = new BlockingCollection<PipelineCall>();
        ExceptionDispatchInfo? writeFailure = null;
        Task<T> task;
        pending = queue;
        try
        {
            // Started without a token so that it always runs and is always awaited below.
            task = Task.Run(() => work(abandon.Token), CancellationToken.None);
            task.ContinueWith(_ => queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            foreach (var call in queue.GetConsumingEnumerable())
            {
                if (writeFailure is not null)
                {
                    call.Abandon();
                    continue;
                }

                try
                {
                    call.Run();
                }
                catch (Exception ex)
                {
                    writeFailure = ExceptionDispatchInfo.Capture(ex);
                    if (!finishOnWriteFailure)
                    {
                        abandon.Cancel();
                    }
                }
            }
        }
        finally
        {
            pending = null;
        }

        // The work has ended (the queue completes only then): now the first failed write may leave. It wins over
        // whatever the work then threw, which is observed here so that it is not reported as unobserved later.
        if (writeFailure is not null)
        {
            _ = task.Exception;
            writeFailure.Throw();
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Runs engine work that returns nothing; see <see cref="RunEngine{T}(Func{CancellationToken, Task{T}}, bool)"/>.</summary>
    protected void RunEngine(Func<CancellationToken, Task> work, bool finishOnWriteFailure = false)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        RunEngine<bool>(
            async token =>
            {
                await work(token).ConfigureAwait(false);
                return true;
            },
            finishOnWriteFailure);
    }

    /// <summary>
    /// Queues an action (WriteObject, WriteVerbose, WriteProgress...) to run on the pipeline thread.
    /// Safe from any thread; outside <c>RunEngine</c> it runs at once. After a write failed it is dropped.
    /// </summary>
    protected void Post(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        Enqueue(new PipelineCall(action, null));
    }

    /// <summary>
    /// Runs <paramref name="function"/> on the pipeline thread and completes with its result (or exception): for
    /// ShouldProcess and other calls whose answer the engine work waits for. Safe from any thread.
    /// </summary>
    protected Task<T> InvokeOnPipelineAsync<T>(Func<T> function)
    {
        if (function is null)
        {
            throw new ArgumentNullException(nameof(function));
        }

        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new PipelineCall(
            () =>
            {
                try
                {
                    answer.SetResult(function());
                }
                catch (Exception ex)
                {
                    // PipelineStoppedException included: the waiting work rethrows it and RunEngine passes it on.
                    answer.SetException(ex);
                }
            },
            // Not asked because an earlier write failed: the waiting work must not wait forever.
            () => answer.TrySetCanceled()));
        return answer.Task;
    }

    private void Enqueue(PipelineCall call)
    {
        var queue = pending;
        if (queue is null)
        {
            call.Run();
            return;
        }

        try
        {
            queue.Add(call);
        }
        catch (InvalidOperationException)
        {
            // The work has finished (or the queue is gone); a late progress update has nowhere to go.
            call.Abandon();
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        stopping.Cancel();
        base.StopProcessing();
    }

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposed && disposing)
        {
            stopping.Dispose();
        }

        disposed = true;
    }

    /// <summary>One queued call to the pipeline thread, and what to do when it will never run.</summary>
    private sealed class PipelineCall
    {
        private readonly Action run;
        private readonly Action? abandon;

        public PipelineCall(Action run, Action? abandon)
        {
            this.run = run;
            this.abandon = abandon;
        }

        public void Run() => run();

        public void Abandon() => abandon?.Invoke();
    }
}

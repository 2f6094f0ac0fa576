using System;
using System.Collections.Concurrent;
using System.Management.Automation;
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
    private BlockingCollection<Action>? pending;
    private bool disposed;

    /// <summary>Canceled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => stopping.Token;

    /// <summary>
    /// Runs engine work to completion while writing, on this thread, whatever it posts through
    /// <see cref="Post"/>. Exceptions from the work are rethrown unwrapped.
    /// </summary>
    protected T RunEngine<T>(Func<CancellationToken, Task<T>> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        using var queue = new BlockingCollection<Action>();
        pending = queue;
        try
        {
            var task = Task.Run(() => work(StopToken), StopToken);
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in queue.GetConsumingEnumerable())
            {
                action();
            }

            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            pending = null;
        }
    }

    /// <summary>Runs engine work that returns nothing; see <see cref="RunEngine{T}(Func{CancellationToken, Task{T}})"/>.</summary>
    protected void RunEngine(Func<CancellationToken, Task> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        RunEngine<bool>(async token =>
        {
            await work(token).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>
    /// Queues an action (WriteObject, WriteVerbose, WriteProgress...) to run on the pipeline thread.
    /// Safe from any thread; outside <c>RunEngine</c> it runs at once.
    /// </summary>
    protected void Post(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        var queue = pending;
        if (queue is null)
        {
            action();
            return;
        }

        try
        {
            queue.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The work has finished; a late progress update has nowhere to go.
        }
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
        Post(() =>
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
        });
        return answer.Task;
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
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Execution;

/// <summary>Runs work over a list with a fixed number of workers (netstandard2.0 has no Parallel.ForEachAsync).</summary>
internal static class BoundedParallel
{
    /// <summary>
    /// Calls <paramref name="body"/> for every item with at most <paramref name="degree"/> calls in flight.
    /// Items are taken in list order. After cancellation no new item starts; calls already running get
    /// the token and are awaited. The first unexpected exception stops new items and is rethrown.
    /// </summary>
    public static async Task ForEachAsync<T>(IReadOnlyList<T> items, int degree, Func<T, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        if (degree < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, "The degree of parallelism must be at least 1.");
        }

        var next = -1;
        var failures = new ConcurrentQueue<Exception>();
        var workers = new Task[Math.Min(degree, Math.Max(items.Count, 1))];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    int index;
                    while (failures.IsEmpty && !cancellationToken.IsCancellationRequested
                        && (index = Interlocked.Increment(ref next)) < items.Count)
                    {
                        try
                        {
                            await body(items[index], cancellationToken).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            return;
                        }
                        catch (Exception ex)
                        {
                            failures.Enqueue(ex);
                            return;
                        }
                    }
                },
                CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        if (failures.TryDequeue(out var first))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// Runs an asynchronous step once per key, however many callers ask at the same time (for example,
/// making sure a namespace exists before the first of its items is applied). A failed or canceled
/// step is remembered as failed; callers see the same outcome.
/// </summary>
internal sealed class OncePerKey<TResult>
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TResult>>> steps = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="step"/> for <paramref name="key"/> the first time; later calls await the same task.</summary>
    public Task<TResult> RunAsync(string key, Func<Task<TResult>> step) =>
        steps.GetOrAdd(key, _ => new Lazy<Task<TResult>>(step, LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>True when a step for <paramref name="key"/> has started.</summary>
    public bool HasStarted(string key) => steps.ContainsKey(key);
}

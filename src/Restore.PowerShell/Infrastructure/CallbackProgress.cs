using System;

namespace Restore.PowerShell.Infrastructure;

/// <summary>An IProgress that calls back on the reporting thread (no SynchronizationContext hop).</summary>
internal sealed class CallbackProgress<T> : IProgress<T>
{
    private readonly Action<T> callback;

    public CallbackProgress(Action<T> callback) => this.callback = callback;

    public void Report(T value) => callback(value);
}

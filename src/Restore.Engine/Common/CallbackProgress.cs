using System;

namespace Restore.Engine.Common;

/// <summary>An IProgress that calls back on the reporting thread (no SynchronizationContext hop, unlike <see cref="Progress{T}"/>).</summary>
internal sealed class CallbackProgress<T> : IProgress<T>
{
    private readonly Action<T> callback;

    public CallbackProgress(Action<T> callback) => this.callback = callback ?? throw new ArgumentNullException(nameof(callback));

    public void Report(T value) => callback(value);
}

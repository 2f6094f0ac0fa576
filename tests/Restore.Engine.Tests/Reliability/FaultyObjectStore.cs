using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Storage;

namespace Restore.Engine.Tests.Reliability;

/// <summary>
/// Wraps an object store and fails chosen operations the way a broken bucket does: every hook returns the exception to
/// throw for a key (null lets the call through). Counts the writes that went through and the ones refused.
/// </summary>
internal sealed class FaultyObjectStore : IObjectStore
{
    private readonly IObjectStore inner;
    private int writesRefused;
    private int writesDone;

    public FaultyObjectStore(IObjectStore inner) => this.inner = inner;

    /// <summary>Fails listings, existence checks and reads of a key.</summary>
    public Func<string, Exception?>? OnRead { get; set; }

    /// <summary>Fails writes (put, create, delete) of a key.</summary>
    public Func<string, Exception?>? OnWrite { get; set; }

    /// <summary>Breaks the stream of a key after this many bytes, with the exception returned.</summary>
    public (Func<string, bool> Key, long AfterBytes, Func<string, Exception> Error)? BreakStream { get; set; }

    public int WritesRefused => Volatile.Read(ref writesRefused);

    public int WritesDone => Volatile.Read(ref writesDone);

    public string Description => inner.Description;

    public Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        Read(string.Empty);
        return inner.VerifyAccessAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken)
    {
        Read(prefix);
        return inner.ListCommonPrefixesAsync(prefix, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        Read(prefix);
        return inner.ListKeysAsync(prefix, cancellationToken);
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        Read(key);
        return inner.ExistsAsync(key, cancellationToken);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        Read(key);
        var stream = await inner.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        return BreakStream is { } rule && rule.Key(key) ? new BreakingStream(stream, rule.AfterBytes, rule.Error(key)) : stream;
    }

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        Write(key);
        return Counted(inner.PutAsync(key, content, cancellationToken));
    }

    public async Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        Write(key);
        var created = await inner.TryCreateAsync(key, content, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref writesDone);
        return created;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Write(key);
        return Counted(inner.DeleteAsync(key, cancellationToken));
    }

    public void Dispose() => inner.Dispose();

    private async Task Counted(Task write)
    {
        await write.ConfigureAwait(false);
        Interlocked.Increment(ref writesDone);
    }

    private void Read(string key)
    {
        if (OnRead?.Invoke(key) is { } error)
        {
            throw error;
        }
    }

    private void Write(string key)
    {
        if (OnWrite?.Invoke(key) is { } error)
        {
            Interlocked.Increment(ref writesRefused);
            throw error;
        }
    }

    /// <summary>A stream that fails after a number of bytes, as a connection dropped in the middle of a download.</summary>
    private sealed class BreakingStream : Stream
    {
        private readonly Stream inner;
        private readonly long limit;
        private readonly Exception error;
        private long position;

        public BreakingStream(Stream inner, long limit, Exception error)
        {
            this.inner = inner;
            this.limit = limit;
            this.error = error;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= limit)
            {
                throw error;
            }

            var read = inner.Read(buffer, offset, (int)Math.Min(count, limit - position));
            position += read;
            return read;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (position >= limit)
            {
                throw error;
            }

            var read = await inner.ReadAsync(buffer.AsMemory(offset, (int)Math.Min(count, limit - position)), cancellationToken).ConfigureAwait(false);
            position += read;
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (position >= limit)
            {
                throw error;
            }

            return ReadCoreAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var read = await inner.ReadAsync(buffer.Slice(0, (int)Math.Min(buffer.Length, limit - position)), cancellationToken).ConfigureAwait(false);
            position += read;
            return read;
        }
    }
}

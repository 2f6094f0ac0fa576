using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Storage;

/// <summary>
/// The body of an object a store downloads (S3, Azure, GCS): read forward only, with the object's length, and
/// disposing it releases what holds the connection. A network failure while reading becomes the store's
/// <see cref="StorageException"/>, told how many bytes had arrived.
/// </summary>
internal sealed class ObjectBodyStream : Stream
{
    private readonly Stream body;
    private readonly long length;
    private readonly Func<Exception, long, StorageException> broken;
    private readonly IDisposable? owner;
    private readonly bool failOnShortBody;
    private readonly Func<Exception, bool>? isSdkFailure;
    private long read;

    /// <param name="body">The response body.</param>
    /// <param name="length">The object's length; -1 when the server did not give it.</param>
    /// <param name="broken">Makes the store's error from a failure and the bytes read before it.</param>
    /// <param name="owner">The response that holds the connection, released with the body; null for none.</param>
    /// <param name="failOnShortBody">True where the client library does not itself notice a body that ends before its length.</param>
    /// <param name="isSdkFailure">Failures of the client library, besides the network's own, that also mean the read broke.</param>
    public ObjectBodyStream(Stream body, long length, Func<Exception, long, StorageException> broken, IDisposable? owner = null, bool failOnShortBody = false, Func<Exception, bool>? isSdkFailure = null)
    {
        this.body = body;
        this.length = length;
        this.broken = broken;
        this.owner = owner;
        this.failOnShortBody = failOnShortBody;
        this.isSdkFailure = isSdkFailure;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length >= 0 ? length : throw new NotSupportedException("The server did not give the object's length.");

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        try
        {
            var n = await body.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            read += n;
            if (failOnShortBody && n == 0 && length >= 0 && read < length)
            {
                throw new IOException("the response ended early");
            }

            return n;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or SocketException or OperationCanceledException or ObjectDisposedException
            || isSdkFailure?.Invoke(ex) == true)
        {
            throw broken(ex, read);
        }
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
            body.Dispose();
            owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}

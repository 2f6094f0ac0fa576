using System;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Archive;

/// <summary>
/// Decompresses a gzip stream and proves it complete. zlib (behind GZipStream) verifies the CRC-32 and length in
/// the trailer when it reaches it, but a stream cut short just ends, silently. So the length of everything
/// decompressed is compared with the trailer's ISIZE, the last 4 bytes of the compressed stream: a truncated
/// stream ends in other bytes. Velero writes one gzip member; a multi-member file fails that comparison.
/// </summary>
internal sealed class GzipSource : IDisposable
{
    private const int MaxTrailingBytes = 64 * 1024;

    private readonly TailStream compressed;
    private readonly GZipStream gzip;
    private bool ended;

    private GzipSource(TailStream compressed)
    {
        this.compressed = compressed;
        gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>Compressed bytes consumed so far.</summary>
    public long CompressedBytes => compressed.BytesRead;

    /// <summary>Size of the compressed stream when known.</summary>
    public long? CompressedLength => compressed.SourceLength;

    /// <summary>Uncompressed bytes produced so far.</summary>
    public long DecompressedBytes { get; private set; }

    /// <summary>Checks the gzip magic bytes and prepares decompression.</summary>
    public static async Task<GzipSource> OpenAsync(Stream source, bool leaveOpen, CancellationToken cancellationToken)
    {
        var tail = new TailStream(source, leaveOpen);
        var magic = await tail.PeekAsync(2, cancellationToken).ConfigureAwait(false);
        if (magic.Length == 0)
        {
            tail.Dispose();
            throw new ArchiveFormatException(ArchiveProblem.NotGzip, "The tarball is empty (0 bytes).");
        }

        if (magic.Length < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
        {
            tail.Dispose();
            throw new ArchiveFormatException(ArchiveProblem.NotGzip, $"The tarball is not gzip-compressed (it starts with 0x{magic[0]:x2}{(magic.Length > 1 ? magic[1].ToString("x2", System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}, not 0x1f8b).");
        }

        return new GzipSource(tail);
    }

    /// <summary>Reads uncompressed bytes; returns 0 only after the trailer has been verified.</summary>
    public async ValueTask<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (ended)
        {
            return 0;
        }

        int read;
        try
        {
            read = await gzip.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // zlib's own message ("unsupported compression method") misleads; it means bad data or checksum.
            throw new ArchiveFormatException(ArchiveProblem.CorruptGzip, $"The tarball's gzip data is damaged (invalid compressed data or checksum) within its first {compressed.BytesRead} compressed bytes.", innerException: ex);
        }

        if (read > 0)
        {
            DecompressedBytes += read;
            return read;
        }

        await VerifyTrailerAsync(cancellationToken).ConfigureAwait(false);
        ended = true;
        return 0;
    }

    /// <summary>Decompresses and discards everything left, then verifies the trailer.</summary>
    public async Task DrainAsync(Action afterEachRead, CancellationToken cancellationToken)
    {
        var scratch = new byte[64 * 1024];
        while (await ReadAsync(scratch, 0, scratch.Length, cancellationToken).ConfigureAwait(false) > 0)
        {
            afterEachRead();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        gzip.Dispose();
        compressed.Dispose();
    }

    private async Task VerifyTrailerAsync(CancellationToken cancellationToken)
    {
        // GZipStream may stop before the end of its input (trailing bytes, or a runtime that reads
        // only the first member); whatever is left must be the trailer it already consumed.
        var scratch = new byte[8192];
        var extra = 0;
        int n;
        while ((n = await compressed.ReadAsync(scratch, 0, scratch.Length, cancellationToken).ConfigureAwait(false)) > 0)
        {
            extra += n;
            if (extra > MaxTrailingBytes)
            {
                break;
            }
        }

        var tail = compressed.Tail;
        if (compressed.BytesRead < 18 || tail.Length < 8)
        {
            throw new ArchiveFormatException(ArchiveProblem.Truncated, $"The tarball ends after {compressed.BytesRead} bytes, before the end of its gzip stream: it is truncated.");
        }

        var storedSize = (uint)(tail[4] | (tail[5] << 8) | (tail[6] << 16) | (tail[7] << 24));
        if (storedSize != unchecked((uint)DecompressedBytes))
        {
            var why = extra > 0
                ? $"{(extra > MaxTrailingBytes ? "more than " + MaxTrailingBytes : extra.ToString(System.Globalization.CultureInfo.InvariantCulture))} unexpected bytes follow the compressed data"
                : "the gzip stream ends before its trailer (the length in the last bytes does not match the data)";
            throw new ArchiveFormatException(extra > 0 ? ArchiveProblem.CorruptGzip : ArchiveProblem.Truncated, $"The tarball is truncated or damaged: {why} ({compressed.BytesRead} compressed bytes, {DecompressedBytes} uncompressed).");
        }
    }

    /// <summary>A read-only pass-through that counts bytes, keeps the last 8 and can peek at the first few.</summary>
    private sealed class TailStream : Stream
    {
        private readonly Stream source;
        private readonly bool leaveOpen;
        private readonly byte[] tail = new byte[8];
        private int tailLength;
        private byte[] pushback = Array.Empty<byte>();
        private int pushbackOffset;

        public TailStream(Stream source, bool leaveOpen)
        {
            this.source = source;
            this.leaveOpen = leaveOpen;
            try
            {
                SourceLength = source.Length;
            }
            catch (NotSupportedException)
            {
                SourceLength = null;
            }
        }

        public long BytesRead { get; private set; }

        public long? SourceLength { get; }

        /// <summary>The last (up to) 8 bytes read, oldest first.</summary>
        public byte[] Tail
        {
            get
            {
                var result = new byte[tailLength];
                Array.Copy(tail, 8 - tailLength, result, 0, tailLength);
                return result;
            }
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public async Task<byte[]> PeekAsync(int count, CancellationToken cancellationToken)
        {
            var buffer = new byte[count];
            var filled = 0;
            int n;
            while (filled < count && (n = await source.ReadAsync(buffer, filled, count - filled, cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += n;
            }

            pushback = filled == count ? buffer : buffer.AsSpan(0, filled).ToArray();
            pushbackOffset = 0;
            return pushback;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            int read;
            if (pushbackOffset < pushback.Length)
            {
                read = Math.Min(count, pushback.Length - pushbackOffset);
                Array.Copy(pushback, pushbackOffset, buffer, offset, read);
                pushbackOffset += read;
            }
            else
            {
                read = await source.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            }

            Remember(buffer, offset, read);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                source.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Remember(byte[] buffer, int offset, int count)
        {
            if (count >= 8)
            {
                Array.Copy(buffer, offset + count - 8, tail, 0, 8);
                tailLength = 8;
                return;
            }

            // Shift left and append the few new bytes.
            Array.Copy(tail, count, tail, 0, 8 - count);
            Array.Copy(buffer, offset, tail, 8 - count, count);
            tailLength = Math.Min(8, tailLength + count);
        }
    }
}

using System;
using System.IO;
using System.IO.Compression;

namespace Restore.TestSupport;

/// <summary>
/// A write-only stream producing one gzip member with Go's header (mtime 0, XFL 0, OS 255), so large
/// tarballs are compressed as they are written instead of being held twice in memory.
/// </summary>
public sealed class GoGzipStream : Stream
{
    private readonly Stream output;
    private readonly bool leaveOpen;
    private readonly DeflateStream deflate;
    private uint crc = 0xFFFFFFFFu;
    private long length;
    private bool closed;

    /// <summary>Starts a member on <paramref name="output"/>.</summary>
    public GoGzipStream(Stream output, CompressionLevel level = CompressionLevel.Optimal, bool leaveOpen = false)
    {
        this.output = output;
        this.leaveOpen = leaveOpen;
        output.Write(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, 0, 10);
        deflate = new DeflateStream(output, level, leaveOpen: true);
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => length;

    /// <inheritdoc />
    public override long Position
    {
        get => length;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        deflate.Write(buffer, offset, count);
        for (var i = offset; i < offset + count; i++)
        {
            crc = Table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
        }

        length += count;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !closed)
        {
            closed = true;
            deflate.Dispose();
            var trailer = new byte[8];
            BitConverter.TryWriteBytes(trailer.AsSpan(0, 4), ~crc);
            BitConverter.TryWriteBytes(trailer.AsSpan(4, 4), (uint)length);
            output.Write(trailer, 0, 8);
            if (!leaveOpen)
            {
                output.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

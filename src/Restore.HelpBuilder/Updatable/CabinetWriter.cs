using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Restore.HelpBuilder.Updatable;

/// <summary>
/// Writes a single-folder Microsoft cabinet (MS-CAB) with MSZIP compression: what Update-Help on Windows
/// extracts (through the system's cabinet API). There is no cabinet tool on the build machines (gcab, makecab),
/// and the format for a handful of flat files is small: a header, one folder, one entry per file, then the
/// data blocks of the folder, each at most 32 KiB uncompressed and compressed on its own.
/// </summary>
public static class CabinetWriter
{
    /// <summary>The most uncompressed bytes one data block may hold.</summary>
    public const int MaxBlockSize = 32768;

    private const int HeaderSize = 36;
    private const int FolderSize = 8;
    private const int DataHeaderSize = 8;
    private const ushort CompressMszip = 1;
    private const ushort AttributeArchive = 0x20;
    private const ushort AttributeNameIsUtf8 = 0x80;

    // 2000-01-01 00:00 in DOS format: a fixed stamp keeps the cabinet the same for the same files.
    private const ushort DosDate = ((2000 - 1980) << 9) | (1 << 5) | 1;
    private const ushort DosTime = 0;

    /// <summary>Writes <paramref name="files"/> (name in the cabinet, content) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, byte[] Content)> files)
    {
        using var stream = File.Create(path);
        Write(stream, files);
    }

    /// <summary>Writes <paramref name="files"/> (name in the cabinet, content) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, IReadOnlyList<(string Name, byte[] Content)> files)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0 || files.Count > ushort.MaxValue)
        {
            throw new ArgumentException("A cabinet holds 1 to 65535 files.", nameof(files));
        }

        // The folder's uncompressed stream is the files one after another.
        var folder = new MemoryStream();
        var entries = new MemoryStream();
        foreach (var (name, content) in files)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not a file name a cabinet can hold.", nameof(files));
            }

            var ascii = IsAscii(name);
            var nameBytes = Encoding.UTF8.GetBytes(name);
            WriteUInt32(entries, (uint)content.Length);
            WriteUInt32(entries, checked((uint)folder.Length));
            WriteUInt16(entries, 0); // the one folder
            WriteUInt16(entries, DosDate);
            WriteUInt16(entries, DosTime);
            WriteUInt16(entries, (ushort)(AttributeArchive | (ascii ? 0 : AttributeNameIsUtf8)));
            entries.Write(nameBytes);
            entries.WriteByte(0);
            folder.Write(content);
        }

        var blocks = new MemoryStream();
        var blockCount = 0;
        var data = folder.GetBuffer();
        for (var offset = 0; offset < folder.Length || blockCount == 0; offset += MaxBlockSize)
        {
            var length = (int)Math.Min(MaxBlockSize, folder.Length - offset);
            var compressed = MszipBlock(data, offset, length);
            var sizes = new byte[4];
            sizes[0] = (byte)compressed.Length;
            sizes[1] = (byte)(compressed.Length >> 8);
            sizes[2] = (byte)length;
            sizes[3] = (byte)(length >> 8);
            WriteUInt32(blocks, Checksum(sizes, 0, 4, Checksum(compressed, 0, compressed.Length, 0)));
            blocks.Write(sizes);
            blocks.Write(compressed);
            blockCount++;
        }

        if (blockCount > ushort.MaxValue)
        {
            throw new ArgumentException("The files are too large for one cabinet folder.", nameof(files));
        }

        var filesOffset = HeaderSize + FolderSize;
        var dataOffset = filesOffset + entries.Length;
        var total = dataOffset + blocks.Length;

        var header = new MemoryStream();
        header.Write("MSCF"u8);
        WriteUInt32(header, 0);
        WriteUInt32(header, checked((uint)total));
        WriteUInt32(header, 0);
        WriteUInt32(header, (uint)filesOffset);
        WriteUInt32(header, 0);
        header.WriteByte(3); // version 1.3
        header.WriteByte(1);
        WriteUInt16(header, 1); // folders
        WriteUInt16(header, (ushort)files.Count);
        WriteUInt16(header, 0); // flags: no previous or next cabinet, no reserved fields
        WriteUInt16(header, 0); // set id
        WriteUInt16(header, 0); // index in the set

        WriteUInt32(header, checked((uint)dataOffset));
        WriteUInt16(header, (ushort)blockCount);
        WriteUInt16(header, CompressMszip);

        header.WriteTo(output);
        entries.WriteTo(output);
        blocks.WriteTo(output);
    }

    /// <summary>
    /// The cabinet checksum of a byte range (MS-CAB, CFDATA): little-endian 32-bit words XORed together, the last
    /// one to three bytes taken in reverse order, as the reference implementation does.
    /// </summary>
    public static uint Checksum(byte[] bytes, int offset, int count, uint seed)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var checksum = seed;
        var i = offset;
        for (var words = count / 4; words > 0; words--, i += 4)
        {
            checksum ^= bytes[i] | ((uint)bytes[i + 1] << 8) | ((uint)bytes[i + 2] << 16) | ((uint)bytes[i + 3] << 24);
        }

        uint last = 0;
        switch (count % 4)
        {
            case 3:
                last = ((uint)bytes[i] << 16) | ((uint)bytes[i + 1] << 8) | bytes[i + 2];
                break;
            case 2:
                last = ((uint)bytes[i] << 8) | bytes[i + 1];
                break;
            case 1:
                last = bytes[i];
                break;
        }

        return checksum ^ last;
    }

    // MSZIP: "CK" and a complete raw deflate stream for this block alone (no dictionary from the block before).
    private static byte[] MszipBlock(byte[] data, int offset, int length)
    {
        var block = new MemoryStream();
        block.Write("CK"u8);
        using (var deflate = new DeflateStream(block, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data, offset, length);
        }

        return block.ToArray();
    }

    private static bool IsAscii(string name)
    {
        foreach (var c in name)
        {
            if (c > 0x7f)
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteUInt16(Stream stream, ushort value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        WriteUInt16(stream, (ushort)value);
        WriteUInt16(stream, (ushort)(value >> 16));
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Restore.Engine.Common;

namespace Restore.Engine.Archive;

/// <summary>
/// Tar header decoding for the formats Go's archive/tar writes and reads: USTAR, PAX and GNU
/// (numbers in octal or base-256, names split into prefix and name, long names in extra entries).
/// </summary>
internal static class TarFormat
{
    public const int BlockSize = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when the block is all zeros (end-of-archive marker).</summary>
    [MethodImpl(HotPath.Optimize)]
    public static bool IsZeroBlock(byte[] block, int offset)
    {
        for (var i = 0; i < BlockSize; i++)
        {
            if (block[offset + i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Verifies the header checksum; accepts the unsigned and the historic signed sum, as Go does.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static bool ChecksumMatches(byte[] block, int offset)
    {
        if (!TryParseNumber(block, offset + 148, 8, out var stored))
        {
            return false;
        }

        long unsignedSum = 8 * ' ';
        for (var i = 0; i < 148; i++)
        {
            unsignedSum += block[offset + i];
        }

        for (var i = 156; i < BlockSize; i++)
        {
            unsignedSum += block[offset + i];
        }

        if (stored == unsignedSum)
        {
            return true;
        }

        // Some old writers summed signed bytes.
        long signedSum = 8 * ' ';
        for (var i = 0; i < BlockSize; i++)
        {
            signedSum += i is >= 148 and < 156 ? 0 : (sbyte)block[offset + i];
        }

        return stored == signedSum;
    }

    /// <summary>Parses a numeric field: octal digits padded with spaces or NULs, or GNU base-256.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static bool TryParseNumber(byte[] block, int offset, int length, out long value)
    {
        value = 0;
        if ((block[offset] & 0x80) != 0)
        {
            // Base-256: big-endian two's complement; the top bit of the first byte is only the marker.
            if ((block[offset] & 0x40) != 0)
            {
                return false; // negative
            }

            long result = block[offset] & 0x3f;
            for (var i = 1; i < length; i++)
            {
                if (result > (long.MaxValue >> 8))
                {
                    return false;
                }

                result = (result << 8) | block[offset + i];
            }

            value = result;
            return true;
        }

        var start = offset;
        var end = offset + length;
        while (start < end && (block[start] == ' ' || block[start] == 0))
        {
            start++;
        }

        while (end > start && (block[end - 1] == ' ' || block[end - 1] == 0))
        {
            end--;
        }

        long octal = 0;
        for (var i = start; i < end; i++)
        {
            var c = block[i];
            if (c < '0' || c > '7' || octal > (long.MaxValue >> 3))
            {
                return false;
            }

            octal = (octal << 3) | (long)(c - '0');
        }

        value = octal;
        return true;
    }

    /// <summary>Decodes a NUL-terminated name field as strict UTF-8.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static string? DecodeName(byte[] block, int offset, int length)
    {
        var end = Array.IndexOf(block, (byte)0, offset, length);
        var count = (end < 0 ? offset + length : end) - offset;
        return Decode(block, offset, count);
    }

    /// <summary>Decodes bytes as strict UTF-8; null when they are not valid UTF-8.</summary>
    public static string? Decode(byte[] bytes, int offset, int count)
    {
        try
        {
            return StrictUtf8.GetString(bytes, offset, count);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The full name of a USTAR header: <c>prefix/name</c> when the POSIX prefix field is used.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static string? UstarName(byte[] block, int offset)
    {
        var name = DecodeName(block, offset, 100);
        if (name is null)
        {
            return null;
        }

        // POSIX "ustar\0" headers may carry a prefix; GNU "ustar  \0" headers use that space for times.
        var isPosix = block[offset + 257] == (byte)'u' && block[offset + 262] == 0 && block[offset + 263] == (byte)'0' && block[offset + 264] == (byte)'0';
        if (!isPosix || block[offset + 345] == 0)
        {
            return name;
        }

        var prefix = DecodeName(block, offset + 345, 155);
        return prefix is null ? null : prefix + "/" + name;
    }

    /// <summary>
    /// Parses PAX extended header records (<c>"%d %s=%s\n"</c>). Returns null with <paramref name="error"/> set
    /// when a record is malformed.
    /// </summary>
    public static Dictionary<string, string>? ParsePaxRecords(byte[] data, out string? error)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        while (position < data.Length)
        {
            // A NUL-padded tail is tolerated, as some writers pad the PAX data.
            if (data[position] == 0)
            {
                break;
            }

            var space = Array.IndexOf(data, (byte)' ', position);
            if (space < 0 || space == position)
            {
                error = "a PAX record has no length";
                return null;
            }

            var lengthText = Encoding.ASCII.GetString(data, position, space - position);
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length <= space - position + 1 || position + length > data.Length || data[position + length - 1] != (byte)'\n')
            {
                error = $"a PAX record has an invalid length '{lengthText}'";
                return null;
            }

            var record = Decode(data, space + 1, position + length - 1 - (space + 1));
            var equals = record?.IndexOf('=') ?? -1;
            if (record is null || equals <= 0)
            {
                error = "a PAX record is not 'key=value' UTF-8";
                return null;
            }

            records[record.Substring(0, equals)] = record.Substring(equals + 1);
            position += length;
        }

        error = null;
        return records;
    }

    /// <summary>Bytes of padding after <paramref name="size"/> bytes of entry data.</summary>
    public static long Padding(long size) => (BlockSize - (size % BlockSize)) % BlockSize;
}

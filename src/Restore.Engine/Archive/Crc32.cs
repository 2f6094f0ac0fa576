using System;

namespace Restore.Engine.Archive;

/// <summary>
/// CRC-32 (IEEE 802.3, the gzip trailer checksum), slicing-by-8. GZipStream does not check the
/// trailer, so we do, to tell a complete tarball from a truncated or damaged one.
/// </summary>
internal sealed class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private uint state = 0xFFFFFFFFu;

    /// <summary>The checksum of everything appended so far.</summary>
    public uint Value => ~state;

    /// <summary>Computes the checksum of <paramref name="data"/> in one go.</summary>
    public static uint Compute(byte[] data)
    {
        var crc = new Crc32();
        crc.Append(data, 0, data.Length);
        return crc.Value;
    }

    /// <summary>Adds bytes to the checksum.</summary>
    public void Append(byte[] buffer, int offset, int count)
    {
        var crc = state;
        var table = Table;
        var i = offset;
        var end = offset + count;
        while (end - i >= 8)
        {
            var one = crc ^ (uint)(buffer[i] | (buffer[i + 1] << 8) | (buffer[i + 2] << 16) | (buffer[i + 3] << 24));
            var two = (uint)(buffer[i + 4] | (buffer[i + 5] << 8) | (buffer[i + 6] << 16) | (buffer[i + 7] << 24));
            crc = table[(7 * 256) + (one & 0xFF)]
                ^ table[(6 * 256) + ((one >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((one >> 16) & 0xFF)]
                ^ table[(4 * 256) + (one >> 24)]
                ^ table[(3 * 256) + (two & 0xFF)]
                ^ table[(2 * 256) + ((two >> 8) & 0xFF)]
                ^ table[256 + ((two >> 16) & 0xFF)]
                ^ table[two >> 24];
            i += 8;
        }

        while (i < end)
        {
            crc = table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
            i++;
        }

        state = crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        for (var n = 0; n < 256; n++)
        {
            for (var slice = 1; slice < 8; slice++)
            {
                var previous = table[((slice - 1) * 256) + n];
                table[(slice * 256) + n] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }
}

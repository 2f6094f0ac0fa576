using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Restore.TestSupport;

/// <summary>Header format to force for one entry; <see cref="Auto"/> is Go's own choice.</summary>
public enum TarHeaderFormat
{
    /// <summary>USTAR when the name fits (possibly split into prefix and name), else PAX: what Go's archive/tar does.</summary>
    Auto,

    /// <summary>Always a PAX header with a <c>path</c> record.</summary>
    Pax,

    /// <summary>A GNU <c>././@LongLink</c> entry for the name, then a GNU header.</summary>
    GnuLongName,

    /// <summary>An old V7 header without magic.</summary>
    V7,
}

/// <summary>
/// Writes tar streams byte-for-byte like Go's archive/tar Writer (USTAR, PAX for long names, checksum as six
/// octal digits, NUL, space), plus the odd entries hostile-archive tests need.
/// </summary>
public sealed class GoTarWriter
{
    private const int Block = 512;
    private readonly Stream output;
    private readonly byte[] header = new byte[Block];

    /// <summary>Writes to <paramref name="output"/>.</summary>
    public GoTarWriter(Stream output) => this.output = output;

    /// <summary>Writes a regular file as Velero does: mode 0755, uid/gid 0, no user names, mtime rounded to seconds.</summary>
    public void AddFile(string name, byte[] content, DateTime modified, TarHeaderFormat format = TarHeaderFormat.Auto) =>
        AddEntry(name, (byte)'0', content, modified, format);

    /// <summary>Writes any entry: <paramref name="type"/> is the typeflag (<c>'2'</c> symlink, <c>'5'</c> directory…).</summary>
    public void AddEntry(string name, byte type, byte[] content, DateTime modified, TarHeaderFormat format = TarHeaderFormat.Auto, string linkName = "", long? sizeOverride = null, bool corruptChecksum = false)
    {
        var size = sizeOverride ?? content.Length;
        var unix = new DateTimeOffset(modified.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(modified, DateTimeKind.Utc) : modified.ToUniversalTime()).ToUnixTimeMilliseconds();
        var seconds = (long)Math.Round(unix / 1000.0, MidpointRounding.AwayFromZero);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var isAscii = nameBytes.Length == name.Length;
        string headerName = name;
        string prefix = string.Empty;
        var chosen = format;
        if (format == TarHeaderFormat.Auto)
        {
            if (nameBytes.Length <= 100 && isAscii)
            {
                chosen = TarHeaderFormat.Auto;
            }
            else if (isAscii && SplitUstar(name, out var p, out var n))
            {
                prefix = p;
                headerName = n;
            }
            else
            {
                chosen = TarHeaderFormat.Pax;
            }
        }

        if (chosen == TarHeaderFormat.Pax)
        {
            var record = PaxRecord("path", name);
            var slash = name.LastIndexOf('/');
            var paxName = slash < 0 ? "PaxHeaders.0/" + name : name.Substring(0, slash + 1) + "PaxHeaders.0/" + name.Substring(slash + 1);
            WriteRaw(Truncate(Ascii(paxName), 100).TrimEnd('/'), (byte)'x', record.Length, 0, "ustar\u000000", string.Empty, string.Empty, mode: 0, corrupt: false, rawFile: true);
            WriteData(record);
            headerName = Truncate(Ascii(name), 100);
        }
        else if (chosen == TarHeaderFormat.GnuLongName)
        {
            var longName = Encoding.UTF8.GetBytes(name + "\0");
            WriteRaw("././@LongLink", (byte)'L', longName.Length, 0, "ustar  \u0000", string.Empty, string.Empty, mode: 0, corrupt: false, rawFile: true);
            WriteData(longName);
            headerName = Truncate(name, 100);
        }

        var magic = chosen switch
        {
            TarHeaderFormat.V7 => string.Empty,
            TarHeaderFormat.GnuLongName => "ustar  \u0000",
            _ => "ustar\u000000",
        };
        WriteRaw(headerName, type, size, seconds, magic, prefix, linkName, mode: 0x1ed, corrupt: corruptChecksum);
        WriteData(content);
    }

    /// <summary>Writes raw bytes (tests that damage the stream).</summary>
    public void AddRaw(byte[] bytes) => output.Write(bytes, 0, bytes.Length);

    /// <summary>Ends the archive with two zero blocks, as Go's Close does (no padding to a record size).</summary>
    public void Finish() => output.Write(new byte[2 * Block], 0, 2 * Block);

    /// <summary>Gzip as Go's compress/gzip writes it: one member, no name, mtime 0, XFL 0, OS 255 (unknown).</summary>
    public static byte[] GoGzip(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        WriteGoGzip(output, data, 0, data.Length, level);
        return output.ToArray();
    }

    /// <summary>Writes one gzip member with Go's header; see <see cref="GoGzip"/>.</summary>
    public static void WriteGoGzip(Stream output, byte[] data, int offset, int count, CompressionLevel level = CompressionLevel.Optimal)
    {
        output.Write(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, 0, 10);
        using (var deflate = new DeflateStream(output, level, leaveOpen: true))
        {
            deflate.Write(data, offset, count);
        }

        var crc = Crc32(data, offset, count);
        var trailer = new byte[8];
        BitConverter.TryWriteBytes(trailer.AsSpan(0, 4), crc);
        BitConverter.TryWriteBytes(trailer.AsSpan(4, 4), (uint)count);
        output.Write(trailer, 0, 8);
    }

    /// <summary>CRC-32 (IEEE), independent of the engine's.</summary>
    public static uint Crc32(byte[] data, int offset, int count)
    {
        var crc = 0xFFFFFFFFu;
        for (var i = offset; i < offset + count; i++)
        {
            crc = CrcTable[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
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

    // Go's splitUSTARPath.
    private static bool SplitUstar(string name, out string prefix, out string suffix)
    {
        prefix = suffix = string.Empty;
        var length = name.Length;
        if (length <= 100)
        {
            return false;
        }

        if (length > 156)
        {
            length = 156;
        }
        else if (name[length - 1] == '/')
        {
            length--;
        }

        var i = name.LastIndexOf('/', length - 1);
        var nameLength = name.Length - i - 1;
        if (i <= 0 || nameLength > 100 || nameLength == 0 || i > 155)
        {
            return false;
        }

        prefix = name.Substring(0, i);
        suffix = name.Substring(i + 1);
        return true;
    }

    private static byte[] PaxRecord(string key, string value)
    {
        var body = " " + key + "=" + value + "\n";
        var bodyLength = Encoding.UTF8.GetByteCount(body);
        var total = bodyLength + 1;
        while (total.ToString(CultureInfo.InvariantCulture).Length + bodyLength != total)
        {
            total = total.ToString(CultureInfo.InvariantCulture).Length + bodyLength;
        }

        return Encoding.UTF8.GetBytes(total.ToString(CultureInfo.InvariantCulture) + body);
    }

    private static string Ascii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Truncate(string text, int max) => text.Length > max ? text.Substring(0, max) : text;

    // Go's writeRawFile (PAX and long-name entries) leaves the device numbers as zero bytes.
    private void WriteRaw(string name, byte type, long size, long mtime, string magic, string prefix, string linkName, int mode, bool corrupt, bool rawFile = false)
    {
        Array.Clear(header);
        PutString(0, 100, name);
        PutOctal(100, 8, mode);
        PutOctal(108, 8, 0);
        PutOctal(116, 8, 0);
        PutOctal(124, 12, size);
        PutOctal(136, 12, mtime);
        header[156] = type;
        PutString(157, 100, linkName);
        if (magic.Length > 0)
        {
            Encoding.ASCII.GetBytes(magic, 0, magic.Length, header, 257);
            if (!rawFile)
            {
                PutOctal(329, 8, 0);
                PutOctal(337, 8, 0);
            }

            if (magic[5] == 0)
            {
                PutString(345, 155, prefix);
            }
        }

        long sum = 0;
        for (var i = 0; i < Block; i++)
        {
            sum += i is >= 148 and < 156 ? (byte)' ' : header[i];
        }

        if (corrupt)
        {
            sum += 1;
        }

        var digits = Convert.ToString(sum, 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(digits, 0, 6, header, 148);
        header[154] = 0;
        header[155] = (byte)' ';
        output.Write(header, 0, Block);
    }

    private void WriteData(byte[] content)
    {
        output.Write(content, 0, content.Length);
        var padding = (Block - (content.Length % Block)) % Block;
        if (padding > 0)
        {
            output.Write(new byte[padding], 0, padding);
        }
    }

    private void PutString(int offset, int length, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Array.Copy(bytes, 0, header, offset, Math.Min(bytes.Length, length));
    }

    private void PutOctal(int offset, int length, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(digits, 0, digits.Length, header, offset);
    }
}

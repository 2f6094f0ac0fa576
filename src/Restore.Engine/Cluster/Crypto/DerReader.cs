using System;
using System.Text;

namespace Restore.Engine.Cluster.Crypto;

/// <summary>
/// A minimal ASN.1 DER reader: just enough for private keys and certificate extensions. netstandard2.0
/// has no AsnReader, and the PowerShell 5.1 host (.NET Framework) has none either.
/// </summary>
internal sealed class DerReader
{
    internal const byte TagInteger = 0x02;
    internal const byte TagBitString = 0x03;
    internal const byte TagOctetString = 0x04;
    internal const byte TagNull = 0x05;
    internal const byte TagOid = 0x06;
    internal const byte TagSequence = 0x30;

    private readonly byte[] data;
    private readonly int end;
    private int position;

    public DerReader(byte[] data)
        : this(data, 0, data.Length)
    {
    }

    private DerReader(byte[] data, int offset, int end)
    {
        this.data = data;
        position = offset;
        this.end = end;
    }

    public bool HasData => position < end;

    public byte PeekTag()
    {
        if (!HasData)
        {
            throw new FormatException("Unexpected end of DER data.");
        }

        return data[position];
    }

    /// <summary>Reads one element and returns its tag and content bounds.</summary>
    public (byte Tag, int Offset, int Length) ReadElement()
    {
        var tag = PeekTag();
        if ((tag & 0x1F) == 0x1F)
        {
            throw new FormatException("Multi-byte ASN.1 tags are not supported.");
        }

        position++;
        var length = ReadLength();
        if (length > end - position)
        {
            throw new FormatException("DER element length runs past the end of the data.");
        }

        var offset = position;
        position += length;
        return (tag, offset, length);
    }

    public DerReader ReadSequence() => ReadConstructed(TagSequence);

    /// <summary>Reads a constructed element with the given tag and returns a reader over its content.</summary>
    public DerReader ReadConstructed(byte expectedTag)
    {
        var (tag, offset, length) = ReadElement();
        Expect(expectedTag, tag);
        return new DerReader(data, offset, offset + length);
    }

    /// <summary>Reads an INTEGER as unsigned big-endian bytes without leading zero padding.</summary>
    public byte[] ReadUnsignedInteger()
    {
        var (tag, offset, length) = ReadElement();
        Expect(TagInteger, tag);
        if (length == 0)
        {
            throw new FormatException("Empty DER INTEGER.");
        }

        while (length > 1 && data[offset] == 0)
        {
            offset++;
            length--;
        }

        return Slice(offset, length);
    }

    public int ReadSmallInteger()
    {
        var bytes = ReadUnsignedInteger();
        if (bytes.Length > 4)
        {
            throw new FormatException("DER INTEGER is too large.");
        }

        var value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public byte[] ReadOctetString()
    {
        var (tag, offset, length) = ReadElement();
        Expect(TagOctetString, tag);
        return Slice(offset, length);
    }

    /// <summary>Reads a BIT STRING, returning its bytes without the unused-bits octet.</summary>
    public byte[] ReadBitString()
    {
        var (tag, offset, length) = ReadElement();
        Expect(TagBitString, tag);
        if (length < 1)
        {
            throw new FormatException("Empty DER BIT STRING.");
        }

        return Slice(offset + 1, length - 1);
    }

    public string ReadOid()
    {
        var (tag, offset, length) = ReadElement();
        Expect(TagOid, tag);
        return DecodeOid(data, offset, length);
    }

    /// <summary>Raw content bytes of the next element, whatever its tag.</summary>
    public byte[] ReadContent(out byte tag)
    {
        var element = ReadElement();
        tag = element.Tag;
        return Slice(element.Offset, element.Length);
    }

    public void Skip() => ReadElement();

    internal static string DecodeOid(byte[] data, int offset, int length)
    {
        if (length == 0)
        {
            throw new FormatException("Empty DER OBJECT IDENTIFIER.");
        }

        var text = new StringBuilder();
        long value = 0;
        var first = true;
        for (var i = offset; i < offset + length; i++)
        {
            value = (value << 7) | (uint)(data[i] & 0x7F);
            if ((data[i] & 0x80) != 0)
            {
                continue;
            }

            if (first)
            {
                var head = value < 80 ? value / 40 : 2;
                text.Append(head).Append('.').Append(value - (head * 40));
                first = false;
            }
            else
            {
                text.Append('.').Append(value);
            }

            value = 0;
        }

        return text.ToString();
    }

    private static void Expect(byte expected, byte actual)
    {
        if (expected != actual)
        {
            throw new FormatException($"Unexpected DER tag 0x{actual:X2}; expected 0x{expected:X2}.");
        }
    }

    private int ReadLength()
    {
        if (!HasData)
        {
            throw new FormatException("Unexpected end of DER data.");
        }

        var first = data[position++];
        if (first < 0x80)
        {
            return first;
        }

        var count = first & 0x7F;
        if (count == 0 || count > 4)
        {
            throw new FormatException("Unsupported DER length encoding.");
        }

        var length = 0;
        for (var i = 0; i < count; i++)
        {
            if (!HasData)
            {
                throw new FormatException("Unexpected end of DER data.");
            }

            length = (length << 8) | data[position++];
        }

        if (length < 0)
        {
            throw new FormatException("DER length is too large.");
        }

        return length;
    }

    private byte[] Slice(int offset, int length)
    {
        var result = new byte[length];
        Buffer.BlockCopy(data, offset, result, 0, length);
        return result;
    }
}

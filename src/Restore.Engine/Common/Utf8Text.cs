using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Restore.Engine.Common;

/// <summary>UTF-8 decoding of memory blocks (netstandard2.0 has no span overload of <see cref="Encoding.GetString(byte[])"/>).</summary>
internal static class Utf8Text
{
    /// <summary>Decodes <paramref name="bytes"/> as UTF-8.</summary>
    public static string Decode(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is not null
            ? Encoding.UTF8.GetString(segment.Array, segment.Offset, segment.Count)
            : Encoding.UTF8.GetString(bytes.ToArray());
}

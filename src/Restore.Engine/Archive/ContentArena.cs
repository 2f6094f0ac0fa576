using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Restore.Engine.Common;

namespace Restore.Engine.Archive;

/// <summary>
/// Holds the bytes of many small files in a few large arrays. A backup is mostly files of a few hundred bytes to a
/// few kilobytes; one array per file costs an object header each and, worse, makes every young-generation collection
/// while the tarball is read copy the files kept so far. Slabs of <see cref="SlabSize"/> bytes are allocated straight
/// into the large object heap, which the collector neither copies nor scans for references.
/// </summary>
internal sealed class ContentArena
{
    /// <summary>Bytes per slab.</summary>
    public const int SlabSize = 1 << 20;

    // Files larger than this get an array of their own, so a slab never wastes more than a quarter of itself.
    private const int LargestSlabbedFile = SlabSize / 4;

    private readonly List<byte[]> slabs = new();
    private byte[]? current;
    private int used;

    /// <summary>Bytes reserved in slabs and large files together.</summary>
    public long ReservedBytes { get; private set; }

    /// <summary>A writable block of exactly <paramref name="size"/> bytes that stays valid for the arena's lifetime.</summary>
    [MethodImpl(HotPath.Optimize)]
    public Memory<byte> Reserve(int size)
    {
        if (size < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size));
        }

        ReservedBytes += size;
        if (size > LargestSlabbedFile)
        {
            return new byte[size];
        }

        if (current is null || SlabSize - used < size)
        {
            current = new byte[SlabSize];
            slabs.Add(current);
            used = 0;
        }

        var block = new Memory<byte>(current, used, size);
        used += size;
        return block;
    }

    /// <summary>
    /// Gives back the most recent reservation (a file found to duplicate one already held). Anything else is left
    /// in place; it is only memory.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    public void Release(Memory<byte> block)
    {
        ReservedBytes -= block.Length;
        if (current is not null
            && System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(block, out var segment)
            && ReferenceEquals(segment.Array, current)
            && segment.Offset + segment.Count == used)
        {
            used = segment.Offset;
        }
    }
}

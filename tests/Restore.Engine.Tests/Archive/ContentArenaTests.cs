using System;
using System.Runtime.InteropServices;
using Restore.Engine.Archive;
using Xunit;

namespace Restore.Engine.Tests.Archive;

public class ContentArenaTests
{
    [Fact]
    public void SmallFilesShareOneSlabBackToBack()
    {
        var arena = new ContentArena();
        var a = arena.Reserve(100);
        var b = arena.Reserve(200);

        Assert.True(MemoryMarshal.TryGetArray<byte>(a, out var sa));
        Assert.True(MemoryMarshal.TryGetArray<byte>(b, out var sb));
        Assert.Same(sa.Array, sb.Array);
        Assert.Equal(ContentArena.SlabSize, sa.Array!.Length);
        Assert.Equal(sa.Offset + 100, sb.Offset);
        Assert.Equal(300, arena.ReservedBytes);
    }

    [Fact]
    public void ReleasingTheLastReservationReusesItsSpace()
    {
        var arena = new ContentArena();
        arena.Reserve(10);
        var duplicate = arena.Reserve(50);
        arena.Release(duplicate);
        var next = arena.Reserve(20);

        Assert.True(MemoryMarshal.TryGetArray<byte>(duplicate, out var sd));
        Assert.True(MemoryMarshal.TryGetArray<byte>(next, out var sn));
        Assert.Equal(sd.Offset, sn.Offset);
        Assert.Equal(30, arena.ReservedBytes);
    }

    [Fact]
    public void ReleasingAnEarlierReservationLeavesLaterOnesIntact()
    {
        var arena = new ContentArena();
        var first = arena.Reserve(10);
        var second = arena.Reserve(10);
        second.Span.Fill(7);
        arena.Release(first);
        var third = arena.Reserve(10);

        Assert.True(MemoryMarshal.TryGetArray<byte>(second, out var s2));
        Assert.True(MemoryMarshal.TryGetArray<byte>(third, out var s3));
        Assert.Equal(s2.Offset + 10, s3.Offset);
        Assert.All(second.ToArray(), b => Assert.Equal(7, b));
    }

    [Fact]
    public void LargeFilesGetTheirOwnArrayAndAFullSlabStartsANewOne()
    {
        var arena = new ContentArena();
        var large = arena.Reserve(ContentArena.SlabSize / 2);
        Assert.True(MemoryMarshal.TryGetArray<byte>(large, out var sl));
        Assert.Equal(ContentArena.SlabSize / 2, sl.Array!.Length);

        var first = arena.Reserve(ContentArena.SlabSize / 4);
        arena.Reserve(ContentArena.SlabSize / 4);
        arena.Reserve(ContentArena.SlabSize / 4);
        arena.Reserve(ContentArena.SlabSize / 4 - 1);
        var overflow = arena.Reserve(2);
        Assert.True(MemoryMarshal.TryGetArray<byte>(first, out var sf));
        Assert.True(MemoryMarshal.TryGetArray<byte>(overflow, out var so));
        Assert.NotSame(sf.Array, so.Array);
        Assert.Equal(0, so.Offset);
    }

    [Fact]
    public void NegativeSizesAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContentArena().Reserve(-1));
}

using System;

namespace Restore.Engine.Common;

/// <summary>
/// Bounds the memory that short-lived garbage (tar headers and paths while a backup is read, object trees and
/// serialised copies while it is planned) can occupy before it is collected. The runtime sizes its young generation
/// from the CPU's cache and lets it grow to tens of megabytes (80 MiB on a machine that reports a 300 MiB L3 cache);
/// reading and planning a large backup fill it again and again while the backup itself is in memory, so the young
/// generation sits on top of the backup in the process's peak. Collecting it after a fixed amount of heap growth
/// keeps that part small (mix-100k: peak working set 254 to 201 MiB); a young collection with little surviving costs
/// well under a millisecond.
/// </summary>
internal sealed class YoungGenerationLimit
{
    /// <summary>Heap growth between collections (netstandard2.0 has no allocation counter; the heap size stands in).</summary>
    public const long Budget = 16L * 1024 * 1024;

    /// <summary>Ticks between checks: reading the heap size takes a lock, so not on every item.</summary>
    public const int CheckEvery = 256;

    private readonly Func<long> heapSize;
    private readonly Action collectYoung;
    private long heapAfterLastCollection;
    private int sinceCheck;

    /// <summary>Watches the process's managed heap.</summary>
    public YoungGenerationLimit()
        : this(() => GC.GetTotalMemory(forceFullCollection: false), () => GC.Collect(0, GCCollectionMode.Forced, blocking: true))
    {
    }

    /// <summary>Test seam: the heap size and the collection are given.</summary>
    internal YoungGenerationLimit(Func<long> heapSize, Action collectYoung)
    {
        this.heapSize = heapSize;
        this.collectYoung = collectYoung;
        heapAfterLastCollection = heapSize();
    }

    /// <summary>Called once per item read or planned.</summary>
    public void Tick()
    {
        if (++sinceCheck < CheckEvery)
        {
            return;
        }

        sinceCheck = 0;
        if (heapSize() - heapAfterLastCollection >= Budget)
        {
            collectYoung();
            heapAfterLastCollection = heapSize();
        }
    }
}

using System.Collections.Generic;
using Restore.Engine.Archive;

namespace Restore.Engine.Api;

/// <summary>Where a scan of a backup's tarball is, for progress bars.</summary>
public sealed class BackupScanProgress
{
    private BackupScanProgress(ScanProgress progress)
    {
        CompressedBytesRead = progress.CompressedBytesRead;
        CompressedLength = progress.CompressedLength;
        ItemsSeen = progress.ItemsSeen;
    }

    /// <summary>Compressed bytes read so far.</summary>
    public long CompressedBytesRead { get; }

    /// <summary>Size of the tarball when known.</summary>
    public long? CompressedLength { get; }

    /// <summary>Items found so far.</summary>
    public long ItemsSeen { get; }

    internal static BackupScanProgress From(ScanProgress progress) => new(progress);
}

/// <summary>What a scan of a backup's tarball found, besides the items it reported.</summary>
public sealed class BackupScanResult
{
    private BackupScanResult(ScanResult result)
    {
        ItemCount = result.ItemCount;
        MatchedCount = result.MatchedCount;
        HasResources = result.HasResources;
        Warnings = result.Warnings;
    }

    /// <summary>Items in the unversioned tree.</summary>
    public long ItemCount { get; }

    /// <summary>Items that passed the filter and were reported.</summary>
    public long MatchedCount { get; }

    /// <summary>False when the archive has nothing under <c>resources/</c>.</summary>
    public bool HasResources { get; }

    /// <summary>Skipped entries, duplicates and other oddities.</summary>
    public IReadOnlyList<string> Warnings { get; }

    internal static BackupScanResult From(ScanResult result) => new(result);
}

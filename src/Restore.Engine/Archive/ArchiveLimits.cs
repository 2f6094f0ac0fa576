using System;

namespace Restore.Engine.Archive;

/// <summary>
/// Bounds on what a backup tarball may make us read. The defaults fit backups of a million items and
/// stop decompression bombs; every limit can be raised. Exceeding one throws
/// <see cref="ArchiveLimitExceededException"/> naming the limit and the entry.
/// </summary>
internal sealed class ArchiveLimits
{
    /// <summary>Largest single file in the archive. Default 32 MiB (a Kubernetes object is at most a few MiB).</summary>
    public long MaxEntrySize { get; set; } = 32L * 1024 * 1024;

    /// <summary>Most uncompressed tar bytes read in total. Default 16 GiB.</summary>
    public long MaxTotalSize { get; set; } = 16L * 1024 * 1024 * 1024;

    /// <summary>
    /// Highest ratio of uncompressed to compressed bytes, checked once more than
    /// <see cref="CompressionRatioGraceBytes"/> have been uncompressed. Default 200: real backups stay well
    /// below (JSON items, their identical preferred-version copies and tar padding compress about 10 to 60 times),
    /// zeros at gzip's best compression reach about 1000. <see cref="MaxTotalSize"/> bounds the rest.
    /// </summary>
    public double MaxCompressionRatio { get; set; } = 200;

    /// <summary>Uncompressed bytes read before the ratio is checked (small archives are all headers and padding). Default 64 MiB.</summary>
    public long CompressionRatioGraceBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Most tar entries, of any type. Default 10 million.</summary>
    public long MaxEntries { get; set; } = 10_000_000;

    /// <summary>Largest PAX or GNU long-name header. Default 1 MiB.</summary>
    public int MaxHeaderSize { get; set; } = 1024 * 1024;

    // The largest array .NET allocates for bytes is a little under 2 GiB.
    private const long MaxHeldEntrySize = 0x7FFFFFC7;

    /// <summary>A fresh set of default limits.</summary>
    public static ArchiveLimits Default => new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a limit that is zero or negative, or an entry size no array can hold.</summary>
    public void Validate()
    {
        Check(MaxEntrySize, nameof(MaxEntrySize));
        if (MaxEntrySize > MaxHeldEntrySize)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEntrySize), MaxEntrySize, $"An entry is held in one block of memory, so the limit can be at most {MaxHeldEntrySize} bytes.");
        }

        Check(MaxTotalSize, nameof(MaxTotalSize));
        Check(MaxEntries, nameof(MaxEntries));
        Check(MaxHeaderSize, nameof(MaxHeaderSize));
        if (CompressionRatioGraceBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CompressionRatioGraceBytes), CompressionRatioGraceBytes, "The limit cannot be negative.");
        }

        if (!(MaxCompressionRatio >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCompressionRatio), MaxCompressionRatio, "The ratio must be at least 1.");
        }
    }

    private static void Check(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "The limit must be positive.");
        }
    }
}

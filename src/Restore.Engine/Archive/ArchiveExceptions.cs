using System;

namespace Restore.Engine.Archive;

/// <summary>A backup tarball that cannot be read safely. The message names the entry when there is one.</summary>
internal abstract class ArchiveException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected ArchiveException(string message, string? entryPath, long offset, Exception? innerException)
        : base(message, innerException)
    {
        EntryPath = entryPath;
        Offset = offset;
    }

    /// <summary>The entry being read (or the last one read, for a broken header); null at the very start.</summary>
    public string? EntryPath { get; }

    /// <summary>Offset in the uncompressed tar stream where the problem was found.</summary>
    public long Offset { get; }
}

/// <summary>What is wrong with a malformed archive.</summary>
internal enum ArchiveProblem
{
    /// <summary>The stream is empty or not gzip.</summary>
    NotGzip,

    /// <summary>The gzip data is damaged, its checksum does not match, or data follows its end.</summary>
    CorruptGzip,

    /// <summary>The stream ends in the middle of a header or an entry.</summary>
    Truncated,

    /// <summary>A tar header is malformed (checksum, numbers, PAX records).</summary>
    BadHeader,

    /// <summary>An entry name is empty, not UTF-8 or has control characters.</summary>
    BadName,

    /// <summary>An entry type we cannot skip safely (extended GNU sparse files).</summary>
    UnsupportedEntry,
}

/// <summary>A malformed, truncated or damaged archive.</summary>
internal sealed class ArchiveFormatException : ArchiveException
{
    /// <summary>Creates the exception.</summary>
    public ArchiveFormatException(ArchiveProblem problem, string message, string? entryPath = null, long offset = 0, Exception? innerException = null)
        : base(message, entryPath, offset, innerException)
    {
        Problem = problem;
    }

    /// <summary>The kind of problem.</summary>
    public ArchiveProblem Problem { get; }
}

/// <summary>An entry that tries to leave the archive: an absolute path or a <c>..</c> segment.</summary>
internal sealed class ArchiveSecurityException : ArchiveException
{
    /// <summary>Creates the exception.</summary>
    public ArchiveSecurityException(string message, string entryPath, long offset)
        : base(message, entryPath, offset, null)
    {
    }
}

/// <summary>An <see cref="ArchiveLimits"/> bound was exceeded.</summary>
internal sealed class ArchiveLimitExceededException : ArchiveException
{
    /// <summary>Creates the exception.</summary>
    public ArchiveLimitExceededException(string limitName, double limit, double actual, string message, string? entryPath, long offset)
        : base(message, entryPath, offset, null)
    {
        LimitName = limitName;
        Limit = limit;
        Actual = actual;
    }

    /// <summary>The <see cref="ArchiveLimits"/> property that was exceeded, such as <c>MaxEntrySize</c>.</summary>
    public string LimitName { get; }

    /// <summary>The configured limit.</summary>
    public double Limit { get; }

    /// <summary>The value found.</summary>
    public double Actual { get; }
}

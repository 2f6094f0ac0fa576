using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;

namespace Restore.Engine.Archive;

/// <summary>One regular file of the archive, current until the next <see cref="BackupArchiveReader.ReadNextAsync"/>.</summary>
internal sealed class ArchiveEntry
{
    private readonly BackupArchiveReader reader;
    private readonly int generation;

    internal ArchiveEntry(BackupArchiveReader reader, int generation, string path, long size, DateTime? modified)
    {
        this.reader = reader;
        this.generation = generation;
        Path = path;
        Size = size;
        Modified = modified;
    }

    /// <summary>Normalised path inside the archive (no <c>./</c>, no leading <c>/</c>).</summary>
    public string Path { get; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; }

    /// <summary>Modification time from the header (UTC); Velero sets it to the write time.</summary>
    public DateTime? Modified { get; }

    /// <summary>
    /// Reads the whole content. Call at most once, before moving to the next entry; entries whose
    /// content is not read are skipped without keeping them in memory.
    /// </summary>
    public async Task<byte[]> ReadContentAsync(CancellationToken cancellationToken)
    {
        var content = new byte[Size];
        await reader.ReadContentAsync(this, generation, content, cancellationToken).ConfigureAwait(false);
        return content;
    }

    /// <summary>Reads the whole content into <paramref name="destination"/>, which must be exactly <see cref="Size"/> bytes long.</summary>
    internal Task ReadContentAsync(Memory<byte> destination, CancellationToken cancellationToken) => reader.ReadContentAsync(this, generation, destination, cancellationToken);
}

/// <summary>
/// Streams the regular files of a backup tarball (gzip + tar: USTAR, PAX or GNU headers) one at a time,
/// holding at most one entry in memory. Nothing is extracted to disk. Directory entries are skipped;
/// links, devices and other special entries are skipped with a warning. Hostile or broken archives end
/// in an <see cref="ArchiveException"/> that names the entry; <see cref="ArchiveLimits"/> bound the work.
/// Item JSON is not parsed here: whoever decodes an item reports its errors.
/// </summary>
internal sealed class BackupArchiveReader : IDisposable
{
    private const int BufferSize = 256 * 1024;

    private readonly GzipSource source;
    private readonly ArchiveLimits limits;
    private readonly IEngineLog log;
    private readonly List<string> warnings = new();
    private readonly byte[] buffer = new byte[BufferSize];
    private int bufferStart;
    private int bufferEnd;
    private long consumed;
    private long remainingInEntry;
    private bool contentRead = true;
    private int generation;
    private bool finished;
    private string? currentPath;

    private BackupArchiveReader(GzipSource source, ArchiveLimits limits, IEngineLog log)
    {
        this.source = source;
        this.limits = limits;
        this.log = log;
    }

    /// <summary>Skipped entries and other oddities, in order (also written to the log as warnings).</summary>
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>Tar entries seen so far, of every type.</summary>
    public long EntriesRead { get; private set; }

    /// <summary>Compressed bytes consumed so far (for progress).</summary>
    public long CompressedBytesRead => source.CompressedBytes;

    /// <summary>Size of the compressed stream when the stream knows it (local files, S3 objects).</summary>
    public long? CompressedLength => source.CompressedLength;

    /// <summary>True after the end of the archive was reached and the gzip trailer verified.</summary>
    public bool IsComplete => finished;

    /// <summary>Starts reading <paramref name="stream"/>; fails at once when it is empty or not gzip.</summary>
    public static async Task<BackupArchiveReader> OpenAsync(Stream stream, ArchiveLimits? limits, IEngineLog? log, CancellationToken cancellationToken, bool leaveOpen = false)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        limits ??= ArchiveLimits.Default;
        limits.Validate();
        var source = await GzipSource.OpenAsync(stream, leaveOpen, cancellationToken).ConfigureAwait(false);
        return new BackupArchiveReader(source, limits, log ?? NullEngineLog.Instance);
    }

    /// <summary>
    /// Reads a whole tarball into memory, indexed for a restore. Duplicate paths keep the first copy and add a
    /// warning. Throws <see cref="ArchiveException"/> for hostile or broken archives.
    /// </summary>
    public static async Task<BackupContents> LoadAsync(Stream stream, ArchiveLimits? limits, CancellationToken cancellationToken, IEngineLog? log = null)
    {
        using var reader = await OpenAsync(stream, limits, log, cancellationToken).ConfigureAwait(false);
        var contents = new BackupContents();
        var youngGeneration = new YoungGenerationLimit();
        while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            youngGeneration.Tick();
            // Entry sizes are bounded by ArchiveLimits.MaxEntrySize, which is far below 2 GiB.
            var block = contents.Reserve(checked((int)entry.Size));
            await entry.ReadContentAsync(block, cancellationToken).ConfigureAwait(false);
            if (!contents.AddReserved(entry.Path, block))
            {
                reader.Warn($"duplicate entry {entry.Path}: the first copy is kept");
            }
        }

        foreach (var warning in reader.Warnings)
        {
            contents.AddWarning(warning);
        }

        return contents;
    }

    /// <summary>The next regular file, or null at the end of the archive (after the gzip trailer was verified).</summary>
    public async Task<ArchiveEntry?> ReadNextAsync(CancellationToken cancellationToken)
    {
        if (finished)
        {
            return null;
        }

        await SkipRestOfEntryAsync(cancellationToken).ConfigureAwait(false);
        string? longName = null;
        Dictionary<string, string>? pax = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var headerOffset = consumed;
            var available = await FillAsync(TarFormat.BlockSize, cancellationToken).ConfigureAwait(false);
            if (available == 0)
            {
                // No end-of-archive marker, but the stream ends cleanly on a block boundary; Go's reader
                // accepts that, and the gzip trailer still proves nothing is missing.
                await FinishAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (available < TarFormat.BlockSize)
            {
                throw Truncated($"The archive ends inside a tar header after {Describe(currentPath)}.", headerOffset);
            }

            if (TarFormat.IsZeroBlock(buffer, bufferStart))
            {
                Consume(TarFormat.BlockSize);
                var next = await FillAsync(TarFormat.BlockSize, cancellationToken).ConfigureAwait(false);
                if (next >= TarFormat.BlockSize && !TarFormat.IsZeroBlock(buffer, bufferStart))
                {
                    throw BadHeader($"A zero block at offset {headerOffset} is followed by more data after {Describe(currentPath)}.", headerOffset);
                }

                await FinishAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (!TarFormat.ChecksumMatches(buffer, bufferStart))
            {
                throw BadHeader($"The tar header at offset {headerOffset} (after {Describe(currentPath)}) has a bad checksum: the archive is damaged.", headerOffset);
            }

            if (++EntriesRead > limits.MaxEntries)
            {
                throw new ArchiveLimitExceededException(nameof(ArchiveLimits.MaxEntries), limits.MaxEntries, EntriesRead, $"The archive has more than {limits.MaxEntries} entries (MaxEntries); stopped at offset {headerOffset}, after {Describe(currentPath)}.", currentPath, headerOffset);
            }

            var type = (char)buffer[bufferStart + 156];
            if (!TarFormat.TryParseNumber(buffer, bufferStart + 124, 12, out var size))
            {
                throw BadHeader($"The tar header at offset {headerOffset} (after {Describe(currentPath)}) has an invalid size field.", headerOffset);
            }

            var rawName = longName ?? TarFormat.UstarName(buffer, bufferStart);
            if (pax is not null && pax.TryGetValue("path", out var paxPath))
            {
                rawName = paxPath;
            }

            if (pax is not null && pax.TryGetValue("size", out var paxSize))
            {
                if (!long.TryParse(paxSize, NumberStyles.None, CultureInfo.InvariantCulture, out size))
                {
                    throw BadHeader($"The PAX size '{paxSize}' of the entry at offset {headerOffset} is invalid.", headerOffset);
                }
            }

            var modified = ReadModified(pax);
            var isExtendedSparse = buffer[bufferStart + 482] != 0;
            Consume(TarFormat.BlockSize);

            switch (type)
            {
                case 'x':
                case 'g':
                case 'L':
                case 'K':
                    var data = await ReadMetadataEntryAsync(type, size, headerOffset, cancellationToken).ConfigureAwait(false);
                    if (type == 'x')
                    {
                        pax = TarFormat.ParsePaxRecords(data, out var paxError) ?? throw BadHeader($"The PAX header at offset {headerOffset} (after {Describe(currentPath)}) is malformed: {paxError}.", headerOffset);
                    }
                    else if (type == 'L')
                    {
                        longName = TarFormat.DecodeName(data, 0, data.Length) ?? throw BadName($"The GNU long name at offset {headerOffset} is not valid UTF-8.", headerOffset);
                    }

                    continue;
            }

            if (rawName is null)
            {
                throw BadName($"The name of the entry at offset {headerOffset} (after {Describe(currentPath)}) is not valid UTF-8.", headerOffset);
            }

            var path = ArchivePath.Normalize(rawName, headerOffset, out var isDirectory);
            currentPath = path;
            longName = null;
            pax = null;
            if (type is '0' or '\0' or '7' && !isDirectory)
            {
                if (size > limits.MaxEntrySize)
                {
                    throw new ArchiveLimitExceededException(nameof(ArchiveLimits.MaxEntrySize), limits.MaxEntrySize, size, $"The entry {path} is {size} bytes, more than the {limits.MaxEntrySize}-byte limit (MaxEntrySize).", path, headerOffset);
                }

                remainingInEntry = size;
                contentRead = false;
                return new ArchiveEntry(this, ++generation, path, size, modified);
            }

            if (type == 'S' && isExtendedSparse)
            {
                throw new ArchiveFormatException(ArchiveProblem.UnsupportedEntry, $"The entry {path} is a GNU sparse file with extended headers, which a backup never contains.", path, headerOffset);
            }

            if (type != '5' && !(isDirectory && type is '0' or '\0' or '7'))
            {
                Warn($"ignoring {DescribeType(type)} entry {path}: a backup holds only regular files");
            }

            await SkipAsync(size + TarFormat.Padding(size), path, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => source.Dispose();

    internal async Task ReadContentAsync(ArchiveEntry entry, int entryGeneration, Memory<byte> content, CancellationToken cancellationToken)
    {
        if (entryGeneration != generation || contentRead)
        {
            throw new InvalidOperationException($"The content of {entry.Path} can be read once, before moving to the next entry.");
        }

        if (content.Length != entry.Size)
        {
            throw new ArgumentException($"The destination holds {content.Length} bytes; the entry {entry.Path} has {entry.Size}.", nameof(content));
        }

        contentRead = true;
        var filled = 0;
        while (filled < content.Length)
        {
            var available = bufferEnd - bufferStart;
            if (available == 0)
            {
                available = await FillAsync(1, cancellationToken).ConfigureAwait(false);
                if (available == 0)
                {
                    throw Truncated($"The archive ends inside the entry {entry.Path} ({filled} of {entry.Size} bytes).", consumed);
                }
            }

            var take = (int)Math.Min(available, content.Length - filled);
            buffer.AsSpan(bufferStart, take).CopyTo(content.Span.Slice(filled));
            Consume(take);
            filled += take;
        }

        remainingInEntry = 0;
        await SkipAsync(TarFormat.Padding(entry.Size), entry.Path, cancellationToken).ConfigureAwait(false);
    }

    internal void Warn(string message)
    {
        warnings.Add(message);
        log.Warning(message);
    }

    private static string Describe(string? path) => path is null ? "the start of the archive" : "the entry " + path;

    private static string DescribeType(char type) => type switch
    {
        '1' => "hard link",
        '2' => "symbolic link",
        '3' => "character device",
        '4' => "block device",
        '6' => "FIFO",
        'S' => "GNU sparse file",
        'V' => "volume label",
        'M' => "multi-volume continuation",
        'N' => "GNU old long name",
        _ => $"type '{(type < ' ' ? "\\x" + ((int)type).ToString("x2", CultureInfo.InvariantCulture) : type.ToString())}'",
    };

    private DateTime? ReadModified(Dictionary<string, string>? pax)
    {
        if (pax is not null && pax.TryGetValue("mtime", out var text)
            && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && seconds < 253402300799)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).UtcDateTime;
        }

        return TarFormat.TryParseNumber(buffer, bufferStart + 136, 12, out var unix) && unix < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime
            : null;
    }

    private async Task<byte[]> ReadMetadataEntryAsync(char type, long size, long headerOffset, CancellationToken cancellationToken)
    {
        if (size > limits.MaxHeaderSize)
        {
            throw new ArchiveLimitExceededException(nameof(ArchiveLimits.MaxHeaderSize), limits.MaxHeaderSize, size, $"The {(type is 'x' or 'g' ? "PAX" : "GNU long name")} header at offset {headerOffset} (after {Describe(currentPath)}) is {size} bytes, more than the {limits.MaxHeaderSize}-byte limit (MaxHeaderSize).", currentPath, headerOffset);
        }

        var data = new byte[size];
        var filled = 0;
        while (filled < data.Length)
        {
            var available = await FillAsync(1, cancellationToken).ConfigureAwait(false);
            if (available == 0)
            {
                throw Truncated($"The archive ends inside a header at offset {headerOffset} after {Describe(currentPath)}.", consumed);
            }

            var take = Math.Min(available, data.Length - filled);
            Buffer.BlockCopy(buffer, bufferStart, data, filled, take);
            Consume(take);
            filled += take;
        }

        await SkipAsync(TarFormat.Padding(size), currentPath, cancellationToken).ConfigureAwait(false);
        return data;
    }

    private async Task SkipRestOfEntryAsync(CancellationToken cancellationToken)
    {
        if (remainingInEntry > 0 || !contentRead)
        {
            var total = remainingInEntry + TarFormat.Padding(remainingInEntry);
            remainingInEntry = 0;
            contentRead = true;
            await SkipAsync(total, currentPath, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SkipAsync(long count, string? path, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var available = bufferEnd - bufferStart;
            if (available == 0)
            {
                available = await FillAsync(1, cancellationToken).ConfigureAwait(false);
                if (available == 0)
                {
                    throw Truncated($"The archive ends inside {Describe(path)}.", consumed);
                }
            }

            var take = (int)Math.Min(available, count);
            Consume(take);
            count -= take;
        }
    }

    private void Consume(int count)
    {
        bufferStart += count;
        consumed += count;
        if (consumed > limits.MaxTotalSize || consumed > limits.CompressionRatioGraceBytes)
        {
            CheckVolume(consumed);
        }
    }

    /// <summary>Makes at least <paramref name="needed"/> bytes available unless the stream ends; returns how many are.</summary>
    private async ValueTask<int> FillAsync(int needed, CancellationToken cancellationToken)
    {
        var available = bufferEnd - bufferStart;
        if (available >= needed)
        {
            return available;
        }

        if (bufferStart > 0)
        {
            Buffer.BlockCopy(buffer, bufferStart, buffer, 0, available);
            bufferStart = 0;
            bufferEnd = available;
        }

        while (bufferEnd < needed)
        {
            int read;
            try
            {
                read = await source.ReadAsync(buffer, bufferEnd, buffer.Length - bufferEnd, cancellationToken).ConfigureAwait(false);
            }
            catch (ArchiveFormatException ex) when (ex.EntryPath is null && currentPath is not null)
            {
                throw new ArchiveFormatException(ex.Problem, $"{ex.Message} Reading stopped in {Describe(currentPath)}.", currentPath, consumed, ex);
            }

            if (read == 0)
            {
                break;
            }

            bufferEnd += read;
        }

        return bufferEnd - bufferStart;
    }

    private void CheckVolume(long total)
    {
        if (total > limits.MaxTotalSize)
        {
            throw new ArchiveLimitExceededException(nameof(ArchiveLimits.MaxTotalSize), limits.MaxTotalSize, total, $"The archive uncompresses to more than {limits.MaxTotalSize} bytes (MaxTotalSize), at {Describe(currentPath)}.", currentPath, consumed);
        }

        if (total > limits.CompressionRatioGraceBytes)
        {
            var ratio = (double)total / Math.Max(1, source.CompressedBytes);
            if (ratio > limits.MaxCompressionRatio)
            {
                throw new ArchiveLimitExceededException(nameof(ArchiveLimits.MaxCompressionRatio), limits.MaxCompressionRatio, ratio, $"The archive uncompresses {ratio.ToString("F0", CultureInfo.InvariantCulture)} times larger than it is compressed, more than the limit of {limits.MaxCompressionRatio.ToString(CultureInfo.InvariantCulture)} (MaxCompressionRatio), at {Describe(currentPath)}: it looks like a decompression bomb.", currentPath, consumed);
            }
        }
    }

    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        // Read to the end of the gzip stream so its trailer is verified; padding after the
        // end-of-archive marker still counts against the limits.
        bufferStart = bufferEnd = 0;
        await source.DrainAsync(() => CheckVolume(source.DecompressedBytes), cancellationToken).ConfigureAwait(false);
        finished = true;
        currentPath = null;
    }

    private ArchiveFormatException Truncated(string message, long offset) => new(ArchiveProblem.Truncated, message, currentPath, offset);

    private ArchiveFormatException BadHeader(string message, long offset) => new(ArchiveProblem.BadHeader, message, currentPath, offset);

    private ArchiveFormatException BadName(string message, long offset) => new(ArchiveProblem.BadName, message, currentPath, offset);
}

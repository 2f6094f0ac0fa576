using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Benchmark;
using Restore.Engine.Archive;
using Restore.TestSupport;
using SharpCompress.Readers;

// Usage: ArchiveProbes [--items 100000] [--runs 5] [--damage-items 1000]
// 1. Damage: a tarball of --damage-items items, whole and damaged, read by each reader.
// 2. Speed: a tarball of --items items read --runs times by each reader (interleaved); medians.
// Every reader reads every regular file's bytes into an array of its size, as a restore needs them.
namespace Restore.DependencyProbes.ArchiveProbes;

internal static class Program
{
    private static readonly (string Name, Func<Stream, Result> Read)[] Readers =
    {
        ("Restore.Engine BackupArchiveReader", ReadWithEngine),
        ("SharpCompress 0.50.9 ReaderFactory", ReadWithSharpCompress),
        ("System.Formats.Tar + GZipStream (.NET 7+ only)", ReadWithFormatsTar),
    };

    // The damage sweep also tries SharpCompress's async reader, in case it checks more.
    private static readonly (string Name, Func<Stream, Result> Read)[] DamageReaders = Readers
        .Append(("SharpCompress 0.50.9 OpenAsyncReader", ReadWithSharpCompressAsync))
        .ToArray();

    private static int Main(string[] args)
    {
        var items = Int(args, "--items", 100_000);
        var runs = Int(args, "--runs", 5);
        var damageItems = Int(args, "--damage-items", 1_000);
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

        var small = BenchmarkItems.AddItems(new VeleroBackupBuilder("damage"), damageItems).BuildTarball();
        var control = ReadWithEngine(new MemoryStream(small));
        var expected = control.Entries;
        var expectedDigest = control.Digest;
        Console.WriteLine();
        Console.WriteLine($"Damage: a tarball of {damageItems:N0} items, {small.Length:N0} bytes, {expected:N0} regular files.");
        Console.WriteLine();
        Console.WriteLine("| Tarball | " + string.Join(" | ", DamageReaders.Select(r => r.Name)) + " |");
        Console.WriteLine("|---|" + string.Concat(DamageReaders.Select(_ => "---|")));
        foreach (var (name, bytes) in Damaged(small))
        {
            var cells = DamageReaders.Select(r => Describe(Run(r.Read, bytes), expected, expectedDigest));
            Console.WriteLine($"| {name} | " + string.Join(" | ", cells) + " |");
        }

        // One cut or one flipped bit is one sample; sweep many positions and count the outcomes.
        Console.WriteLine();
        Console.WriteLine("Sweep: the same tarball cut at every 1 % from 1 % to 99 % of its length (99 files), and with one bit flipped at every 1 % (99 files).");
        Console.WriteLine();
        Console.WriteLine("| Damage | Reader | Error reported | Read as ok, content intact | Read as ok, content changed (silent corruption) | Read as ok, files missing (silent loss) | Silent at |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var sweeps = new (string Name, Func<int, byte[]> Make)[]
        {
            ("cut", percent => small[..(int)((long)small.Length * percent / 100)]),
            ("bit flipped", percent =>
            {
                var copy = (byte[])small.Clone();
                copy[(int)((long)small.Length * percent / 100)] ^= 0x01;
                return copy;
            }),
        };
        foreach (var (sweep, make) in sweeps)
        {
            foreach (var (name, read) in DamageReaders)
            {
                int errors = 0, intact = 0, changed = 0, missing = 0;
                var silentAt = new List<int>();
                for (var percent = 1; percent <= 99; percent++)
                {
                    var result = Run(read, make(percent));
                    if (result.Error is not null)
                    {
                        errors++;
                    }
                    else if (result.Entries != expected)
                    {
                        missing++;
                        silentAt.Add(percent);
                    }
                    else if (result.Digest != expectedDigest)
                    {
                        changed++;
                        silentAt.Add(percent);
                    }
                    else
                    {
                        intact++;
                    }
                }

                var at = silentAt.Count == 0 ? "-" : silentAt.Count <= 6 ? string.Join(", ", silentAt.Select(p => p + " %")) : $"{silentAt.Count} positions from {silentAt[0]} % to {silentAt[^1]} %";
                Console.WriteLine($"| {sweep} | {name} | {errors} | {intact} | {changed} | {missing} | {at} |");
            }
        }

        var large = BenchmarkItems.AddItems(new VeleroBackupBuilder("speed"), items).BuildTarball();
        var path = Path.Combine(Path.GetTempPath(), "archive-probe-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        File.WriteAllBytes(path, large);
        try
        {
            Console.WriteLine();
            Console.WriteLine($"Speed: {items:N0} items (the benchmark mix), {large.Length / 1048576.0:F1} MiB compressed, read from a file {runs} times each after one warm-up, readers interleaved.");
            Console.WriteLine();
            var times = Readers.ToDictionary(r => r.Name, _ => new List<double>());
            var allocations = Readers.ToDictionary(r => r.Name, _ => new List<double>());
            var counts = Readers.ToDictionary(r => r.Name, _ => 0L);
            for (var run = 0; run <= runs; run++)
            {
                foreach (var (name, read) in Readers)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                    var clock = Stopwatch.StartNew();
                    Result result;
                    using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan))
                    {
                        result = read(file);
                    }

                    clock.Stop();
                    if (result.Error is not null)
                    {
                        throw new InvalidOperationException($"{name} failed on the whole tarball: {result.Error}");
                    }

                    if (run > 0)
                    {
                        times[name].Add(clock.Elapsed.TotalSeconds);
                        allocations[name].Add((GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0);
                    }

                    counts[name] = result.Entries;
                }
            }

            var ours = Median(times[Readers[0].Name]);
            Console.WriteLine("| Reader | Files read | Median | Fastest | Slowest | vs ours | Allocated (median) |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var (name, _) in Readers)
            {
                var median = Median(times[name]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {counts[name]:N0} | {median:F2} s | {times[name].Min():F2} s | {times[name].Max():F2} s | {median / ours:F2}x | {Median(allocations[name]):F0} MiB |"));
            }
        }
        finally
        {
            File.Delete(path);
        }

        return 0;
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Damaged(byte[] whole)
    {
        yield return ("whole (control)", whole);
        yield return ("cut at 50 %", whole[..(whole.Length / 2)]);
        yield return ("cut at 90 %", whole[..(whole.Length * 9 / 10)]);
        yield return ("last 8 bytes (gzip trailer: CRC-32, length) missing", whole[..^8]);
        var changed = (byte[])whole.Clone();
        changed[whole.Length / 2] ^= 0x01;
        yield return ("one bit flipped at 50 %", changed);
        var crc = (byte[])whole.Clone();
        crc[^8] ^= 0x01;
        yield return ("one bit flipped in the stored CRC-32", crc);
    }

    private static Result Run(Func<Stream, Result> read, byte[] bytes) => read(new MemoryStream(bytes, writable: false));

    private static string Describe(Result result, long expected, string? expectedDigest)
    {
        if (result.Error is not null)
        {
            return $"error after {result.Entries:N0} files: {Short(result.Error)}";
        }

        if (result.Entries != expected)
        {
            return $"**ok, {result.Entries:N0} of {expected:N0} files (silent loss)**";
        }

        return result.Digest == expectedDigest ? $"ok, {result.Entries:N0} files, content intact" : $"**ok, {result.Entries:N0} files, content changed (silent corruption)**";
    }

    private static string Short(string text)
    {
        text = text.Replace('\n', ' ').Replace('\r', ' ').Replace("|", "\\|", StringComparison.Ordinal);
        return text.Length <= 140 ? text : text[..140] + "...";
    }

    /// <summary>Runs a reader that hands each file's bytes to its argument; counts and digests them, and keeps the error.</summary>
    private static Result Read(Action<Action<byte[]>> readFiles)
    {
        long entries = 0;
        using var digest = new ContentDigest();
        try
        {
            readFiles(content =>
            {
                digest.Add(content);
                entries++;
            });
            return new Result(entries, null, digest.Finish());
        }
        catch (Exception ex)
        {
            return new Result(entries, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static Result ReadWithEngine(Stream stream) => Read(file =>
    {
        using var reader = BackupArchiveReader.OpenAsync(stream, limits: null, log: null, CancellationToken.None).GetAwaiter().GetResult();
        while (reader.ReadNextAsync(CancellationToken.None).GetAwaiter().GetResult() is { } entry)
        {
            file(entry.ReadContentAsync(CancellationToken.None).GetAwaiter().GetResult());
        }
    });

    // Defaults, as a caller would use them: the factory detects gzip, then tar.
    private static Result ReadWithSharpCompress(Stream stream) => Read(file =>
    {
        using var reader = ReaderFactory.OpenReader(stream, new ReaderOptions());
        while (reader.MoveToNextEntry())
        {
            if (!reader.Entry.IsDirectory)
            {
                var content = new byte[reader.Entry.Size];
                using (var entryStream = reader.OpenEntryStream())
                {
                    entryStream.ReadExactly(content);
                }

                file(content);
            }
        }
    });

    private static Result ReadWithSharpCompressAsync(Stream stream) => Read(file => Task.Run(async () =>
    {
        var reader = await ReaderFactory.OpenAsyncReader(stream, new ReaderOptions(), CancellationToken.None);
        await using var disposable = (IAsyncDisposable)reader;
        while (await reader.MoveToNextEntryAsync(CancellationToken.None))
        {
            if (!reader.Entry.IsDirectory)
            {
                var content = new byte[reader.Entry.Size];
                await using (var entryStream = await reader.OpenEntryStreamAsync(CancellationToken.None))
                {
                    await entryStream.ReadExactlyAsync(content);
                }

                file(content);
            }
        }
    }).GetAwaiter().GetResult());

    private static Result ReadWithFormatsTar(Stream stream) => Read(file =>
    {
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new System.Formats.Tar.TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is System.Formats.Tar.TarEntryType.RegularFile or System.Formats.Tar.TarEntryType.V7RegularFile)
            {
                var content = new byte[entry.Length];
                entry.DataStream?.ReadExactly(content);
                file(content);
            }
        }
    });

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Int(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Result(long Entries, string? Error, string? Digest = null);

    /// <summary>A SHA-256 over every file's bytes in archive order, to tell a complete read from a changed one.</summary>
    private sealed class ContentDigest : IDisposable
    {
        private readonly System.Security.Cryptography.IncrementalHash hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

        public void Add(byte[] content) => hash.AppendData(content);

        public string Finish() => Convert.ToHexString(hash.GetHashAndReset());

        public void Dispose() => hash.Dispose();
    }
}

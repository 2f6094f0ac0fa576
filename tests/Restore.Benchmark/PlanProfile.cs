using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Planning;

namespace Restore.Benchmark;

/// <summary>
/// <c>plan-profile --location DIR --backup NAME [--repeat N]</c>: where the plan stage's time goes. Times each part on
/// its own (warm, after <c>N-1</c> rounds): reading the tarball into memory, planning from memory, and the floor of
/// the per-item work (parse each item into a JsonNode; parse and serialize it again), with allocations and GC pauses.
/// </summary>
public static class PlanProfile
{
    /// <summary>Runs the breakdown and prints one line per part.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var options = PlanStage.Location(args);
        var backupName = ChildProcess.Value(args, "--backup")!;
        var repeat = int.Parse(ChildProcess.Value(args, "--repeat") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
        for (var round = 1; round <= repeat; round++)
        {
            var last = round == repeat;
            var readTicks = last && Array.IndexOf(args, "--read-alloc") >= 0 ? new AllocationTicks() : null;
            var (backup, contents) = await Part("read", last, () => PlanStage.ReadAsync(options, backupName, CancellationToken.None));
            readTicks?.Print();
            readTicks?.Dispose();
            var files = contents.GroupResources.SelectMany(contents.GetItems).Select(e => contents.TryGetFile(e.Path, out var b) ? b.ToArray() : Array.Empty<byte>()).ToList();
            using var ticks = last && Array.IndexOf(args, "--alloc") >= 0 ? new AllocationTicks() : null;
            await Part("plan (from memory)", last, () =>
            {
                var count = 0;
                foreach (var item in new RestorePlanner().Stream(PlanStage.Request(backup, contents), CancellationToken.None))
                {
                    count += item.ObjectUtf8 is null ? 0 : 1;
                }

                return Task.FromResult(count);
            });
            ticks?.Print();
            ticks?.Dispose();
            await Part("parse each item", last, () => Task.FromResult(files.Count(f => JsonNode.Parse(f) is JsonObject)));
            await Part("parse + serialize each item", last, () => Task.FromResult(files.Sum(f => JsonSerializer.SerializeToUtf8Bytes(JsonNode.Parse(f)).Length)));
            if (last)
            {
                files.Clear();
                Console.WriteLine($"items {contents.ItemCount:N0}, {contents.TotalBytes / 1048576.0:N0} MiB of files, live heap with the backup loaded {GC.GetTotalMemory(true) / 1048576.0:N0} MiB");
            }
        }

        return 0;
    }

    /// <summary>Samples allocations by type (the runtime reports one allocation per ~100 KB).</summary>
    private sealed class AllocationTicks : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> bytes = new();
        private bool on = true;

        public void Print()
        {
            on = false;
            foreach (var (type, size) in bytes.OrderByDescending(p => p.Value).Take(25))
            {
                Console.WriteLine($"  {size / 1048576.0,8:N1} MiB  {type}");
            }
        }

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)1);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (on && e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } payload)
            {
                var type = payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
                var amount = Convert.ToInt64(payload[e.PayloadNames!.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
                bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
            }
        }
    }

    private static async Task<T> Part<T>(string name, bool print, Func<Task<T>> body)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var pauses = GC.GetTotalPauseDuration();
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        var result = await body();
        var seconds = clock.Elapsed.TotalSeconds;
        if (print)
        {
            Console.WriteLine($"{name,-30} {seconds:F3} s, allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0:N0} MiB, GC pauses {(GC.GetTotalPauseDuration() - pauses).TotalSeconds:F3} s, gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}");
        }

        return result;
    }
}

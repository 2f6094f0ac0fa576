using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Restore.Benchmark;

/// <summary>A plan-stage measurement of one backup at one location.</summary>
public sealed record PlanRow(Scenario Scenario, string Location, PlanResult Result);

/// <summary>The apply measurements of one backup at one latency.</summary>
public sealed class ApplyRow
{
    /// <summary>Creates a row.</summary>
    public ApplyRow(Scenario scenario, int latencyMs, int objects, int sampleObjects)
    {
        Scenario = scenario;
        LatencyMs = latencyMs;
        Objects = objects;
        SampleObjects = sampleObjects;
    }

    /// <summary>The backup.</summary>
    public Scenario Scenario { get; }

    /// <summary>Injected latency per request.</summary>
    public int LatencyMs { get; }

    /// <summary>Objects a full restore creates.</summary>
    public int Objects { get; }

    /// <summary>Objects the one-at-a-time sample creates.</summary>
    public int SampleObjects { get; }

    /// <summary>1: our restore with -Parallel 1.</summary>
    public EngineRun? OneAtATime { get; set; }

    /// <summary>1 without the client-side rate limit (<c>-Qps 5000 -Burst 10000</c>): the strategy alone.</summary>
    public EngineRun? OneAtATimeUnlimited { get; set; }

    /// <summary>The faster of the two one-at-a-time runs, which the ratios use (the comparison least flattering to us).</summary>
    public ApplyResult? FastestOneAtATime =>
        new[] { OneAtATime?.Result, OneAtATimeUnlimited?.Result }.Where(r => r is not null).OrderByDescending(r => r!.ItemsPerSecond).FirstOrDefault();

    /// <summary>2: our restore with its defaults.</summary>
    public EngineRun? Default { get; set; }

    /// <summary>2: our restore with the best setting found.</summary>
    public EngineRun? Best { get; set; }

    /// <summary>3: kubectl create -f.</summary>
    public ApplyResult? Kubectl { get; set; }

    /// <summary>4: the raw POST ceiling.</summary>
    public ApplyResult? Raw { get; set; }
}

/// <summary>Our restore with default settings at one backup size.</summary>
public sealed record GrowthRow(Scenario Scenario, EngineRun Run);

/// <summary>Collects the measurements and renders them as markdown.</summary>
public sealed class RestoreReport
{
    /// <summary>Marks the start of the generated part of docs/benchmarks.md.</summary>
    public const string BeginMarker = "<!-- restore-benchmark: begin (generated; rerun the command below to update) -->";

    /// <summary>Marks its end.</summary>
    public const string EndMarker = "<!-- restore-benchmark: end -->";

    private readonly BenchmarkSettings settings;

    /// <summary>Creates an empty report.</summary>
    public RestoreReport(BenchmarkSettings settings, MachineInfo machine)
    {
        this.settings = settings;
        Machine = machine;
    }

    /// <summary>The machine.</summary>
    public MachineInfo Machine { get; }

    /// <summary>Why s3rver did not run, or null.</summary>
    public string? S3Note { get; set; }

    /// <summary>Why kubectl did not run, or null.</summary>
    public string? KubectlNote { get; set; }

    /// <summary>Where kubectl's manifests came from.</summary>
    public string? ManifestSource { get; set; }

    /// <summary>kubectl's version.</summary>
    public string? KubectlVersion { get; set; }

    /// <summary>Plan-stage rows.</summary>
    public List<PlanRow> Plan { get; } = new();

    /// <summary>Apply rows.</summary>
    public List<ApplyRow> Apply { get; } = new();

    /// <summary>Growth rows (apply).</summary>
    public List<GrowthRow> Growth { get; } = new();

    /// <summary>How long the whole run took.</summary>
    public double TotalSeconds { get; set; }

    /// <summary>Replaces the generated part of <paramref name="path"/> (between the markers), or appends it.</summary>
    public static void WriteSection(string path, string markdown)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        var block = BeginMarker + "\n\n" + markdown.TrimEnd() + "\n\n" + EndMarker;
        var begin = text.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        text = begin >= 0 && end > begin
            ? text.Substring(0, begin) + block + text.Substring(end + EndMarker.Length)
            : text.TrimEnd() + "\n\n## Restore: plan and apply\n\n" + block + "\n";
        File.WriteAllText(path, text);
    }

    /// <summary>One plan row as a table line.</summary>
    public string FormatPlanRow(PlanRow row)
    {
        var r = row.Result;
        return $"| {row.Scenario.Name} | {row.Location} | {r.BackupItems:N0} | {r.Creates:N0} | {r.Seconds:F2} s | {r.BackupItems / r.Seconds:N0} | {r.WarmSeconds:F2} s | {r.BackupItems / r.WarmSeconds:N0} | {Mib(r.PeakWorkingSet)} | {Mib(r.PeakLiveHeap)} | {r.AllocatedBytes / 1048576.0:N0} MiB / {r.Collections} |";
    }

    /// <summary>The markdown: machine, command, tables, targets.</summary>
    public string Render()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Command: `{settings.Command.TrimEnd()}` ({TotalSeconds / 60:F1} minutes in all).");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Cores} cores ({Machine.Cpu}), {Machine.MemoryGiB:F0} GiB, {Machine.Os}, {Machine.Runtime}; load average {Machine.LoadBefore} at the start, {Machine.LoadAfter} at the end. kubectl {KubectlVersion ?? "not run: " + KubectlNote}. The test API server runs in a child process of its own, on the same cores as the client.");
        if (S3Note is not null)
        {
            s.AppendLine();
            s.AppendLine(S3Note);
        }

        s.AppendLine();
        s.AppendLine("### Plan stage: read, filter, transform, order");
        s.AppendLine();
        s.AppendLine("| Backup | Location | Items | Planned creates | First run | Items/s | Warm run | Items/s | Peak working set | Peak live heap | Allocated / GCs |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Plan)
        {
            s.AppendLine(FormatPlanRow(row));
        }

        s.AppendLine();
        s.AppendLine("### Apply stage: items/s into a fresh test API server per run");
        s.AppendLine();
        s.AppendLine("| Backup | Latency | Objects | 1: ours, -Parallel 1 | 1: same, no rate limit | 2: ours, defaults | 2: ours, best | 3: kubectl create -f | 4: raw POST ceiling | 2/1 | 2/3 | 2/4 |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Apply)
        {
            var one = Rate(row.FastestOneAtATime);
            var def = Rate(row.Default?.Result);
            var best = Rate(row.Best?.Result);
            var kubectl = Rate(row.Kubectl);
            var raw = Rate(row.Raw);
            s.AppendLine(CultureInfo.InvariantCulture, $"| {row.Scenario.Name} | {row.LatencyMs} ms | {row.Objects:N0} | {Cell(row.OneAtATime)} | {Cell(row.OneAtATimeUnlimited)} | {Cell(row.Default)} | {Cell(row.Best, withSettings: true)} | {Cell(row.Kubectl)} | {Cell(row.Raw)} | {Ratio(def, best, one)} | {Ratio(def, best, kubectl)} | {Percent(def, best, raw)} |");
        }

        s.AppendLine();
        if (ManifestSource is not null)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"kubectl's manifests: {ManifestSource}.");
            s.AppendLine();
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"Runs whose speed is bound by a fixed rate (1: one item at a time; 3: kubectl, one at a time) restore a sample of whole shards of the backup: at least {settings.SequentialSample:N0} objects, the same mix, their namespaces included. Our defaults and best setting (2) and the ceiling (4) restore everything (the 2-default column below is the whole backup, not the sample). Each run is the whole command, start to finish, into a fresh server (ours: read the backup, plan, create, write the restore record; kubectl: read the manifests, discover, create). Ratios use the default run, with the best setting in parentheses; 2/1 divides by the faster of the two one-at-a-time runs.");
        s.AppendLine();
        s.AppendLine("| Backup | Latency | Sample | 1: seconds (no rate limit) | 2 default: seconds | 2 best: seconds, setting | 3: seconds | 4: seconds, setting |");
        s.AppendLine("|---|---:|---:|---:|---:|---|---:|---|");
        foreach (var row in Apply)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {row.Scenario.Name} | {row.LatencyMs} ms | {row.SampleObjects:N0} | {Seconds(row.OneAtATime?.Result)} ({Seconds(row.OneAtATimeUnlimited?.Result)}) | {Seconds(row.Default?.Result)} | {Seconds(row.Best?.Result)}, {row.Best?.Settings.ToString() ?? "-"} | {Seconds(row.Kubectl)} | {Seconds(row.Raw)}, {row.Raw?.Note ?? "-"} |");
        }

        s.AppendLine();
        s.AppendLine("Requests the server handled in each run (first backup and latency):");
        s.AppendLine();
        if (Apply.FirstOrDefault() is { } first)
        {
            foreach (var (name, requests) in new[] { ("1: ours, -Parallel 1", first.OneAtATime?.Result?.Requests), ("1: same, no rate limit", first.OneAtATimeUnlimited?.Result?.Requests), ("2: ours, defaults", first.Default?.Result?.Requests), ("2: ours, best", first.Best?.Result?.Requests), ("3: kubectl", first.Kubectl?.Requests), ("4: raw", first.Raw?.Requests) })
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"- {name}: {requests ?? "-"}");
            }
        }

        s.AppendLine();
        s.AppendLine("Where the time of our best run went (from the engine's progress reports):");
        s.AppendLine();
        foreach (var row in Apply.Where(r => r.Best?.Result?.Phases is not null))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"- {row.Scenario.Name}, {row.LatencyMs} ms, {row.Best!.Settings}: {row.Best.Result!.Phases}; the creates alone ran at {CreateRate(row.Best.Result)} items/s");
        }

        s.AppendLine();
        s.AppendLine("### Growth with item count");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Plan stage from the local folder (first run), and a whole restore with `{settings.GrowthSettings}` at {settings.GrowthLatency} ms latency (peak working set of the restoring process).");
        s.AppendLine();
        s.AppendLine("| Backup | Items | Plan time | Plan µs/item | Plan peak working set | Restore time | Restore items/s | Restore peak working set |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var plan in Plan.Where(p => p.Location == "local folder" && p.Scenario.Name.StartsWith("mix-", StringComparison.Ordinal)))
        {
            var r = plan.Result;
            var growth = Growth.FirstOrDefault(g => g.Scenario.Name == plan.Scenario.Name)?.Run;
            var restore = growth?.Result;
            s.AppendLine(CultureInfo.InvariantCulture, $"| {plan.Scenario.Name} | {r.BackupItems:N0} | {r.Seconds:F2} s | {r.Seconds * 1e6 / r.BackupItems:F1} | {Mib(r.PeakWorkingSet)} | {(restore is null ? "-" : restore.Seconds.ToString("F1", CultureInfo.InvariantCulture) + " s")} | {(restore is null ? (growth is null ? "-" : "not run") : restore.ItemsPerSecond.ToString("N0", CultureInfo.InvariantCulture))} | {(restore is null || restore.PeakWorkingSet == 0 ? "-" : Mib(restore.PeakWorkingSet))} |");
        }

        var unavailable = Apply.SelectMany(a => new[] { a.OneAtATime, a.Default }).Concat(Growth.Select(g => g.Run)).FirstOrDefault(r => r?.Unavailable is not null)?.Unavailable;
        if (unavailable is not null)
        {
            s.AppendLine();
            s.AppendLine("Our restore did not run: " + unavailable + ".");
        }

        s.AppendLine();
        s.AppendLine("### Targets");
        s.AppendLine();
        s.AppendLine("Apply targets are checked for our defaults and for the best setting found; \"measured\" gives the default first, the best in parentheses.");
        s.AppendLine();
        s.AppendLine("| Target | Measured | Met |");
        s.AppendLine("|---|---|---|");
        foreach (var (target, measured, met) in Targets())
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {measured} | {met} |");
        }

        return s.ToString();
    }

    private IEnumerable<(string Target, string Measured, string Met)> Targets()
    {
        foreach (var row in Apply.Where(r => r.LatencyMs == 2))
        {
            var def = Rate(row.Default?.Result);
            var best = Rate(row.Best?.Result);
            var kubectl = Rate(row.Kubectl);
            var one = Rate(row.FastestOneAtATime);
            var raw = Rate(row.Raw);
            yield return ($"Apply ≥ 1,000 items/s at 2 ms ({row.Scenario.Name})", def is null ? "not run" : $"{def:N0} ({best:N0})", Both(def, best, 1000));
            yield return ($"≥ 5× kubectl create ({row.Scenario.Name}, 2 ms)", Ratio(def, best, kubectl), Both(def / kubectl, best / kubectl, 5));
            yield return ($"≥ 10× one at a time ({row.Scenario.Name}, 2 ms)", Ratio(def, best, one), Both(def / one, best / one, 10));
            yield return ($"≥ 50 % of the raw ceiling ({row.Scenario.Name}, 2 ms)", Percent(def, best, raw), Both(def / raw, best / raw, 0.5));
        }

        var local = Plan.Where(p => p.Location == "local folder").ToList();
        var largest = local.OrderByDescending(p => p.Result.BackupItems).FirstOrDefault();
        if (largest is not null)
        {
            var r = largest.Result;
            yield return ($"Plan ≥ 50,000 items/s ({largest.Scenario.Name}, local folder)", $"{r.BackupItems / r.Seconds:N0} first run, {r.BackupItems / r.WarmSeconds:N0} warm", Met(r.BackupItems / r.Seconds, 50_000) + (r.BackupItems / r.Seconds < 50_000 && r.BackupItems / r.WarmSeconds >= 50_000 ? " (warm: yes)" : string.Empty));
            yield return ($"Plan peak ≤ 250 MB ({largest.Scenario.Name})", $"{r.PeakWorkingSet / 1e6:N0} MB working set, {r.PeakLiveHeap / 1e6:N0} MB live heap", Met(250e6 / r.PeakWorkingSet, 1));
        }

        var mixes = local.Where(p => p.Scenario.Name.StartsWith("mix-", StringComparison.Ordinal)).OrderBy(p => p.Result.BackupItems).ToList();
        if (mixes.Count >= 2)
        {
            var perItem = mixes.Select(p => p.Result.Seconds / p.Result.BackupItems).ToList();
            var growth = perItem[^1] / perItem[^2];
            yield return ("Linear growth (plan time per item, largest vs. next)", $"{string.Join(" → ", perItem.Select(x => (x * 1e6).ToString("F1", CultureInfo.InvariantCulture)))} µs/item", Met(1.5 / growth, 1));
        }
    }

    /// <summary>Items per second over the create phase alone, from "create N s" in the phases.</summary>
    private static string CreateRate(ApplyResult r)
    {
        var at = r.Phases!.IndexOf("create ", StringComparison.Ordinal);
        if (at < 0)
        {
            return "-";
        }

        var text = r.Phases.Substring(at + 7).Split(' ')[0];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? (r.Created / seconds).ToString("N0", CultureInfo.InvariantCulture) : "-";
    }

    private static string Both(double? def, double? best, double threshold) => $"defaults: {Met(def, threshold)}; best: {Met(best, threshold)}";

    private static string Met(double? value, double threshold) => value is null || double.IsNaN(value.Value) ? "n/a" : value >= threshold ? "yes" : "**no**";

    private static double? Rate(ApplyResult? r) => r is null || r.Seconds <= 0 ? null : r.ItemsPerSecond;

    private static string Cell(EngineRun? run, bool withSettings = false) =>
        run?.Result is { } r ? Cell(r) + (withSettings ? $" ({run.Settings})" : string.Empty) : run is null ? "-" : "not run";

    private static string Cell(ApplyResult? r) =>
        r is null ? "-" : r.Created < r.Items ? $"{r.ItemsPerSecond:N0} ({r.Items - r.Created:N0} failed)" : $"{r.ItemsPerSecond:N0}";

    private static string Seconds(ApplyResult? r) => r is null ? "-" : r.Seconds.ToString("F1", CultureInfo.InvariantCulture);

    private static string Ratio(double? def, double? best, double? other) =>
        def is null || other is null ? "-" : $"{def / other:F1}×" + (best is null ? string.Empty : $" ({best / other:F1}×)");

    private static string Percent(double? def, double? best, double? other) =>
        def is null || other is null ? "-" : $"{def / other:P0}" + (best is null ? string.Empty : $" ({best / other:P0})");

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MiB";
}

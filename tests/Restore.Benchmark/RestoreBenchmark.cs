using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Restore.TestSupport;

namespace Restore.Benchmark;

/// <summary>
/// <c>restore [--quick]</c>: the plan stage (read, filter, transform, order) from a local folder and from s3rver, the
/// apply stage against a fresh test API server per run with injected latency (our restore one at a time, with the
/// default and the best parallelism; <c>kubectl create -f</c>; a raw HTTP POST ceiling), and the growth with item
/// count. Prints the tables and writes them into <c>docs/benchmarks.md</c>.
/// </summary>
public static class RestoreBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = BenchmarkSettings.Parse(args);
        var report = new RestoreReport(settings, MachineInfo.Describe());
        var scratch = Path.Combine(Path.GetTempPath(), "restore-bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(scratch);
        var total = Stopwatch.StartNew();
        Console.WriteLine($"restore benchmark{(settings.Quick ? " --quick" : string.Empty)}: {report.Machine.Summary}");
        try
        {
            using var s3 = settings.UseS3 && S3rverServer.UnavailableReason is null ? S3rverServer.Start() : null;
            report.S3Note = s3 is null ? "s3rver skipped: " + (settings.UseS3 ? S3rverServer.UnavailableReason : "--no-s3") : null;
            report.KubectlNote = settings.UseKubectl ? KubectlCreate.UnavailableReason() : "--no-kubectl";
            if (report.KubectlNote is null)
            {
                report.KubectlVersion = KubectlCreate.Version();
            }

            var backups = new Dictionary<string, PreparedBackup>();
            try
            {
                foreach (var scenario in settings.PlanScenarios.Concat(settings.ApplyScenarios).Concat(settings.GrowthScenarios).DistinctBy(s => s.Name))
                {
                    var prepared = await PreparedBackup.CreateAsync(scenario, scratch, s3);
                    backups[scenario.Name] = prepared;
                    Log($"{scenario.Name}: generated in {prepared.BuildSeconds:F1} s, tarball {prepared.TarballBytes / 1048576.0:F1} MiB");
                }

                foreach (var scenario in settings.PlanScenarios)
                {
                    var backup = backups[scenario.Name];
                    var local = await PlanStage.MeasureAsync(backup.FolderArgs());
                    report.Plan.Add(new PlanRow(scenario, "local folder", local));
                    Log(report.FormatPlanRow(report.Plan[^1]));
                    if (s3 is not null)
                    {
                        var remote = await PlanStage.MeasureAsync(backup.S3Args(s3));
                        report.Plan.Add(new PlanRow(scenario, "s3rver", remote));
                        Log(report.FormatPlanRow(report.Plan[^1]));
                    }
                }

                foreach (var scenario in settings.ApplyScenarios)
                {
                    foreach (var latency in settings.Latencies)
                    {
                        await ApplyScenarioAsync(settings, report, backups[scenario.Name], latency, scratch);
                    }
                }

                foreach (var scenario in settings.GrowthScenarios)
                {
                    var backup = backups[scenario.Name];
                    var apply = await EngineApply.RunAsync(backup, settings.GrowthLatency, settings.GrowthSettings, BenchmarkItems.ShardCount, scratch);
                    report.Growth.Add(new GrowthRow(scenario, apply));
                    Log($"growth {scenario.Name}: {Describe(apply)}");
                }
            }
            finally
            {
                foreach (var backup in backups.Values)
                {
                    backup.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        report.TotalSeconds = total.Elapsed.TotalSeconds;
        report.Machine.LoadAfter = MachineInfo.LoadAverage();
        var markdown = report.Render();
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (settings.OutputPath is { } path)
        {
            RestoreReport.WriteSection(path, markdown);
            Console.WriteLine($"wrote {Path.GetFullPath(path)}");
        }

        return 0;
    }

    private static async Task ApplyScenarioAsync(BenchmarkSettings settings, RestoreReport report, PreparedBackup backup, int latency, string scratch)
    {
        var scenario = backup.Scenario;
        var shards = settings.SampleShards(scenario);
        var all = await PlannedObjects.LoadAsync(backup.Folder, scenario.Name, BenchmarkItems.ShardCount);
        var sample = shards == BenchmarkItems.ShardCount ? all : await PlannedObjects.LoadAsync(backup.Folder, scenario.Name, shards);
        var row = new ApplyRow(scenario, latency, all.Count, sample.Count);
        report.Apply.Add(row);
        Log($"apply {scenario.Name} at {latency} ms: {all.Count:N0} objects, sample {sample.Count:N0}");

        row.OneAtATime = await EngineApply.RunAsync(backup, latency, EngineSettings.OneAtATime, shards, scratch);
        Log($"  restore -Parallel 1: {Describe(row.OneAtATime)}");
        row.OneAtATimeUnlimited = await EngineApply.RunAsync(backup, latency, EngineSettings.OneAtATimeUnlimited, shards, scratch);
        Log($"  restore {EngineSettings.OneAtATimeUnlimited}: {Describe(row.OneAtATimeUnlimited)}");
        // The defaults (16 in flight, 1,000 requests/s) are not rate-bound at these sizes, so they restore everything.
        row.Default = await EngineApply.RunAsync(backup, latency, EngineSettings.Default, BenchmarkItems.ShardCount, scratch);
        Log($"  restore default: {Describe(row.Default)}");
        foreach (var candidate in settings.Sweep)
        {
            var result = await EngineApply.RunAsync(backup, latency, candidate, BenchmarkItems.ShardCount, scratch);
            Log($"  restore {candidate}: {Describe(result)}");
            if (result.Result is { } r && (row.Best?.Result is null || r.ItemsPerSecond > row.Best.Result!.ItemsPerSecond))
            {
                row.Best = result;
            }
        }

        if (report.KubectlNote is null)
        {
            // The same selection as the sample, written by our folder target: one YAML file per object, in restore order.
            var manifests = Path.Combine(scratch, "manifests-" + scenario.Name);
            await EngineApply.ToDirectoryAsync(backup, shards, manifests);
            report.ManifestSource = "written by our restore's folder target (-ToDirectory)";

            var files = Directory.EnumerateFiles(manifests, "*", SearchOption.AllDirectories).Count(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal));
            var server = await ApiServerProcess.StartAsync(latency, scratch);
            try
            {
                row.Kubectl = await KubectlCreate.RunAsync(manifests, files, server.Kubeconfig, Path.Combine(scratch, "kube-cache"));
            }
            finally
            {
                await server.DisposeAsync();
            }

            row.Kubectl = row.Kubectl with { Requests = server.Requests };

            Directory.Delete(manifests, recursive: true);
            Log($"  kubectl create: {Describe(row.Kubectl)}");
        }

        foreach (var concurrency in settings.RawConcurrency)
        {
            var server = await ApiServerProcess.StartAsync(latency, scratch);
            ApplyResult raw;
            try
            {
                raw = await RawPostCeiling.RunAsync(all, server.Kubeconfig, concurrency);
            }
            finally
            {
                await server.DisposeAsync();
            }

            raw = raw with { Requests = server.Requests };
            Log($"  raw POST x{concurrency}: {Describe(raw)}");
            if (row.Raw is null || raw.ItemsPerSecond > row.Raw.ItemsPerSecond)
            {
                row.Raw = raw;
            }
        }
    }

    private static string Describe(ApplyResult? r) =>
        r is null ? "not run" : $"{r.Created:N0}/{r.Items:N0} in {r.Seconds:F2} s = {r.ItemsPerSecond:N0} items/s ({r.Note}; server: {r.Requests})" + (r.Phases is null ? string.Empty : $"; {r.Phases}");

    private static string Describe(EngineRun run) => run.Result is { } r ? Describe(r) : "not run: " + run.Unavailable;

    private static void Log(string line) => Console.WriteLine(line);
}

/// <summary>What the benchmark runs; <c>--quick</c> picks a set that finishes in under two minutes.</summary>
public sealed class BenchmarkSettings
{
    /// <summary>The quick variant.</summary>
    public bool Quick { get; private set; }

    /// <summary>Backups whose plan stage is measured.</summary>
    public IReadOnlyList<Scenario> PlanScenarios { get; private set; } = Array.Empty<Scenario>();

    /// <summary>Backups applied with every method.</summary>
    public IReadOnlyList<Scenario> ApplyScenarios { get; private set; } = Array.Empty<Scenario>();

    /// <summary>Backups restored (default settings) for the apply growth curve.</summary>
    public IReadOnlyList<Scenario> GrowthScenarios { get; private set; } = Array.Empty<Scenario>();

    /// <summary>Injected per-request latencies, ms.</summary>
    public IReadOnlyList<int> Latencies { get; private set; } = new[] { 2, 10 };

    /// <summary>Settings of the growth runs: fast ones, so the curve shows our cost rather than a rate limit.</summary>
    public EngineSettings GrowthSettings { get; private set; } = new(64, 5000, 10000);

    /// <summary>Latency of the growth runs, ms.</summary>
    public int GrowthLatency { get; private set; } = 2;

    /// <summary>The rate-bound runs (ours with -Parallel 1 and with its defaults, kubectl) cover at least this many items.</summary>
    public int SequentialSample { get; private set; }

    /// <summary>Engine settings tried in search of the best.</summary>
    public IReadOnlyList<EngineSettings> Sweep { get; private set; } = Array.Empty<EngineSettings>();

    /// <summary>Requests in flight tried for the raw ceiling (the best counts).</summary>
    public IReadOnlyList<int> RawConcurrency { get; private set; } = Array.Empty<int>();

    /// <summary>Use s3rver for the plan stage.</summary>
    public bool UseS3 { get; private set; } = true;

    /// <summary>Run kubectl.</summary>
    public bool UseKubectl { get; private set; } = true;

    /// <summary>Where to write the report section; null to only print it.</summary>
    public string? OutputPath { get; private set; }

    /// <summary>The command line, for the report.</summary>
    public string Command { get; private set; } = string.Empty;

    /// <summary>Parses the arguments after the mode.</summary>
    public static BenchmarkSettings Parse(string[] args)
    {
        var quick = Array.IndexOf(args, "--quick") >= 0;
        var settings = new BenchmarkSettings
        {
            Quick = quick,
            UseS3 = Array.IndexOf(args, "--no-s3") < 0,
            UseKubectl = Array.IndexOf(args, "--no-kubectl") < 0,
            Command = "dotnet run -c Release --project tests/Restore.Benchmark -- restore " + string.Join(' ', args),
            SequentialSample = int.Parse(ChildProcess.Value(args, "--sample") ?? (quick ? "500" : "3000"), CultureInfo.InvariantCulture),
        };
        if (quick)
        {
            settings.PlanScenarios = new[] { Scenario.Mix(1_000), Scenario.Mix(10_000) };
            settings.ApplyScenarios = new[] { Scenario.Mix(1_000) };
            settings.GrowthScenarios = Array.Empty<Scenario>();
            settings.Sweep = EngineApply.SweepCandidates(quick);
            settings.RawConcurrency = new[] { 64 };
        }
        else
        {
            settings.PlanScenarios = new[] { Scenario.Mix(1_000), Scenario.Mix(10_000), Scenario.Mix(100_000), Scenario.Secrets(31_000) };
            settings.ApplyScenarios = new[] { Scenario.Mix(10_000), Scenario.Secrets(31_000) };
            settings.GrowthScenarios = new[] { Scenario.Mix(1_000), Scenario.Mix(10_000), Scenario.Mix(100_000) };
            settings.Sweep = EngineApply.SweepCandidates(quick);
            settings.RawConcurrency = new[] { 16, 64, 256 };
        }

        if (ChildProcess.Value(args, "--latencies") is { } latencies)
        {
            settings.Latencies = latencies.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }

        var at = Array.IndexOf(args, "--out");
        settings.OutputPath = Array.IndexOf(args, "--no-write") >= 0 ? null
            : at >= 0 && at + 1 < args.Length ? args[at + 1]
            : Path.Combine(ToolLocator.RepoRoot, "docs", "benchmarks.md");
        return settings;
    }

    /// <summary>How many of the ten shards the rate-bound runs restore so they cover <see cref="SequentialSample"/> items.</summary>
    public int SampleShards(Scenario scenario)
    {
        var perShard = Math.Max(1, scenario.Items / BenchmarkItems.ShardCount);
        return Math.Clamp((SequentialSample + perShard - 1) / perShard, 1, BenchmarkItems.ShardCount);
    }
}

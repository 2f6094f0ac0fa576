using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Restore.Engine.Tests.Reliability;

/// <summary>Every case of the suite, in report order, and their outcomes (each case runs once per test run).</summary>
internal static class ReliabilityCatalog
{
    /// <summary>Longest time one case may take before it counts as not contained.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(90);

    private static readonly ConcurrentDictionary<string, Lazy<Task<CaseOutcome>>> Outcomes = new(StringComparer.Ordinal);

    // One case at a time: fault cases measure retries and timeouts, which must not compete with each other for 2 cores.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static IReadOnlyList<ReliabilityCase> All { get; } = Build();

    public static Task<CaseOutcome> OutcomeAsync(string id)
    {
        var c = All.Single(x => x.Id == id);
        return Outcomes.GetOrAdd(id, _ => new Lazy<Task<CaseOutcome>>(() => RunAsync(c))).Value;
    }

    private static List<ReliabilityCase> Build()
    {
        var all = new List<ReliabilityCase>();
        all.AddRange(ArchiveCases.All());
        all.AddRange(StorageCases.All());
        all.AddRange(InputCases.All());
        all.AddRange(FaultCases.All());
        all.AddRange(SecretCases.All());
        all.AddRange(AzureCases.All());
        var duplicate = all.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two reliability cases have the id {duplicate.Key}.");
        }

        return all;
    }

    private static async Task<CaseOutcome> RunAsync(ReliabilityCase c)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        var probe = new CaseProbe();
        try
        {
            var run = Task.Run(() => c.Run(probe));
            if (await Task.WhenAny(run, Task.Delay(CaseTimeout)).ConfigureAwait(false) != run)
            {
                probe.Violation($"the case did not finish within {CaseTimeout.TotalSeconds:0} seconds");
            }
            else
            {
                await run.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            probe.Observe($"The case stopped on {ex.GetType().Name}: {ex.Message}");
            probe.Violation($"unexpected {ex.GetType().Name}: {ex}");
        }
        finally
        {
            Gate.Release();
        }

        return probe.ToOutcome(c);
    }
}

/// <summary>
/// The reliability and security suite: one test per case (hostile input, faults, secrets), and the check that
/// docs/reliability.md is exactly what the cases produce. Regenerate the report with
/// <c>RESTORE_WRITE_RELIABILITY_REPORT=1 dotnet test tests/Restore.Engine.Tests --filter Category=Reliability</c>.
/// </summary>
[Trait("Category", "Reliability")]
public class ReliabilitySuite
{
    public const string WriteVariable = "RESTORE_WRITE_RELIABILITY_REPORT";

    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var c in ReliabilityCatalog.All)
        {
            data.Add(c.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task CaseIsContained(string id)
    {
        var outcome = await ReliabilityCatalog.OutcomeAsync(id);

        Assert.True(outcome.Violations.Count == 0, $"{id}: {outcome.Observed}\nViolations:\n- " + string.Join("\n- ", outcome.Violations));
        Assert.Equal(0, outcome.ItemsLost);
        Assert.Equal(0, outcome.SecretsLeaked);
        Assert.True(outcome.Contained);
    }

    [Fact]
    public async Task TheCommittedReportMatchesTheCases()
    {
        var outcomes = new List<CaseOutcome>();
        foreach (var c in ReliabilityCatalog.All)
        {
            outcomes.Add(await ReliabilityCatalog.OutcomeAsync(c.Id));
        }

        var generated = ReliabilityReport.Render(outcomes);
        var path = ReliabilityReport.CommittedPath;
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(path, generated);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the command at the top of this class's documentation to create it.");
        var committed = (await File.ReadAllTextAsync(path)).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (committed != generated)
        {
            Assert.Fail($"docs/reliability.md does not match the cases (first difference: {ReliabilityReport.FirstDifference(committed, generated)}). Regenerate it: {WriteVariable}=1 dotnet test tests/Restore.Engine.Tests --filter Category=Reliability");
        }
    }

    [Fact]
    public void TheReportIsDeterministicAndEscapesTableCells()
    {
        var outcome = new CaseOutcome("X-1", "Archive", "a | b", "c", "line\nbreak", true, 0, 0, Array.Empty<string>());
        var failed = outcome with { Id = "X-2", Contained = false, ItemsLost = 2, SecretsLeaked = 1 };

        var text = ReliabilityReport.Render(new[] { outcome, failed });

        Assert.Equal(text, ReliabilityReport.Render(new[] { outcome, failed }));
        Assert.Contains("| X-1 | a \\| b | c | line break | yes | 0 | 0 |", text, StringComparison.Ordinal);
        Assert.Contains("| Cases tried | 2 |", text, StringComparison.Ordinal);
        Assert.Contains("| Contained | 1 |", text, StringComparison.Ordinal);
        Assert.Contains("| Items lost | 2 |", text, StringComparison.Ordinal);
        Assert.Contains("| Secrets leaked | 1 |", text, StringComparison.Ordinal);
    }
}

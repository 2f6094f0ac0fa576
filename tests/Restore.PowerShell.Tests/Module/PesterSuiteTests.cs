using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Restore.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Restore.PowerShell.Tests.Module;

/// <summary>
/// Runs tests/pester against the built module in a child pwsh. Skipped, with the reason, when
/// pwsh or Pester 5 is missing (RESTORE_PWSH / RESTORE_PESTER_MODULE, see tests/pester/README.md).
/// </summary>
public class PesterSuiteTests
{
    // The suite now also builds and installs the package and starts Azurite and the Cloud Storage emulator:
    // about 10 minutes on two quiet cores. The limit only stops a hung suite.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(25);

    private readonly ITestOutputHelper output;

    public PesterSuiteTests(ITestOutputHelper output) => this.output = output;

    // Built by the project reference, in this test assembly's configuration (bin/<Configuration>/net10.0/).
    private static string TestApiServerPath
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            return Path.Combine(ModuleUnderTest.RepoRoot, "tests", "Restore.TestApiServer", "bin", configuration, "net10.0", "Restore.TestApiServer.dll");
        }
    }

    private static string PesterDirectory => Path.Combine(ModuleUnderTest.RepoRoot, "tests", "pester");

    [PesterFact]
    public void PesterSuitePassesAgainstTheBuiltModule()
    {
        Assert.True(PesterLocator.UnavailableReason is null, PesterLocator.UnavailableReason);

        // The suite starts fresh sessions of the same pwsh (a dotnet-tool pwsh runs under 'dotnet', so it cannot ask its own process).
        Environment.SetEnvironmentVariable(PesterLocator.PwshVariable, PesterLocator.Pwsh);
        Environment.SetEnvironmentVariable("RESTORE_TEST_API_SERVER", TestApiServerPath);
        var results = Path.Combine(Path.GetTempPath(), "restore-pester-" + Guid.NewGuid().ToString("N") + ".xml");
        int exitCode;
        string text;
        try
        {
            (exitCode, text) = PesterLocator.Run(
                PesterLocator.Pwsh!,
                new[]
                {
                    "-NoProfile", "-NonInteractive", "-File", Path.Combine(PesterDirectory, "Invoke-PesterSuite.ps1"),
                    "-ModuleManifest", Path.Combine(ModuleUnderTest.LayoutDirectory, "Restore.psd1"),
                    "-PesterModule", PesterLocator.PesterModule!,
                    "-ResultPath", results,
                },
                Timeout,
                ModuleUnderTest.RepoRoot);
        }
        finally
        {
            File.Delete(results);
        }

        output.WriteLine(text);

        var summary = Regex.Match(text, @"PESTER-SUMMARY result=(\w+) total=(\d+) passed=(\d+) failed=(\d+) skipped=(\d+)");
        var counts = summary.Success
            ? $"Pester: {summary.Groups[3].Value} passed, {summary.Groups[4].Value} failed, {summary.Groups[5].Value} skipped"
            : $"Pester: no summary (exit code {exitCode})";
        WriteSummaryForBuild(counts);
        Assert.True(exitCode == 0 && summary.Success, $"{counts}\nThe Pester suite failed (exit code {exitCode}):\n{Tail(text, 150)}");
        Assert.Equal("Passed", summary.Groups[1].Value);
        Assert.Equal("0", summary.Groups[4].Value);
        Assert.True(int.Parse(summary.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, "Pester ran no test.");
    }

    [Fact]
    public void PesterSuiteIsPresent()
    {
        // Guards the Pester test above: a renamed folder or runner would otherwise only show up where pwsh exists.
        Assert.True(File.Exists(Path.Combine(PesterDirectory, "Invoke-PesterSuite.ps1")));
        var tests = Directory.GetFiles(PesterDirectory, "*.Tests.ps1");
        Assert.Contains(tests, t => Path.GetFileName(t) == "Module.Tests.ps1");
        // The CI gate for the package (install, autoload, quick start from the installed copy) is part of the suite.
        Assert.Contains(tests, t => Path.GetFileName(t) == "Package.Tests.ps1");
        Assert.All(tests, t => Assert.Contains("Describe ", File.ReadAllText(t), StringComparison.Ordinal));
    }

    // 'dotnet test' shows no output of passing tests; the test project prints this file after the run (PrintPesterSummary).
    private static void WriteSummaryForBuild(string line)
    {
        var path = Path.Combine(ModuleUnderTest.RepoRoot, "out", "pester-summary.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, line + "\n");
    }

    private static string Tail(string text, int lines) =>
        string.Join("\n", text.Split('\n').TakeLast(lines));
}

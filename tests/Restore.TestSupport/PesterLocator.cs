using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit;

namespace Restore.TestSupport;

/// <summary>
/// Finds PowerShell 7 (<c>pwsh</c>) and Pester 5 for the tests that run the Pester suite, both pinned:
/// <c>RESTORE_PWSH</c> names pwsh, else the repository's <c>.tools/pwsh/pwsh</c>, installed there on first use
/// at the version .config/dotnet-tools.json pins (a tool-path install, because the suite starts fresh pwsh
/// sessions and needs an executable); <c>RESTORE_PESTER_MODULE</c> names Pester.psd1, else the copy that restore
/// put in the NuGet cache (a <c>PackageDownload</c> of Restore.TestSupport, version in Directory.Build.props).
/// </summary>
public static class PesterLocator
{
    /// <summary>Environment variable naming the pwsh executable.</summary>
    public const string PwshVariable = "RESTORE_PWSH";

    /// <summary>Environment variable naming Pester's module manifest (Pester.psd1).</summary>
    public const string PesterVariable = "RESTORE_PESTER_MODULE";

    private static readonly Lazy<(string? Pwsh, string? Pester, string? Reason)> Found = new(Locate);

    /// <summary>The pwsh executable, or null.</summary>
    public static string? Pwsh => Found.Value.Pwsh;

    /// <summary>Pester.psd1 of a Pester 5 install, or null.</summary>
    public static string? PesterModule => Found.Value.Pester;

    /// <summary>Why the Pester suite cannot run here; null when it can.</summary>
    public static string? UnavailableReason => Found.Value.Reason;

    /// <summary>True under CI (<c>CI=true</c>), where a missing pwsh or Pester is a failure, never a skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The repository's own pwsh, installed by <see cref="Locate"/> when missing.</summary>
    public static string PinnedPwshPath =>
        Path.Combine(ToolLocator.RepoRoot, ".tools", "pwsh", RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "pwsh.exe" : "pwsh");

    private static string? Metadata(string key) =>
        typeof(PesterLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>The PowerShell tool version .config/dotnet-tools.json pins (the README's quick start runs the same).</summary>
    public static string PinnedPwshVersion()
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(ToolLocator.RepoRoot, ".config", "dotnet-tools.json")));
        return manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
    }

    private static (string?, string?, string?) Locate()
    {
        var pwsh = Environment.GetEnvironmentVariable(PwshVariable);
        if (string.IsNullOrWhiteSpace(pwsh))
        {
            pwsh = PinnedPwshPath;
            if (!File.Exists(pwsh))
            {
                var version = PinnedPwshVersion();
                var toolPath = Path.GetDirectoryName(pwsh)!;
                var (code, text) = Run("dotnet", new[] { "tool", "install", "--tool-path", toolPath, "PowerShell", "--version", version! }, TimeSpan.FromMinutes(5));
                if (code != 0 || !File.Exists(pwsh))
                {
                    return (null, null, $"PowerShell {version} could not be installed into {toolPath} (dotnet tool install PowerShell, exit code {code}): {text.Trim()}");
                }
            }
        }
        else if (!File.Exists(pwsh))
        {
            return (null, null, $"${PwshVariable} is set to '{pwsh}', which does not exist; point it at pwsh 7.");
        }

        var pester = Environment.GetEnvironmentVariable(PesterVariable);
        if (string.IsNullOrWhiteSpace(pester))
        {
            pester = Metadata("PesterModule");
            if (pester is null || !File.Exists(pester))
            {
                return (pwsh, null, $"Pester was not found at '{pester}' (restore of Restore.TestSupport downloads it) and ${PesterVariable} is not set.");
            }
        }
        else if (!File.Exists(pester))
        {
            return (pwsh, null, $"${PesterVariable} is set to '{pester}', which does not exist; point it at Pester.psd1 of Pester 5.");
        }

        return (pwsh, Path.GetFullPath(pester), null);
    }

    /// <summary>
    /// Runs a process to completion or until <paramref name="timeout"/> (then kills its tree), and
    /// returns its exit code (-1 on timeout) with stdout and stderr combined.
    /// </summary>
    public static (int ExitCode, string Output) Run(string fileName, string[] arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        var output = new System.Text.StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.Append(e.Data).Append('\n'); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (gate)
            {
                return (-1, output + $"\n[timed out after {timeout.TotalSeconds:0} s; process tree killed]");
            }
        }

        process.WaitForExit();
        lock (gate)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}

/// <summary>
/// A fact that runs only when pwsh and Pester 5 are available (see <see cref="PesterLocator"/>);
/// otherwise it is reported as skipped with the reason, never as passed. Under CI it is never skipped:
/// the test runs and fails with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PesterFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when pwsh or Pester is missing.</summary>
    public PesterFactAttribute()
    {
        if (PesterLocator.UnavailableReason is { } reason && !PesterLocator.IsCi)
        {
            Skip = reason;
        }
    }
}

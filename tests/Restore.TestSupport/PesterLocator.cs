using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace Restore.TestSupport;

/// <summary>
/// Finds PowerShell 7 (<c>pwsh</c>) and Pester 5 for the tests that run the Pester suite:
/// <c>RESTORE_PWSH</c> names pwsh (else PATH); <c>RESTORE_PESTER_MODULE</c> names Pester.psd1
/// (else the newest Pester 5 that <c>Get-Module -ListAvailable</c> finds in that pwsh).
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

    private static (string?, string?, string?) Locate()
    {
        var pwsh = ToolLocator.Find("pwsh", PwshVariable);
        if (pwsh is null)
        {
            return (null, null, $"PowerShell 7 ('pwsh') was not found on PATH or in ${PwshVariable}; install it to run the Pester suite.");
        }

        var fromEnv = Environment.GetEnvironmentVariable(PesterVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return File.Exists(fromEnv)
                ? (pwsh, Path.GetFullPath(fromEnv), null)
                : (pwsh, null, $"${PesterVariable} is set to '{fromEnv}', which does not exist; point it at Pester.psd1 of Pester 5.");
        }

        const string Query =
            "Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 } | Sort-Object Version -Descending | Select-Object -First 1 -ExpandProperty Path";
        var (exitCode, output) = Run(pwsh, new[] { "-NoProfile", "-NonInteractive", "-Command", Query }, TimeSpan.FromSeconds(60));
        var path = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase));
        if (exitCode != 0 || path is null || !File.Exists(path))
        {
            return (pwsh, null, $"Pester 5 was not found by '{pwsh}' (Get-Module -ListAvailable Pester) and ${PesterVariable} is not set; install Pester 5 to run the Pester suite.");
        }

        return (pwsh, path, null);
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
/// otherwise it is reported as skipped with the reason, never as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PesterFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when pwsh or Pester is missing.</summary>
    public PesterFactAttribute()
    {
        if (PesterLocator.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}

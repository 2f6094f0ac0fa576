using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;

namespace Restore.Benchmark;

/// <summary>
/// Runs a mode of this benchmark in a fresh child process, so what it measures (peak working set, JIT, GC) is its
/// own and not the parent's.
/// </summary>
public static class ChildProcess
{
    /// <summary>A start info for <c>Restore.Benchmark &lt;mode&gt; args...</c>, whether run through <c>dotnet</c> or the apphost.</summary>
    public static ProcessStartInfo StartInfo(string mode, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        start.ArgumentList.Add(mode);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Runs the mode to the end and deserializes the last line it printed.</summary>
    public static async Task<T> RunAsync<T>(string mode, IEnumerable<string> args)
    {
        using var child = Process.Start(StartInfo(mode, args))!;
        var error = child.StandardError.ReadToEndAsync();
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"{mode} failed ({child.ExitCode}): {output}{await error}");
        }

        var last = output.TrimEnd().Split('\n')[^1];
        return JsonSerializer.Deserialize<T>(last) ?? throw new InvalidOperationException($"{mode} printed no result: {output}");
    }

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or null.</summary>
    public static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}

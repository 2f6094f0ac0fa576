using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Restore.TestSupport;

/// <summary>Finds external tools the tests can use, and the repository root.</summary>
public static class ToolLocator
{
    /// <summary>The repository root (from the build-time assembly metadata, else by walking up to Restore.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Finds an executable: the environment variable <paramref name="overrideVariable"/> first, then PATH.</summary>
    public static string? Find(string name, string? overrideVariable = null)
    {
        if (overrideVariable is not null)
        {
            var fromEnv = Environment.GetEnvironmentVariable(overrideVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv) && File.Exists(fromEnv))
            {
                return fromEnv;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var names = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? new[] { name + ".exe", name + ".cmd", name } : new[] { name };
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(n => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    }

    private static string FindRepoRoot()
    {
        var fromMetadata = typeof(ToolLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (fromMetadata is not null && File.Exists(Path.Combine(fromMetadata, "Restore.sln")))
        {
            return Path.GetFullPath(fromMetadata);
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Restore.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Restore.sln).");
    }
}

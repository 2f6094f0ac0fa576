using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Restore.HelpBuilder.Metadata;

/// <summary>
/// Finds the assemblies a cmdlet assembly needs to be read: System.Management.Automation (only a
/// compile-time reference; PowerShell provides it at run time), the module's dependencies and the
/// runtime's framework assemblies.
/// </summary>
public static class ReferenceAssemblyLocator
{
    /// <summary>The package that provides the System.Management.Automation reference assembly.</summary>
    public const string PowerShellStandardPackage = "PowerShellStandard.Library";

    private const string SmaFileName = "System.Management.Automation.dll";

    /// <summary>
    /// Every path a MetadataLoadContext needs for <paramref name="cmdletAssemblyPath"/>: the framework,
    /// the assembly's folder and its <c>dependencies</c> subfolder, System.Management.Automation and
    /// <paramref name="extraPaths"/> (files, or folders whose DLLs are all added).
    /// </summary>
    public static IReadOnlyList<string> ResolverPaths(string cmdletAssemblyPath, IEnumerable<string>? extraPaths = null)
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        // Later sources win. The framework's copies beat the module's netstandard polyfills
        // (System.Memory and friends), as they do at run time in PowerShell 7.
        var folder = Path.GetDirectoryName(Path.GetFullPath(cmdletAssemblyPath)) ?? ".";
        AddDirectory(byName, folder);
        AddDirectory(byName, Path.Combine(folder, "dependencies"));
        AddDirectory(byName, RuntimeEnvironment.GetRuntimeDirectory());

        var sma = FindSystemManagementAutomation(cmdletAssemblyPath, extraPaths);
        byName[Path.GetFileNameWithoutExtension(sma)] = sma;

        foreach (var extra in extraPaths ?? Array.Empty<string>())
        {
            if (Directory.Exists(extra))
            {
                AddDirectory(byName, extra);
            }
            else if (File.Exists(extra))
            {
                byName[Path.GetFileNameWithoutExtension(extra)] = Path.GetFullPath(extra);
            }
        }

        byName[Path.GetFileNameWithoutExtension(cmdletAssemblyPath)] = Path.GetFullPath(cmdletAssemblyPath);
        return byName.Values.ToList();
    }

    /// <summary>
    /// Finds System.Management.Automation.dll: an explicit path first, then the PowerShellStandard.Library
    /// package recorded in the cmdlet project's obj/project.assets.json, then the NuGet package folder.
    /// </summary>
    /// <exception cref="FileNotFoundException">No copy was found; the message lists where it looked.</exception>
    public static string FindSystemManagementAutomation(string? cmdletAssemblyPath = null, IEnumerable<string>? explicitPaths = null)
    {
        var looked = new List<string>();
        foreach (var path in explicitPaths ?? Array.Empty<string>())
        {
            var candidate = Directory.Exists(path) ? Path.Combine(path, SmaFileName) : path;
            if (string.Equals(Path.GetFileName(candidate), SmaFileName, StringComparison.OrdinalIgnoreCase))
            {
                looked.Add(candidate);
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        foreach (var assets in CandidateAssetsFiles(cmdletAssemblyPath))
        {
            looked.Add(assets);
            var fromAssets = FromAssetsFile(assets);
            if (fromAssets is not null)
            {
                return fromAssets;
            }
        }

        foreach (var root in NuGetPackageRoots())
        {
            var packageDir = Path.Combine(root, PowerShellStandardPackage.ToLowerInvariant());
            looked.Add(packageDir);
            if (!Directory.Exists(packageDir))
            {
                continue;
            }

            var found = Directory.GetDirectories(packageDir)
                .OrderByDescending(d => Path.GetFileName(d), StringComparer.OrdinalIgnoreCase)
                .Select(d => Path.Combine(d, "lib", "netstandard2.0", SmaFileName))
                .FirstOrDefault(File.Exists);
            if (found is not null)
            {
                return found;
            }
        }

        throw new FileNotFoundException(
            $"Cannot find {SmaFileName} from the {PowerShellStandardPackage} package. Run 'dotnet restore' first. Looked in: {string.Join("; ", looked)}",
            SmaFileName);
    }

    /// <summary>Walks up from <paramref name="start"/> (a file or folder) to the folder holding Restore.sln.</summary>
    public static string? FindRepoRoot(string? start)
    {
        var dir = start is null ? null : new DirectoryInfo(Directory.Exists(start) ? start : Path.GetDirectoryName(Path.GetFullPath(start)) ?? ".");
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Restore.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName;
    }

    private static IEnumerable<string> CandidateAssetsFiles(string? cmdletAssemblyPath)
    {
        var roots = new[] { FindRepoRoot(cmdletAssemblyPath), FindRepoRoot(AppContext.BaseDirectory) }
            .Where(r => r is not null).Distinct(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var assets = Path.Combine(root!, "src", "Restore.PowerShell", "obj", "project.assets.json");
            if (File.Exists(assets))
            {
                yield return assets;
            }
        }
    }

    private static string? FromAssetsFile(string assetsPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(assetsPath));
        var rootElement = document.RootElement;
        if (!rootElement.TryGetProperty("libraries", out var libraries) || !rootElement.TryGetProperty("packageFolders", out var folders))
        {
            return null;
        }

        foreach (var library in libraries.EnumerateObject())
        {
            if (!library.Name.StartsWith(PowerShellStandardPackage + "/", StringComparison.OrdinalIgnoreCase)
                || !library.Value.TryGetProperty("path", out var relative))
            {
                continue;
            }

            foreach (var folder in folders.EnumerateObject())
            {
                var candidate = Path.Combine(folder.Name, relative.GetString() ?? string.Empty, "lib", "netstandard2.0", SmaFileName);
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> NuGetPackageRoots()
    {
        var fromEnv = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            yield return fromEnv;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, ".nuget", "packages");
        }
    }

    private static void AddDirectory(Dictionary<string, string> byName, string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.GetFiles(directory, "*.dll"))
        {
            byName[Path.GetFileNameWithoutExtension(file)] = file;
        }
    }
}

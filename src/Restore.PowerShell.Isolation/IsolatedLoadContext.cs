using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Restore.PowerShell.Isolation;

/// <summary>
/// Hosts Restore.Engine and its third-party dependencies (AWSSDK, YamlDotNet, System.Text.Json...) in a
/// load context of their own. Framework assemblies still come from the runtime when it has the
/// version we need, so shared types such as <see cref="Span{T}"/> keep one identity.
/// </summary>
public sealed class IsolatedLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static IsolatedLoadContext? installed;

    private readonly string dependencyDirectory;
    private readonly Dictionary<string, string> platformAssemblyPaths;

    /// <summary>Creates a context that loads from <paramref name="dependencyDirectory"/>.</summary>
    public IsolatedLoadContext(string dependencyDirectory)
        : base("Restore", isCollectible: false)
    {
        this.dependencyDirectory = dependencyDirectory;
        platformAssemblyPaths = ReadPlatformAssemblyPaths();
    }

    /// <summary>The directory this context loads from.</summary>
    public string DependencyDirectory => dependencyDirectory;

    /// <summary>
    /// Installs the context once per process: the default context, when asked for
    /// <paramref name="bridgeAssemblyNames"/> (normally just Restore.Engine), gets them from the
    /// isolated context; everything they reference then resolves inside it.
    /// </summary>
    public static IsolatedLoadContext Install(string dependencyDirectory, params string[] bridgeAssemblyNames)
    {
        lock (Gate)
        {
            if (installed is not null)
            {
                return installed;
            }

            var context = new IsolatedLoadContext(dependencyDirectory);
            var bridged = new HashSet<string>(bridgeAssemblyNames, StringComparer.OrdinalIgnoreCase);
            Default.Resolving += (_, name) =>
                name.Name is not null && bridged.Contains(name.Name) ? context.LoadFromAssemblyName(name) : null;
            installed = context;
            return context;
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null)
        {
            return null;
        }

        // The runtime's own copy wins when it is new enough: loading a second System.Memory
        // would split framework types in two.
        if (platformAssemblyPaths.TryGetValue(assemblyName.Name, out var platformPath)
            && (assemblyName.Version is null || AssemblyName.GetAssemblyName(platformPath).Version >= assemblyName.Version))
        {
            return null;
        }

        var candidate = Path.Combine(dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    // Names only: reading each file's version up front would slow every module import.
    // Only assemblies in the runtime's own folder count: a host's private copies (a test runner's
    // YamlDotNet, a framework-dependent pwsh's Newtonsoft.Json) must not stand in for ours. In a
    // self-contained pwsh that folder is pwsh's, which is the platform there.
    private static Dictionary<string, string> ReadPlatformAssemblyPaths()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.IsNullOrEmpty(runtimeDirectory)
                    || string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.OrdinalIgnoreCase))
                {
                    result[Path.GetFileNameWithoutExtension(path)] = path;
                }
            }
        }

        return result;
    }
}

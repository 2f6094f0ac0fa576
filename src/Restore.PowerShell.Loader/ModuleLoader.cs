using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Restore.PowerShell.Loader;

/// <summary>
/// Makes Restore.Engine and its third-party assemblies loadable before the cmdlet assembly is imported.
/// </summary>
/// <remarks>
/// Why a separate assembly: <c>Import-Module</c> reflects over a binary module's types (base classes, parameter
/// and output types, attributes) before it runs that module's <see cref="IModuleAssemblyInitializer"/>, so a
/// resolver installed by the cmdlet assembly itself comes too late for the engine types its cmdlets name.
/// The manifest lists this assembly in <c>NestedModules</c>, which PowerShell imports before <c>RootModule</c>;
/// it references nothing of ours, so nothing can fail while it is reflected over.
/// In PowerShell 7 the engine and its dependencies load in an AssemblyLoadContext of their own
/// (Restore.PowerShell.Isolation); in Windows PowerShell 5.1, which has no load contexts, an AssemblyResolve
/// handler serves the dependencies folder instead.
/// </remarks>
public sealed class ModuleLoader : IModuleAssemblyInitializer
{
    private const string EngineAssemblyName = "Restore.Engine";
    private static readonly object Gate = new();
    private static bool installed;

    /// <summary>The folder that holds the engine and its dependencies: this assembly's own.</summary>
    public static string DependencyDirectory => Path.GetDirectoryName(typeof(ModuleLoader).Assembly.Location) ?? ".";

    /// <summary>Installs the resolver; PowerShell calls this when the nested module is imported.</summary>
    public void OnImport() => EnsureInstalled();

    /// <summary>Installs the resolver once per process.</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (installed)
            {
                return;
            }

            var directory = DependencyDirectory;
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                AppDomain.CurrentDomain.AssemblyResolve += (_, args) => ResolveFromDirectory(directory, args);
            }
            else
            {
                // Reflection, because the load-context type exists only in .NET Core; this assembly also serves 5.1.
                var isolation = Assembly.LoadFrom(Path.Combine(directory, "Restore.PowerShell.Isolation.dll"));
                var type = isolation.GetType("Restore.PowerShell.Isolation.IsolatedLoadContext", throwOnError: true)!;
                var install = type.GetMethod("Install", BindingFlags.Public | BindingFlags.Static)!;
                install.Invoke(null, new object[] { directory, new[] { EngineAssemblyName } });
            }

            installed = true;
        }
    }

    // Windows PowerShell 5.1 has one load context for every module, so answer only for what ours ask for (the
    // module folder and dependencies/), and only with a copy at least as new as the one asked for: another module's
    // failed bind must not be handed our copy.
    private static Assembly? ResolveFromDirectory(string directory, ResolveEventArgs args)
    {
        var moduleRoot = Path.GetDirectoryName(directory) ?? directory;
        var requester = args.RequestingAssembly?.Location;
        if (!string.IsNullOrEmpty(requester)
            && !requester!.StartsWith(moduleRoot + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var name = new AssemblyName(args.Name);
        var candidate = Path.Combine(directory, name.Name + ".dll");
        if (!File.Exists(candidate))
        {
            return null;
        }

        var available = AssemblyName.GetAssemblyName(candidate).Version;
        return name.Version is null || available >= name.Version ? Assembly.LoadFrom(candidate) : null;
    }
}

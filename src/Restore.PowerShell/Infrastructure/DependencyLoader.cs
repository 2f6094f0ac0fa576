using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Loads Restore.Engine and its third-party assemblies from the module's <c>dependencies</c> folder.
/// In PowerShell 7 they live in an AssemblyLoadContext of their own (Restore.PowerShell.Isolation),
/// so they never clash with another module's AWSSDK or YamlDotNet. Windows PowerShell 5.1 has no
/// load contexts; there an AssemblyResolve handler serves the folder, as PSResourceGet does.
/// </summary>
internal static class DependencyLoader
{
    private const string EngineAssemblyName = "Restore.Engine";
    private static readonly object Gate = new();
    private static bool installed;

    internal static string DependencyDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".", "dependencies");

    internal static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (installed)
            {
                return;
            }

            var directory = DependencyDirectory;
            if (!Directory.Exists(directory))
            {
                // Running from a build folder (tests): everything sits next to us already.
                installed = true;
                return;
            }

            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                AppDomain.CurrentDomain.AssemblyResolve += (_, args) => ResolveFromDirectory(directory, args.Name);
            }
            else
            {
                var isolation = Assembly.LoadFrom(Path.Combine(directory, "Restore.PowerShell.Isolation.dll"));
                var type = isolation.GetType("Restore.PowerShell.Isolation.IsolatedLoadContext", throwOnError: true)!;
                var install = type.GetMethod("Install", BindingFlags.Public | BindingFlags.Static)!;
                install.Invoke(null, new object[] { directory, new[] { EngineAssemblyName } });
            }

            installed = true;
        }
    }

    private static Assembly? ResolveFromDirectory(string directory, string requestedName)
    {
        var name = new AssemblyName(requestedName);
        var candidate = Path.Combine(directory, name.Name + ".dll");
        return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
    }
}

using System.Management.Automation;

namespace Restore.PowerShell.Infrastructure;

/// <summary>Runs when the module is imported: makes the engine and its dependencies loadable.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    /// <summary>Installs the dependency loader.</summary>
    public void OnImport() => DependencyLoader.EnsureInstalled();
}

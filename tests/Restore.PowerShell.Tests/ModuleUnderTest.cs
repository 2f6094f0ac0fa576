using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Restore.HelpBuilder.Markdown;
using Restore.HelpBuilder.Metadata;
using Restore.TestSupport;
using Xunit;

namespace Restore.PowerShell.Tests;

/// <summary>
/// The laid-out module these tests inspect: out/[Debug/]Restore/&lt;version&gt;/, built by the
/// project reference before the tests run. Everything is read once per test run.
/// </summary>
public static class ModuleUnderTest
{
    /// <summary>The file name of the cmdlet assembly at the module root.</summary>
    public const string CmdletAssemblyFileName = "Restore.PowerShell.dll";

    private static readonly Lazy<CmdletAssemblyReader> LazyReader = new(() => CmdletAssemblyReader.Open(CmdletAssemblyPath));
    private static readonly Lazy<IReadOnlyList<CmdletMetadata>> LazyCmdlets = new(() => Reader.ReadCmdlets());
    private static readonly Lazy<ModuleManifest> LazyManifest = new(() => ModuleManifest.Read(Path.Combine(LayoutDirectory, "Restore.psd1")));

    /// <summary>The repository root.</summary>
    public static string RepoRoot => ToolLocator.RepoRoot;

    /// <summary>The module folder (…/Restore/&lt;version&gt;/), from this assembly's ModuleLayoutDir metadata.</summary>
    public static string LayoutDirectory
    {
        get
        {
            var fromMetadata = typeof(ModuleUnderTest).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ModuleLayoutDir")?.Value
                ?? throw new InvalidOperationException("The test assembly has no ModuleLayoutDir metadata (Directory.Build.props).");
            var full = Path.GetFullPath(fromMetadata);
            if (!Directory.Exists(full))
            {
                throw new InvalidOperationException($"The module layout '{full}' does not exist. Build src/Restore.PowerShell in the same configuration as the tests.");
            }

            return full;
        }
    }

    /// <summary>The laid-out cmdlet assembly.</summary>
    public static string CmdletAssemblyPath => Path.Combine(LayoutDirectory, CmdletAssemblyFileName);

    /// <summary>The dependencies folder of the layout.</summary>
    public static string DependencyDirectory => Path.Combine(LayoutDirectory, "dependencies");

    /// <summary>The docs folder of the repository.</summary>
    public static string DocsDirectory => Path.Combine(RepoRoot, "docs");

    /// <summary>The shared metadata reader over the laid-out cmdlet assembly.</summary>
    public static CmdletAssemblyReader Reader => LazyReader.Value;

    /// <summary>Every cmdlet class in the laid-out module.</summary>
    public static IReadOnlyList<CmdletMetadata> Cmdlets => LazyCmdlets.Value;

    /// <summary>The laid-out manifest.</summary>
    public static ModuleManifest Manifest => LazyManifest.Value;

    /// <summary>
    /// Cmdlet names for theories. An empty list makes every theory that uses it fail with xunit's
    /// "No data found", on top of the explicit <c>ModuleContainsCmdlets</c> failure.
    /// </summary>
    public static TheoryData<string> CmdletNames()
    {
        var data = new TheoryData<string>();
        foreach (var cmdlet in Cmdlets)
        {
            data.Add(cmdlet.Name);
        }

        return data;
    }

    /// <summary>The cmdlet called <paramref name="name"/>.</summary>
    public static CmdletMetadata Cmdlet(string name) =>
        Cmdlets.Single(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The docs page for <paramref name="name"/>, parsed; fails the test when missing.</summary>
    public static CommandHelpDocument DocsPage(string name)
    {
        var path = Path.Combine(DocsDirectory, name + ".md");
        Assert.True(File.Exists(path), $"{name} has no help page: create docs/{name}.md (platyPS layout, as the other pages in docs/).");
        return CommandHelpParser.ParseFile(path);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Restore.PowerShell.Tests.Module;

/// <summary>
/// What the released module carries besides code: no paths of the machine that built it, debug information
/// inside our assemblies rather than some .pdb files beside them, a notice for every third-party assembly,
/// the licence, and links that lead to the project.
/// </summary>
public class ReleaseHygieneTests
{
    private const string ProjectUrl = "https://github.com/restore-ps/Restore";

    private static readonly string[] OwnAssemblies =
    {
        "Restore.PowerShell.dll", "dependencies/Restore.Engine.dll", "dependencies/Restore.PowerShell.Loader.dll", "dependencies/Restore.PowerShell.Isolation.dll",
    };

    private static IReadOnlyList<string> LayoutList() =>
        File.ReadAllLines(Path.Combine(ModuleUnderTest.RepoRoot, "src", "Restore.PowerShell", "ModuleLayout.txt"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

    private static IEnumerable<string> BuildMachinePaths()
    {
        var root = Path.GetFullPath(ModuleUnderTest.RepoRoot).TrimEnd('/', '\\');
        yield return root;
        yield return root.Replace('\\', '/');
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile).TrimEnd('/', '\\');
        // A home of '/' or '/root' is too short to tell a path from other text; the repository root still is.
        if (home.Length > 5)
        {
            yield return home + Path.DirectorySeparatorChar;
        }
    }

    public static TheoryData<string> ShippedAssemblies()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ModuleUnderTest.LayoutDirectory, "*.dll", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(ModuleUnderTest.LayoutDirectory, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void ShippedAssemblyEmbedsNoBuildMachinePath(string relativePath)
    {
        // What `strings` shows: the bytes as ASCII/UTF-8 and as UTF-16 (metadata strings and resources).
        var bytes = File.ReadAllBytes(Path.Combine(ModuleUnderTest.LayoutDirectory, relativePath));
        var texts = new[] { Encoding.Latin1.GetString(bytes), Encoding.Unicode.GetString(bytes), Encoding.Unicode.GetString(bytes, 1, bytes.Length - 1) };
        foreach (var path in BuildMachinePaths())
        {
            Assert.False(texts.Any(t => t.Contains(path, StringComparison.OrdinalIgnoreCase)), $"{relativePath} contains the build machine path '{path}'.");
        }
    }

    [Fact]
    public void ModuleShipsNoPdbFiles()
    {
        var pdbs = Directory.GetFiles(ModuleUnderTest.LayoutDirectory, "*.pdb", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ModuleUnderTest.LayoutDirectory, f)).ToList();
        Assert.True(pdbs.Count == 0, $"The module ships .pdb files ({string.Join(", ", pdbs)}); our assemblies embed their debug information instead.");
    }

    [Theory]
    [MemberData(nameof(OwnAssemblyNames))]
    public void OwnAssemblyEmbedsItsDebugInformationWithMappedSourcePaths(string relativePath)
    {
        using var pe = new PEReader(File.OpenRead(Path.Combine(ModuleUnderTest.LayoutDirectory, relativePath)));
        var embedded = pe.ReadDebugDirectory().Where(e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb).ToList();
        Assert.True(embedded.Count == 1, $"{relativePath} has no embedded portable PDB (stack traces would lose file and line).");
        using var provider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded[0]);
        var pdb = provider.GetMetadataReader();
        var documents = pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).ToList();
        Assert.NotEmpty(documents);
        var unmapped = documents.Where(d => !d.StartsWith("/_/", StringComparison.Ordinal)).ToList();
        Assert.True(unmapped.Count == 0, $"{relativePath} names source files by build machine path: {string.Join(", ", unmapped.Take(3))}.");
    }

    public static TheoryData<string> OwnAssemblyNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in OwnAssemblies)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void EveryThirdPartyAssemblyInTheLayoutListHasANotice()
    {
        // Fails after a merge that adds a dependency to ModuleLayout.txt without its entry in ThirdPartyNotices.txt.
        var notices = File.ReadAllText(Path.Combine(ModuleUnderTest.RepoRoot, "module", "ThirdPartyNotices.txt"));
        var covered = Regex.Matches(notices, @"(?m)^Files:(.*)$")
            .SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var thirdParty = LayoutList()
            .Where(f => f.StartsWith("dependencies/", StringComparison.Ordinal) && f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(f => !OwnAssemblies.Contains(f, StringComparer.Ordinal))
            .ToList();
        Assert.NotEmpty(thirdParty);
        var missing = thirdParty.Where(f => !covered.Contains(f)).ToList();
        Assert.True(missing.Count == 0, $"module/ThirdPartyNotices.txt has no 'Files:' entry for {string.Join(", ", missing)}: add the project, its licence and its notices.");
    }

    [Fact]
    public void EveryShippedThirdPartyAssemblyIsInTheLayoutList()
    {
        // The notices follow the list; an assembly the build copies but the list does not name would ship without one.
        var listed = LayoutList().ToHashSet(StringComparer.Ordinal);
        var unlisted = Directory.GetFiles(ModuleUnderTest.DependencyDirectory, "*.dll")
            .Select(f => "dependencies/" + Path.GetFileName(f))
            .Where(f => !listed.Contains(f))
            .ToList();
        Assert.True(unlisted.Count == 0, $"The layout holds assemblies ModuleLayout.txt does not list: {string.Join(", ", unlisted)}.");
    }

    [Fact]
    public void LicenceAndNoticesAtTheModuleRootAreTheRepositorys()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(ModuleUnderTest.RepoRoot, "LICENSE")), File.ReadAllText(Path.Combine(ModuleUnderTest.LayoutDirectory, "LICENSE")));
        Assert.Equal(
            File.ReadAllText(Path.Combine(ModuleUnderTest.RepoRoot, "module", "ThirdPartyNotices.txt")),
            File.ReadAllText(Path.Combine(ModuleUnderTest.LayoutDirectory, "ThirdPartyNotices.txt")));
        Assert.Contains("MIT License", File.ReadAllText(Path.Combine(ModuleUnderTest.RepoRoot, "LICENSE")), StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestLinksPointAtTheProject()
    {
        var manifest = ModuleUnderTest.Manifest;
        Assert.Equal(ProjectUrl, manifest.String("ProjectUri"));
        Assert.Equal(ProjectUrl + "/blob/main/LICENSE", manifest.String("LicenseUri"));
        var helpInfo = manifest.String("HelpInfoURI");
        Assert.True(helpInfo is not null && helpInfo.StartsWith(ProjectUrl + "/", StringComparison.Ordinal) && helpInfo.EndsWith('/'), $"HelpInfoURI '{helpInfo}' is not a folder URL of the project.");
    }

    [Fact]
    public void ChangelogHasTheManifestVersion()
    {
        var version = ModuleUnderTest.Manifest.String("ModuleVersion")!;
        var changelog = File.ReadAllText(Path.Combine(ModuleUnderTest.RepoRoot, "CHANGELOG.md"));
        var section = Regex.Match(changelog, @"(?ms)^## \[" + Regex.Escape(version) + @"\][^\n]*\n(.*?)(?=^## |\z)");
        Assert.True(section.Success, $"CHANGELOG.md has no '## [{version}]' section; build.ps1 -Package takes the release notes from it.");
        Assert.True(section.Groups[1].Value.Trim().Length > 200, "The CHANGELOG.md section of the version says next to nothing.");
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void DocsPageOnlineVersionIsTheCmdletsHelpUri(string name)
    {
        // Get-Help -Online opens the help's first link; the page's front matter becomes that link (Restore.HelpBuilder).
        var page = ModuleUnderTest.DocsPage(name);
        Assert.True(page.FrontMatter.TryGetValue("online version", out var online) && online.Length > 0, $"docs/{name}.md has no 'online version:' in its front matter.");
        Assert.Equal(ModuleUnderTest.Cmdlet(name).HelpUri, online);
    }
}

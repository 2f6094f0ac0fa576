using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace Restore.PowerShell.Tests.Module;

/// <summary>The laid-out module has every expected file, and third-party assemblies only under dependencies/.</summary>
public class ModuleLayoutTests
{
    private static readonly string[] RootFiles = { "Restore.PowerShell.dll", "Restore.psd1", "Restore.Format.ps1xml", "LICENSE", "ThirdPartyNotices.txt" };
    private static readonly string[] RootFolders = { "dependencies", "en-US" };

    public static TheoryData<string> ExpectedFiles()
    {
        var data = new TheoryData<string>();
        var list = Path.Combine(ModuleUnderTest.RepoRoot, "src", "Restore.PowerShell", "ModuleLayout.txt");
        foreach (var line in File.ReadAllLines(list).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            data.Add(line);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void ExpectedFileIsPresent(string relativePath)
    {
        var path = Path.Combine(ModuleUnderTest.LayoutDirectory, relativePath);
        Assert.True(File.Exists(path), $"The module layout lacks {relativePath} ({path}).");
        Assert.True(new FileInfo(path).Length > 0, $"{relativePath} is empty.");
    }

    [Fact]
    public void RootHoldsOnlyTheCmdletAssemblyManifestFormatFileAndNotices()
    {
        var files = Directory.GetFiles(ModuleUnderTest.LayoutDirectory).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(RootFiles.OrderBy(n => n, StringComparer.Ordinal), files);
        var folders = Directory.GetDirectories(ModuleUnderTest.LayoutDirectory).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(RootFolders.OrderBy(n => n, StringComparer.Ordinal), folders);
    }

    [Fact]
    public void AssembliesOtherThanTheCmdletsLiveOnlyUnderDependencies()
    {
        var misplaced = Directory.GetFiles(ModuleUnderTest.LayoutDirectory, "*.dll", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ModuleUnderTest.LayoutDirectory, f).Replace('\\', '/'))
            .Where(f => f != "Restore.PowerShell.dll" && !f.StartsWith("dependencies/", StringComparison.Ordinal))
            .ToList();
        Assert.True(misplaced.Count == 0, $"Assemblies outside dependencies/: {string.Join(", ", misplaced)}.");
        Assert.Empty(Directory.GetDirectories(ModuleUnderTest.DependencyDirectory));
    }

    [Fact]
    public void ManifestVersionIsTheAssemblyVersion()
    {
        var version = ModuleUnderTest.Manifest.String("ModuleVersion");
        Assert.False(string.IsNullOrEmpty(version), "Restore.psd1 has no ModuleVersion.");
        var expected = Version.Parse(version!);
        foreach (var path in new[] { ModuleUnderTest.CmdletAssemblyPath, Path.Combine(ModuleUnderTest.DependencyDirectory, "Restore.Engine.dll") })
        {
            var actual = AssemblyName.GetAssemblyName(path).Version!;
            Assert.True(
                actual.Major == expected.Major && actual.Minor == expected.Minor && actual.Build == expected.Build,
                $"{Path.GetFileName(path)} is version {actual}, the manifest says {expected}.");
        }

        Assert.Equal(version, Path.GetFileName(ModuleUnderTest.LayoutDirectory.TrimEnd('/', '\\')));
    }

    [Fact]
    public void ManifestDescribesABinaryModuleForBothEditions()
    {
        var manifest = ModuleUnderTest.Manifest;
        Assert.Equal("Restore.PowerShell.dll", manifest.String("RootModule"));
        Assert.Equal(new[] { "Core", "Desktop" }, manifest.List("CompatiblePSEditions")!.OrderBy(e => e, StringComparer.Ordinal));
        Assert.Equal("5.1", manifest.String("PowerShellVersion"));
        Assert.False(string.IsNullOrWhiteSpace(manifest.String("GUID")));
        Assert.False(string.IsNullOrWhiteSpace(manifest.String("Description")));
        foreach (var format in manifest.List("FormatsToProcess") ?? Array.Empty<string>())
        {
            Assert.True(File.Exists(Path.Combine(ModuleUnderTest.LayoutDirectory, format)), $"FormatsToProcess names {format}, which is not in the layout.");
        }
    }

    [Fact]
    public void LaidOutManifestIsTheSourceManifest()
    {
        var source = File.ReadAllText(Path.Combine(ModuleUnderTest.RepoRoot, "module", "Restore.psd1"));
        Assert.Equal(source, File.ReadAllText(ModuleUnderTest.Manifest.Path));
    }
}

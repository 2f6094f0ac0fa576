using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Restore.PowerShell.Tests.Surface;

/// <summary>
/// Holds every cmdlet in the built module to the PowerShell conventions, without PowerShell:
/// approved verbs, [OutputType], the shared base class, manifest exports and sound parameter sets.
/// </summary>
public class CmdletSurfaceTests
{
    private const string BaseClass = "Restore.PowerShell.Infrastructure.RestoreCmdletBase";

    // Verbs whose cmdlets change state: they must support -WhatIf/-Confirm.
    private static readonly string[] ChangingVerbs =
    {
        "New", "Remove", "Set", "Clear", "Add", "Move", "Rename", "Reset", "Restore", "Update", "Install", "Uninstall", "Start", "Stop", "Invoke",
    };

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void HelpUriIsTheCmdletsDocsPage(string name)
    {
        // One base URL for every cmdlet (HelpLinks.Docs), each pointing at its own page.
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        Assert.False(string.IsNullOrEmpty(cmdlet.HelpUri), $"{name}: [Cmdlet] has no HelpUri.");
        Assert.True(Uri.TryCreate(cmdlet.HelpUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps, $"{name}: HelpUri '{cmdlet.HelpUri}' is not an https URL.");
        Assert.EndsWith("/docs/" + name + ".md", cmdlet.HelpUri, StringComparison.Ordinal);
        var bases = ModuleUnderTest.Cmdlets.Select(c => c.HelpUri?.Substring(0, c.HelpUri.Length - (c.Name.Length + ".md".Length))).Distinct().ToList();
        Assert.Single(bases);
    }

    [Fact]
    public void ModuleContainsCmdlets()
    {
        Assert.True(
            ModuleUnderTest.Cmdlets.Count > 0,
            $"No cmdlet class (public, derived from Cmdlet, with [Cmdlet]) was found in {ModuleUnderTest.CmdletAssemblyPath}.");
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void UsesAnApprovedVerb(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var approved = ModuleUnderTest.Reader.ApprovedVerbs();
        Assert.True(approved.Contains(cmdlet.Verb), $"{name}: '{cmdlet.Verb}' is not an approved verb (Get-Verb).");
        Assert.Contains(cmdlet.Verb, approved, StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void DeclaresOutputTypesThatExist(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        Assert.True(cmdlet.OutputTypes.Count > 0, $"{name} ({cmdlet.TypeFullName}) has no [OutputType].");
        foreach (var output in cmdlet.OutputTypes)
        {
            Assert.False(output.DeclaredByName, $"{name}: [OutputType(\"{output.TypeFullName}\")] names a type by string; use typeof so the compiler checks it.");
            Assert.NotNull(ModuleUnderTest.Reader.FindType(output.TypeFullName));
            foreach (var set in output.ParameterSetNames)
            {
                Assert.True(
                    cmdlet.ParameterSetNames.Contains(set, StringComparer.OrdinalIgnoreCase),
                    $"{name}: [OutputType] names parameter set '{set}', which does not exist ({string.Join(", ", cmdlet.ParameterSetNames)}).");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void DerivesFromRestoreCmdletBase(string name)
    {
        var type = ModuleUnderTest.Reader.Assembly.GetType(ModuleUnderTest.Cmdlet(name).TypeFullName, throwOnError: true)!;
        var chain = new List<string>();
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            chain.Add(current.FullName ?? current.Name);
        }

        Assert.True(chain.Contains(BaseClass), $"{name} derives from {string.Join(" -> ", chain)}, not from {BaseClass}.");
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void HasUnambiguousParameterSets(string name)
    {
        var problems = ParameterSetRules.Problems(ModuleUnderTest.Cmdlet(name));
        Assert.True(problems.Count == 0, $"{name}:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void SupportsShouldProcessWhenItChangesState(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        if (ChangingVerbs.Contains(cmdlet.Verb, StringComparer.OrdinalIgnoreCase))
        {
            Assert.True(cmdlet.SupportsShouldProcess, $"{name} changes state ({cmdlet.Verb}) but does not declare SupportsShouldProcess.");
        }

        if (string.Equals(cmdlet.Verb, "Remove", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Equal("High", cmdlet.ConfirmImpact);
        }
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void NameParameterOfGetCmdletsTakesWildcards(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var nameParameter = cmdlet.Parameters.FirstOrDefault(p => p.Name == "Name");
        if (cmdlet.Verb == "Get" && nameParameter is not null)
        {
            Assert.True(nameParameter.SupportsWildcards, $"{name} -Name filters what it gets, so it should take wildcards and say so with [SupportsWildcards].");
        }
    }

    [Fact]
    public void ManifestExportsExactlyTheCmdletClasses()
    {
        var exported = ModuleUnderTest.Manifest.List("CmdletsToExport") ?? Array.Empty<string>();
        var classes = ModuleUnderTest.Cmdlets.Select(c => c.Name).ToList();
        var missingClasses = exported.Except(classes, StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var notExported = classes.Except(exported, StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.True(
            missingClasses.Count == 0 && notExported.Count == 0,
            "module/Restore.psd1 CmdletsToExport and the cmdlet classes differ." +
            (missingClasses.Count > 0 ? $" Exported but not implemented: {string.Join(", ", missingClasses)}." : string.Empty) +
            (notExported.Count > 0 ? $" Implemented but not exported: {string.Join(", ", notExported)}." : string.Empty));
        Assert.Equal(exported.Count, exported.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void ManifestExportsNothingButCmdlets(string key)
    {
        var list = ModuleUnderTest.Manifest.List(key);
        Assert.NotNull(list);
        Assert.Empty(list!);
    }

    [Fact]
    public void ApprovedVerbsAreReadFromSystemManagementAutomation()
    {
        // Guards the verb test itself: an empty or partial list would pass everything or nothing.
        var approved = ModuleUnderTest.Reader.ApprovedVerbs();
        Assert.Contains("Get", approved);
        Assert.Contains("Remove", approved);
        Assert.DoesNotContain("Fetch", approved);
        Assert.True(approved.Count > 90, $"only {approved.Count} approved verbs were read");
    }

    [Fact]
    public void CmdletAssemblyReferencesOnlyNetStandardPowerShellAndTheEngine()
    {
        var allowed = new[] { "netstandard", "System.Management.Automation", "Restore.Engine" };
        var references = ModuleUnderTest.Reader.Assembly.GetReferencedAssemblies().Select(r => r.Name!).ToList();
        var extra = references.Except(allowed, StringComparer.Ordinal).ToList();
        Assert.True(extra.Count == 0, $"Restore.PowerShell.dll references {string.Join(", ", extra)}; it may reference only {string.Join(", ", allowed)} (third-party types must stay behind the engine).");
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void ParameterAndOutputTypesComeFromThePlatformOrRestore(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var thirdParty = ThirdPartyAssemblyNames();
        var type = ModuleUnderTest.Reader.Assembly.GetType(cmdlet.TypeFullName, throwOnError: true)!;
        foreach (var property in type.GetProperties().Where(p => cmdlet.Parameters.Any(q => q.Name == p.Name)))
        {
            var leaked = TypeSurface.AssembliesOf(property.PropertyType).Where(thirdParty.Contains).ToList();
            Assert.True(leaked.Count == 0, $"{name} -{property.Name} is typed with {string.Join(", ", leaked)}.");
        }

        foreach (var output in cmdlet.OutputTypes.Where(o => o.AssemblyName is not null))
        {
            Assert.False(thirdParty.Contains(output.AssemblyName!), $"{name} outputs {output.TypeFullName} from {output.AssemblyName}.");
        }
    }

    [Fact]
    public void EngineTypesUsedByTheCmdletsExposeNoThirdPartyTypes()
    {
        var thirdParty = ThirdPartyAssemblyNames();
        var problems = new List<string>();
        foreach (var engineType in TypeSurface.EngineTypesReferencedBy(ModuleUnderTest.Reader))
        {
            foreach (var (member, used) in TypeSurface.PublicSignatureTypes(engineType))
            {
                var leaked = TypeSurface.AssembliesOf(used).Where(thirdParty.Contains).ToList();
                if (leaked.Count > 0)
                {
                    problems.Add($"{engineType.FullName}.{member} uses {used.FullName} ({string.Join(", ", leaked)})");
                }
            }
        }

        Assert.True(problems.Count == 0, "Engine types the cmdlets use must expose only BCL and Restore types:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void SurfaceChecksRecognizeThirdPartyAssemblies()
    {
        // Guards the two leak tests above: they only mean something if the dependency list is real.
        var thirdParty = ThirdPartyAssemblyNames();
        Assert.Contains("YamlDotNet", thirdParty);
        Assert.Contains("AWSSDK.S3", thirdParty);
        Assert.DoesNotContain("Restore.Engine", thirdParty);
    }

    private static HashSet<string> ThirdPartyAssemblyNames() =>
        new(
            System.IO.Directory.GetFiles(ModuleUnderTest.DependencyDirectory, "*.dll")
                .Select(System.IO.Path.GetFileNameWithoutExtension)
                .Where(n => n is not null && !n.StartsWith("Restore.", StringComparison.Ordinal))!,
            StringComparer.OrdinalIgnoreCase);
}

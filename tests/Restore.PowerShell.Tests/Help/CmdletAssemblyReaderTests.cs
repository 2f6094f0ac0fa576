using System;
using System.IO;
using System.Linq;
using Restore.HelpBuilder.Metadata;
using Xunit;

namespace Restore.PowerShell.Tests.Help;

/// <summary>The metadata reader on the emitted fixture cmdlets, whose attributes are known exactly.</summary>
public class CmdletAssemblyReaderTests
{
    private static CmdletMetadata Read(string name)
    {
        using var reader = CmdletAssemblyReader.Open(FixtureCmdletAssembly.Path);
        return reader.ReadCmdlets().Single(c => c.Name == name);
    }

    [Fact]
    public void FindsOnlyConcreteClassesWithTheCmdletAttribute()
    {
        using var reader = CmdletAssemblyReader.Open(FixtureCmdletAssembly.Path);
        Assert.Equal(new[] { "Get-Widget", "Remove-Widget" }, reader.ReadCmdlets().Select(c => c.Name));
    }

    [Fact]
    public void ReadsTheCmdletAttributeAndOutputType()
    {
        var get = Read("Get-Widget");
        Assert.Equal(("Get", "Widget", "Fixture.GetWidgetCommand"), (get.Verb, get.Noun, get.TypeFullName));
        Assert.Equal("ByName", get.DefaultParameterSetName);
        Assert.False(get.SupportsShouldProcess);
        var output = Assert.Single(get.OutputTypes);
        Assert.Equal("System.String", output.TypeFullName);
        Assert.False(output.DeclaredByName);
        Assert.Equal(new[] { "ByName", "ById" }, get.ParameterSetNames);
    }

    [Fact]
    public void ReadsParametersWithTheirSetsAndAttributes()
    {
        var get = Read("Get-Widget");
        Assert.Equal(new[] { "Name", "Id", "Color", "Force" }, get.Parameters.Select(p => p.Name));

        var name = get.Parameters.Single(p => p.Name == "Name");
        Assert.Equal(("System.String[]", "String[]"), (name.TypeFullName, name.TypeDisplayName));
        Assert.True(name.SupportsWildcards);
        Assert.Equal(new[] { "WidgetName" }, name.Aliases);
        var byName = Assert.Single(name.Sets);
        Assert.Equal(("ByName", 0, true, false, false), (byName.SetName, byName.Position, byName.ValueFromPipelineByPropertyName, byName.ValueFromPipeline, byName.Mandatory));

        var id = get.Parameters.Single(p => p.Name == "Id");
        Assert.Equal("Int32", id.TypeDisplayName);
        Assert.True(Assert.Single(id.Sets).Mandatory);
        Assert.Null(id.Sets[0].Position);
        Assert.Equal("7", id.DefaultValue);

        var color = get.Parameters.Single(p => p.Name == "Color");
        Assert.True(color.IsInAllSets);
        Assert.Equal(new[] { "Red", "Blue" }, color.ValidValues);
        Assert.Equal("Red (the first colour)", color.DefaultValue);

        var force = get.Parameters.Single(p => p.Name == "Force");
        Assert.True(force.IsSwitch);
        Assert.Equal("False", force.DefaultValue);
        Assert.False(force.AddedByCmdletAttribute);
    }

    [Fact]
    public void ParametersInSetIncludeTheAllSetsParameters()
    {
        var get = Read("Get-Widget");
        Assert.Equal(new[] { "Name", "Color", "Force" }, get.ParametersInSet("ByName").Select(m => m.Parameter.Name));
        Assert.Equal(new[] { "Id", "Color", "Force" }, get.ParametersInSet("ById").Select(m => m.Parameter.Name));
    }

    [Fact]
    public void ShouldProcessAddsWhatIfAndConfirm()
    {
        var remove = Read("Remove-Widget");
        Assert.True(remove.SupportsShouldProcess);
        Assert.Equal(new[] { "InputObject", "WhatIf", "Confirm" }, remove.Parameters.Select(p => p.Name));
        Assert.All(remove.Parameters.Skip(1), p => Assert.True(p.AddedByCmdletAttribute && p.IsSwitch));
        Assert.Equal(new[] { "cf" }, remove.Parameters.Single(p => p.Name == "Confirm").Aliases);
        Assert.Equal(new[] { CmdletMetadata.AllParameterSets }, remove.ParameterSetNames);
        Assert.True(remove.Parameters[0].Sets[0].ValueFromPipeline);
        Assert.Equal("System.Void", Assert.Single(remove.OutputTypes).TypeFullName);
    }

    [Fact]
    public void ApprovedVerbsComeFromTheReferenceAssembly()
    {
        using var reader = CmdletAssemblyReader.Open(FixtureCmdletAssembly.Path);
        var verbs = reader.ApprovedVerbs();
        Assert.Contains("Get", verbs);
        Assert.Contains("Restore", verbs);
        Assert.DoesNotContain("Widget", verbs);
    }

    [Fact]
    public void FindTypeSearchesReferencedAssemblies()
    {
        using var reader = CmdletAssemblyReader.Open(FixtureCmdletAssembly.Path);
        Assert.NotNull(reader.FindType("Fixture.GetWidgetCommand"));
        Assert.NotNull(reader.FindType("System.Management.Automation.PSCredential"));
        Assert.Null(reader.FindType("Fixture.NoSuchType"));
    }

    [Fact]
    public void OpeningAMissingAssemblyNamesIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".dll");
        var error = Assert.Throws<FileNotFoundException>(() => CmdletAssemblyReader.Open(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemManagementAutomationIsFoundFromTheRestoredPackage()
    {
        var path = ReferenceAssemblyLocator.FindSystemManagementAutomation();
        Assert.True(File.Exists(path));
        Assert.Equal("System.Management.Automation.dll", Path.GetFileName(path));
        Assert.Contains("powershellstandard.library", path, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AnExplicitPathToSystemManagementAutomationWins()
    {
        var copy = Path.Combine(Path.GetTempPath(), "restore-sma-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        File.Copy(ReferenceAssemblyLocator.FindSystemManagementAutomation(), Path.Combine(copy, "System.Management.Automation.dll"));
        Assert.Equal(Path.Combine(copy, "System.Management.Automation.dll"), ReferenceAssemblyLocator.FindSystemManagementAutomation(null, new[] { copy }));
    }
}

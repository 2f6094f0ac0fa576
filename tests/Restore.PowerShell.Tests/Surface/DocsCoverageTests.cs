using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Restore.HelpBuilder.About;
using Restore.HelpBuilder.Markdown;
using Xunit;

namespace Restore.PowerShell.Tests.Surface;

/// <summary>Every cmdlet has a help page that documents exactly its parameters, with examples.</summary>
public class DocsCoverageTests
{
    public static TheoryData<string> DocsPages()
    {
        var data = new TheoryData<string>();
        // Command pages only: docs/ also holds about_Restore.md and documents such as benchmarks.md.
        foreach (var file in Directory.GetFiles(ModuleUnderTest.DocsDirectory, "*.md").Where(Restore.HelpBuilder.HelpGenerator.IsCommandPage).OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void PageDocumentsExactlyTheCmdletParameters(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var page = ModuleUnderTest.DocsPage(name);
        var undocumented = cmdlet.Parameters.Where(p => page.FindParameter(p.Name) is null).Select(p => "-" + p.Name).ToList();
        var stale = page.Parameters.Where(d => !cmdlet.Parameters.Any(p => string.Equals(p.Name, d.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(d => "-" + d.Name).ToList();
        var empty = page.Parameters.Where(d => MarkdownText.ToPlainText(d.Description).Length == 0).Select(d => "-" + d.Name).ToList();
        Assert.True(
            undocumented.Count == 0 && stale.Count == 0 && empty.Count == 0,
            $"docs/{name}.md:" +
            (undocumented.Count > 0 ? $" no '### -Name' section for {string.Join(", ", undocumented)};" : string.Empty) +
            (stale.Count > 0 ? $" documents {string.Join(", ", stale)}, which the cmdlet does not have;" : string.Empty) +
            (empty.Count > 0 ? $" no description for {string.Join(", ", empty)};" : string.Empty));
        Assert.True(page.MentionsCommonParameters, $"docs/{name}.md has no '### CommonParameters' section.");
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void PageDefaultValuesAreTheCodes(string name)
    {
        // Get-Help takes a default the code states ([PSDefaultValue] from the engine's constants); the page, read on
        // the web, must say the same.
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var page = ModuleUnderTest.DocsPage(name);
        var drifted = cmdlet.Parameters
            .Where(p => p.DefaultValue is not null && !p.IsSwitch)
            .Select(p => (p.Name, Code: p.DefaultValue!, Page: page.FindParameter(p.Name)?.Yaml.GetValueOrDefault("Default value")))
            .Where(d => !string.Equals(d.Code, d.Page, StringComparison.Ordinal))
            .Select(d => $"-{d.Name}: the code says '{d.Code}', the page '{d.Page}'")
            .ToList();
        Assert.True(drifted.Count == 0, $"docs/{name}.md: " + string.Join("; ", drifted));
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void PageHasSynopsisDescriptionAndExamples(string name)
    {
        var page = ModuleUnderTest.DocsPage(name);
        Assert.False(string.IsNullOrWhiteSpace(page.Synopsis), $"docs/{name}.md: SYNOPSIS is empty.");
        Assert.False(string.IsNullOrWhiteSpace(page.Description), $"docs/{name}.md: DESCRIPTION is empty.");
        Assert.True(page.Examples.Count > 0, $"docs/{name}.md has no '### Example' section.");
        foreach (var example in page.Examples)
        {
            Assert.False(string.IsNullOrWhiteSpace(example.Code), $"docs/{name}.md: '{example.Title}' has no code block.");
            Assert.False(string.IsNullOrWhiteSpace(example.Remarks), $"docs/{name}.md: '{example.Title}' does not say what it does.");
            Assert.Contains(name, example.Code, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void PageOutputsNameEveryOutputType(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var page = ModuleUnderTest.DocsPage(name);
        foreach (var output in cmdlet.OutputTypes)
        {
            // [OutputType(typeof(void))] is how a cmdlet says it writes nothing; platyPS pages call that "None".
            var expected = output.TypeFullName == "System.Void" ? "None" : output.TypeFullName;
            Assert.True(
                page.Outputs.Any(o => string.Equals(o.TypeName, expected, StringComparison.Ordinal)),
                $"docs/{name}.md: OUTPUTS has no '### {expected}' ([OutputType] of the cmdlet); it lists {string.Join(", ", page.Outputs.Select(o => o.TypeName))}.");
        }
    }

    [Theory]
    [MemberData(nameof(DocsPages))]
    public void EveryPageParsesAndNamesAnExportedCommand(string fileName)
    {
        var path = Path.Combine(ModuleUnderTest.DocsDirectory, fileName);
        var name = Path.GetFileNameWithoutExtension(fileName);
        if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
        {
            var text = AboutTopicWriter.Convert(File.ReadAllText(path), path);
            Assert.StartsWith("TOPIC\n    " + name + "\n", text, StringComparison.Ordinal);
            return;
        }

        var page = CommandHelpParser.ParseFile(path);
        Assert.Equal(name, page.Name);
        var exported = ModuleUnderTest.Manifest.List("CmdletsToExport") ?? Array.Empty<string>();
        Assert.True(exported.Contains(name, StringComparer.Ordinal), $"docs/{fileName} documents '{name}', which module/Restore.psd1 does not export.");
    }

    [Fact]
    public void AboutTopicExists()
    {
        Assert.True(File.Exists(Path.Combine(ModuleUnderTest.DocsDirectory, "about_Restore.md")), "docs/about_Restore.md is missing.");
    }
}

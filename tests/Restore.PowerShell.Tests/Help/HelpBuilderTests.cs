using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Restore.HelpBuilder;
using Restore.HelpBuilder.Maml;
using Xunit;

namespace Restore.PowerShell.Tests.Help;

/// <summary>The help builder end to end: fixture cmdlets plus a markdown page in, MAML and about text out.</summary>
public class HelpBuilderTests
{
    private static readonly XNamespace Command = MamlWriter.CommandNs;
    private static readonly XNamespace Maml = MamlWriter.MamlNs;
    private static readonly XNamespace Dev = MamlWriter.DevNs;

    private static string NewDocsFolder(bool withAbout = true)
    {
        var docs = Path.Combine(Path.GetTempPath(), "restore-docs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "Get-Widget.md"), MarkdownTests.WidgetPage);
        if (withAbout)
        {
            File.WriteAllText(Path.Combine(docs, "about_Widget.md"), "# about_Widget\n\n## SHORT DESCRIPTION\nWidgets.\n\n## LONG DESCRIPTION\nMore.\n");
        }

        return docs;
    }

    private static (int ExitCode, string Output, string OutDir) RunBuilder(params string[] extra)
    {
        var outDir = Path.Combine(Path.GetTempPath(), "restore-help-" + Guid.NewGuid().ToString("N"));
        var writer = new StringWriter();
        var error = new StringWriter();
        var originalOut = Console.Out;
        var originalError = Console.Error;
        int exitCode;
        lock (ConsoleGate.Gate)
        {
            Console.SetOut(writer);
            Console.SetError(error);
            try
            {
                exitCode = Program.Main(extra.Concat(new[] { "--out", outDir }).ToArray());
            }
            finally
            {
                Console.SetOut(originalOut);
                Console.SetError(originalError);
            }
        }

        return (exitCode, writer.ToString() + error, outDir);
    }

    private static XElement GeneratedCommand(string name)
    {
        var (exitCode, output, outDir) = RunBuilder("--docs", NewDocsFolder(), "--assembly", FixtureCmdletAssembly.Path);
        Assert.True(exitCode == 0, output);
        var document = XDocument.Load(Path.Combine(outDir, "Fixture.Cmdlets.dll-Help.xml"));
        return document.Root!.Elements(Command + "command").Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == name);
    }

    [Fact]
    public void WritesMamlAndAboutTopicAndReportsGaps()
    {
        var (exitCode, output, outDir) = RunBuilder("--docs", NewDocsFolder(), "--assembly", FixtureCmdletAssembly.Path);
        Assert.Equal(0, exitCode);
        Assert.True(File.Exists(Path.Combine(outDir, "Fixture.Cmdlets.dll-Help.xml")));
        Assert.StartsWith("TOPIC\n    about_Widget\n", File.ReadAllText(Path.Combine(outDir, "about_Widget.help.txt")), StringComparison.Ordinal);
        Assert.Contains("Remove-Widget has no page docs/Remove-Widget.md", output, StringComparison.Ordinal);
        Assert.Contains("help for 2 cmdlet(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DetailsAndDescriptionComeFromThePage()
    {
        var command = GeneratedCommand("Get-Widget");
        var details = command.Element(Command + "details")!;
        Assert.Equal(("Get", "Widget"), (details.Element(Command + "verb")!.Value, details.Element(Command + "noun")!.Value));
        Assert.Equal("Gets widgets.", details.Element(Maml + "description")!.Element(Maml + "para")!.Value);
        Assert.Equal(
            new[] { "The Get-Widget cmdlet gets widgets from the store.", "It never changes them:", "- it reads only", "- it is fast" },
            command.Element(Maml + "description")!.Elements(Maml + "para").Select(p => p.Value));
    }

    [Fact]
    public void SyntaxHasOneItemPerSetWithPositionalParametersFirst()
    {
        var items = GeneratedCommand("Get-Widget").Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        string[] Names(XElement item) => item.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value).ToArray();
        Assert.Equal(new[] { "Name", "Color", "Force" }, Names(items[0]));
        Assert.Equal(new[] { "Id", "Color", "Force" }, Names(items[1]));

        // A switch shows no value in syntax; a validated parameter lists its values.
        var force = items[0].Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == "Force");
        Assert.Null(force.Element(Command + "parameterValue"));
        var color = items[0].Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == "Color");
        Assert.Equal(new[] { "Red", "Blue" }, color.Element(Command + "parameterValueGroup")!.Elements(Command + "parameterValue").Select(v => v.Value));
    }

    [Theory]
    [InlineData("Name", "false", "true", "True (ByPropertyName)", "0", "WidgetName", "System.String[]", "All widgets")]
    [InlineData("Id", "true", "false", "False", "named", "none", "System.Int32", "7")]
    [InlineData("Color", "false", "false", "False", "named", "none", "System.String", "Red (the first colour)")]
    [InlineData("Force", "false", "false", "False", "named", "none", "System.Management.Automation.SwitchParameter", "False")]
    public void ParametersCarryTheirMetadata(string name, string required, string globbing, string pipeline, string position, string aliases, string type, string defaultValue)
    {
        var parameter = GeneratedCommand("Get-Widget").Element(Command + "parameters")!.Elements(Command + "parameter")
            .Single(p => p.Element(Maml + "name")!.Value == name);
        Assert.Equal(required, (string?)parameter.Attribute("required"));
        Assert.Equal(globbing, (string?)parameter.Attribute("globbing"));
        Assert.Equal(pipeline, (string?)parameter.Attribute("pipelineInput"));
        Assert.Equal(position, (string?)parameter.Attribute("position"));
        Assert.Equal(aliases, (string?)parameter.Attribute("aliases"));
        Assert.Equal(type, parameter.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal(defaultValue, parameter.Element(Dev + "defaultValue")!.Value);
        Assert.NotEmpty(parameter.Element(Maml + "description")!.Elements(Maml + "para"));
    }

    [Fact]
    public void ParametersFollowThePageOrder()
    {
        var names = GeneratedCommand("Get-Widget").Element(Command + "parameters")!.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value);
        Assert.Equal(new[] { "Name", "Id", "Color", "Force" }, names);
    }

    [Fact]
    public void ExamplesTypesNotesAndLinksAreWritten()
    {
        var command = GeneratedCommand("Get-Widget");
        var examples = command.Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.Equal(2, examples.Count);
        Assert.Equal("-------------------------- Example 1: Get every widget --------------------------", examples[0].Element(Maml + "title")!.Value);
        Assert.Equal("Get-Widget", examples[0].Element(Dev + "code")!.Value);
        Assert.Equal("Gets all widgets.", examples[0].Element(Dev + "remarks")!.Element(Maml + "para")!.Value);

        Assert.Equal("System.String", command.Element(Command + "inputTypes")!.Element(Command + "inputType")!.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Widget names.", command.Element(Command + "returnValues")!.Element(Command + "returnValue")!.Element(Maml + "description")!.Value);
        Assert.Equal("Widgets are imaginary.", command.Element(Maml + "alertSet")!.Element(Maml + "alert")!.Value);

        var links = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value)).ToList();
        Assert.Equal(new[] { ("Online Version:", "https://example.test/get-widget"), ("Remove-Widget", string.Empty), ("Widget site", "https://example.test/widgets") }, links);
    }

    [Fact]
    public void ACmdletWithoutAPageStillGetsSyntaxAndOutputs()
    {
        var remove = GeneratedCommand("Remove-Widget");
        var parameters = remove.Element(Command + "parameters")!.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value);
        Assert.Equal(new[] { "Confirm", "InputObject", "WhatIf" }, parameters);
        Assert.Equal("True (ByValue)", (string?)remove.Element(Command + "parameters")!.Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == "InputObject").Attribute("pipelineInput"));
        Assert.Equal("System.Void", remove.Element(Command + "returnValues")!.Element(Command + "returnValue")!.Element(Dev + "type")!.Element(Maml + "name")!.Value);
    }

    [Theory]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "--docs" }, 2)]
    [InlineData(new[] { "--bogus", "x" }, 2)]
    public void BadArgumentsExitWithTwo(string[] arguments, int expected)
    {
        var writer = new StringWriter();
        var original = Console.Error;
        int exitCode;
        lock (ConsoleGate.Gate)
        {
            Console.SetError(writer);
            try
            {
                exitCode = Program.Main(arguments);
            }
            finally
            {
                Console.SetError(original);
            }
        }

        Assert.Equal(expected, exitCode);
        Assert.Contains("usage:", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingAssemblyOrBrokenPageExitsWithOneNamingTheProblem()
    {
        var missing = Path.Combine(Path.GetTempPath(), "absent-" + Guid.NewGuid().ToString("N") + ".dll");
        var (exitCode, output, _) = RunBuilder("--docs", NewDocsFolder(), "--assembly", missing);
        Assert.Equal(1, exitCode);
        Assert.Contains(missing, output, StringComparison.Ordinal);

        var docs = NewDocsFolder();
        File.WriteAllText(Path.Combine(docs, "Get-Widget.md"), MarkdownTests.WidgetPage.Replace("## NOTES\n", string.Empty, StringComparison.Ordinal));
        (exitCode, output, _) = RunBuilder("--docs", docs, "--assembly", FixtureCmdletAssembly.Path);
        Assert.Equal(1, exitCode);
        Assert.Contains("missing section(s) '## NOTES'", output, StringComparison.Ordinal);

        docs = NewDocsFolder();
        File.WriteAllText(Path.Combine(docs, "Get-Gadget.md"), MarkdownTests.WidgetPage);
        (exitCode, output, _) = RunBuilder("--docs", docs, "--assembly", FixtureCmdletAssembly.Path);
        Assert.Equal(1, exitCode);
        Assert.Contains("does not match the file name 'Get-Gadget'", output, StringComparison.Ordinal);
    }
}

/// <summary>Console redirection is process-wide; tests that capture it take turns.</summary>
internal static class ConsoleGate
{
    public static readonly object Gate = new();
}

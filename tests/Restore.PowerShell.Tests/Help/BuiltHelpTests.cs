using System;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;
using Restore.HelpBuilder.Maml;
using Xunit;

namespace Restore.PowerShell.Tests.Help;

/// <summary>The help the build generated into the layout: well-formed MAML with a command per cmdlet.</summary>
public class BuiltHelpTests
{
    private static readonly XNamespace Command = MamlWriter.CommandNs;
    private static readonly XNamespace Maml = MamlWriter.MamlNs;
    private static readonly XNamespace Dev = MamlWriter.DevNs;

    private static readonly Lazy<XDocument> Help = new(() =>
    {
        var path = Path.Combine(ModuleUnderTest.LayoutDirectory, "en-US", "Restore.PowerShell.dll-Help.xml");
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader);
    });

    [Fact]
    public void HelpIsMamlWithOneCommandPerCmdlet()
    {
        var root = Help.Value.Root!;
        Assert.Equal(MamlWriter.Msh + "helpItems", root.Name);
        Assert.Equal("maml", (string?)root.Attribute("schema"));
        var names = root.Elements(Command + "command").Select(c => (string?)c.Element(Command + "details")?.Element(Command + "name")).ToList();
        Assert.Equal(ModuleUnderTest.Cmdlets.Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));
        Assert.NotEmpty(names);
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void CommandHelpHasTheStructureGetHelpReads(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var command = CommandNode(name);
        var details = command.Element(Command + "details")!;
        Assert.Equal(cmdlet.Verb, (string?)details.Element(Command + "verb"));
        Assert.Equal(cmdlet.Noun, (string?)details.Element(Command + "noun"));
        Assert.Contains(details.Element(Maml + "description")!.Elements(Maml + "para"), p => p.Value.Trim().Length > 0);
        Assert.NotEmpty(command.Element(Maml + "description")!.Elements(Maml + "para"));

        var syntaxItems = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(cmdlet.ParameterSetNames.Count, syntaxItems.Count);
        Assert.All(syntaxItems, s => Assert.Equal(name, (string?)s.Element(Maml + "name")));

        Assert.NotNull(command.Element(Command + "inputTypes"));
        Assert.NotEmpty(command.Element(Command + "returnValues")!.Elements(Command + "returnValue"));
        Assert.NotNull(command.Element(Command + "relatedLinks"));
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void EveryParameterAppearsWithItsMetadataAndDescription(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var parameters = CommandNode(name).Element(Command + "parameters")!.Elements(Command + "parameter").ToList();
        Assert.Equal(
            cmdlet.Parameters.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal),
            parameters.Select(p => (string?)p.Element(Maml + "name")).OrderBy(n => n, StringComparer.Ordinal));

        foreach (var parameter in cmdlet.Parameters)
        {
            var node = parameters.Single(p => (string?)p.Element(Maml + "name") == parameter.Name);
            Assert.Equal(parameter.SupportsWildcards ? "true" : "false", (string?)node.Attribute("globbing"));
            Assert.Equal(parameter.Sets.All(s => s.Mandatory) ? "true" : "false", (string?)node.Attribute("required"));
            Assert.Equal(parameter.TypeFullName, (string?)node.Element(Dev + "type")?.Element(Maml + "name"));
            var pipeline = (string?)node.Attribute("pipelineInput");
            Assert.Equal(parameter.Sets.Any(s => s.ValueFromPipeline || s.ValueFromPipelineByPropertyName), pipeline!.StartsWith("True", StringComparison.Ordinal));
            Assert.True(
                node.Element(Maml + "description")!.Elements(Maml + "para").Any(p => p.Value.Trim().Length > 0),
                $"{name} -{parameter.Name} has no description in the generated help.");
        }
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void ExamplesArePresent(string name)
    {
        var examples = CommandNode(name).Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.NotEmpty(examples);
        Assert.All(examples, e =>
        {
            Assert.Contains("Example", (string?)e.Element(Maml + "title"), StringComparison.Ordinal);
            Assert.Contains(name, (string?)e.Element(Dev + "code"), StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void AboutTopicIsGenerated()
    {
        var text = File.ReadAllText(Path.Combine(ModuleUnderTest.LayoutDirectory, "en-US", "about_Restore.help.txt"));
        Assert.StartsWith("TOPIC\n    about_Restore\n", text, StringComparison.Ordinal);
        Assert.Contains("\nSHORT DESCRIPTION\n", text, StringComparison.Ordinal);
        Assert.Contains("\nLONG DESCRIPTION\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 100, $"line too long for a console: '{line}'"));
    }

    private static XElement CommandNode(string name) =>
        Help.Value.Root!.Elements(Command + "command").Single(c => (string?)c.Element(Command + "details")?.Element(Command + "name") == name);
}

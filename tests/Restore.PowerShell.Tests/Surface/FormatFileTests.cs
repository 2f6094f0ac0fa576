using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml;
using System.Xml.Linq;
using Xunit;

namespace Restore.PowerShell.Tests.Surface;

/// <summary>The format file names only types and properties that exist, and covers what the cmdlets output.</summary>
public class FormatFileTests
{
    private static readonly Lazy<XDocument> Format = new(() =>
    {
        var path = Path.Combine(ModuleUnderTest.LayoutDirectory, "Restore.Format.ps1xml");
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader);
    });

    [Fact]
    public void FormatFileIsAFormatConfiguration()
    {
        var root = Format.Value.Root!;
        Assert.Equal("Configuration", root.Name.LocalName);
        Assert.NotNull(root.Element("ViewDefinitions"));
        var manifestFormats = ModuleUnderTest.Manifest.List("FormatsToProcess") ?? Array.Empty<string>();
        Assert.Contains("Restore.Format.ps1xml", manifestFormats);
    }

    [Fact]
    public void ViewsNameExistingTypesAndProperties()
    {
        var problems = new List<string>();
        foreach (var view in Format.Value.Descendants("View"))
        {
            var viewName = (string?)view.Element("Name");
            if (string.IsNullOrWhiteSpace(viewName))
            {
                problems.Add("a <View> has no <Name>");
                continue;
            }

            var selectedTypes = view.Element("ViewSelectedBy")?.Elements("TypeName").Select(t => t.Value.Trim()).ToList() ?? new List<string>();
            if (selectedTypes.Count == 0)
            {
                problems.Add($"view '{viewName}' selects no <TypeName>");
            }

            foreach (var typeName in selectedTypes)
            {
                var type = ModuleUnderTest.Reader.FindType(typeName);
                if (type is null)
                {
                    problems.Add($"view '{viewName}' selects '{typeName}', which no assembly of the module defines");
                    continue;
                }

                foreach (var property in view.Descendants("PropertyName").Select(p => p.Value.Trim()).Distinct(StringComparer.Ordinal))
                {
                    if (type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is null)
                    {
                        problems.Add($"view '{viewName}' shows property '{property}', which {typeName} does not have");
                    }
                }
            }

            foreach (var table in view.Descendants("TableControl"))
            {
                var headers = table.Element("TableHeaders")?.Elements("TableColumnHeader").Count() ?? 0;
                foreach (var row in table.Descendants("TableColumnItems"))
                {
                    var items = row.Elements("TableColumnItem").Count();
                    if (headers != 0 && headers != items)
                    {
                        problems.Add($"view '{viewName}': {headers} column headers but {items} column items (PowerShell rejects the view)");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, "module/Restore.Format.ps1xml:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void EveryTableFitsEightyColumnsByItsHeaders()
    {
        // PowerShell hides the columns that do not fit from the right; headers alone past 80 mean a column an
        // 80-column console never shows.
        foreach (var table in Format.Value.Descendants("TableControl"))
        {
            var labels = table.Element("TableHeaders")?.Elements("TableColumnHeader").Select(h => (string?)h.Element("Label") ?? string.Empty).ToList() ?? new List<string>();
            var width = labels.Sum(l => l.Length) + labels.Count - 1;
            Assert.True(width <= 80, $"{ViewName(table)}: headers {string.Join(" ", labels)} take {width} columns.");
        }
    }

    [Theory]
    [InlineData("Restore.Engine.Api.RestoreItem", "Message")]
    [InlineData("Restore.Engine.Api.RestorePlanItem", "Reason")]
    [InlineData("Restore.Engine.Api.RestoreLogEntry", "Message")]
    public void TheReasonIsTheLastColumn(string typeName, string label)
    {
        // The last column takes the rest of the line, so the reason gets whatever the item columns leave.
        var table = Format.Value.Descendants("View")
            .Single(v => v.Element("ViewSelectedBy")?.Elements("TypeName").Any(t => t.Value.Trim() == typeName) == true && v.Descendants("TableControl").Any())
            .Descendants("TableControl").Single();
        Assert.Equal(label, (string?)table.Element("TableHeaders")!.Elements("TableColumnHeader").Last().Element("Label"));
    }

    [Theory]
    [MemberData(nameof(ModuleUnderTest.CmdletNames), MemberType = typeof(ModuleUnderTest))]
    public void EveryRestoreOutputTypeHasATableView(string name)
    {
        var cmdlet = ModuleUnderTest.Cmdlet(name);
        var tableTypes = Format.Value.Descendants("View")
            .Where(v => v.Descendants("TableControl").Any())
            .SelectMany(v => v.Element("ViewSelectedBy")?.Elements("TypeName") ?? Enumerable.Empty<XElement>())
            .Select(t => t.Value.Trim())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var output in cmdlet.OutputTypes.Where(o => o.AssemblyName?.StartsWith("Restore.", StringComparison.Ordinal) == true))
        {
            Assert.True(tableTypes.Contains(output.TypeFullName), $"{name} outputs {output.TypeFullName}, which has no table view in module/Restore.Format.ps1xml.");
        }
    }

    private static string ViewName(XElement table) => (string?)table.Ancestors("View").First().Element("Name") ?? "a view";
}

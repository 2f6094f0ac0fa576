using System;
using System.Linq;
using Restore.HelpBuilder.Metadata;
using Xunit;

namespace Restore.PowerShell.Tests.Surface;

/// <summary>The parameter-set rules themselves, on hand-made cmdlets (notation below).</summary>
public class ParameterSetRulesTests
{
    // Each parameter: "Name:Set[!][@position][|][*]" with several sets separated by '+';
    // '!' mandatory, '@n' position, '|' ValueFromPipeline, '*' ValueFromRemainingArguments; Set "All" = every set.
    private static CmdletMetadata Cmdlet(string? defaultSet, params string[] parameters) =>
        new(
            "Get",
            "Thing",
            "Test.GetThing",
            defaultSet,
            false,
            "Medium",
            false,
            null,
            Array.Empty<OutputTypeMetadata>(),
            parameters.Select(Parameter).ToList());

    private static ParameterMetadata Parameter(string spec)
    {
        var name = spec.Split(':')[0];
        var sets = spec.Split(':')[1].Split('+').Select(s =>
        {
            var setName = new string(s.TakeWhile(char.IsLetterOrDigit).ToArray());
            var at = s.IndexOf('@', StringComparison.Ordinal);
            int? position = at < 0 ? null : int.Parse(new string(s.Skip(at + 1).TakeWhile(char.IsDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);
            return new ParameterSetMembership(
                setName == "All" ? CmdletMetadata.AllParameterSets : setName,
                s.Contains('!', StringComparison.Ordinal),
                position,
                s.Contains('|', StringComparison.Ordinal),
                false,
                s.Contains('*', StringComparison.Ordinal),
                false);
        }).ToList();
        return new ParameterMetadata(name, "System.String", "String", false, Array.Empty<string>(), false, null, Array.Empty<string>(), false, sets);
    }

    [Theory]
    [InlineData(null, new[] { "Name:All@0", "Path:All" })]
    [InlineData("Path", new[] { "Name:All@0", "Path:Path!", "Bucket:S3!" })]
    [InlineData("Path", new[] { "Name:Path@0+S3@0", "Path:Path!", "Bucket:S3!", "Region:S3" })]
    [InlineData("Name", new[] { "Name:Name!@0", "InputObject:Object!|" })]
    [InlineData("A", new[] { "X:A+B", "Y:B!" })]
    public void SoundCmdletsHaveNoProblems(string? defaultSet, string[] parameters)
    {
        Assert.Empty(ParameterSetRules.Problems(Cmdlet(defaultSet, parameters)));
    }

    [Theory]
    [InlineData(null, new[] { "Name:All@0", "Path:All@0" }, "position 0 is taken by -Name and -Path")]
    [InlineData("A", new[] { "Name:A@1", "Other:A@1", "X:B!" }, "set 'A': position 1")]
    [InlineData("A", new[] { "Rest:A*", "More:A*", "X:B!" }, "more than one parameter takes the remaining arguments")]
    [InlineData("Nope", new[] { "X:A!", "Y:B!" }, "DefaultParameterSetName 'Nope' is not a set")]
    [InlineData(null, new[] { "X:A!", "Y:B!" }, "no DefaultParameterSetName")]
    [InlineData("A", new[] { "X:A+B", "Y:A+B" }, "no call can select 'B'")]
    [InlineData("B", new[] { "X:A+B", "Y:B" }, "no call can select 'A'")]
    [InlineData("A", new[] { "X:A|+B", "Y:A|", "Z:B!" }, "both take whole pipeline objects")]
    [InlineData("A", new[] { "X:A+A", "Y:B!" }, "more than one [Parameter] for set 'A'")]
    public void ProblemsAreFoundAndNamed(string? defaultSet, string[] parameters, string expected)
    {
        var problems = ParameterSetRules.Problems(Cmdlet(defaultSet, parameters));
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}

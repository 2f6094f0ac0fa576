using System;
using System.Linq;
using Restore.HelpBuilder.About;
using Restore.HelpBuilder.Markdown;
using Xunit;

namespace Restore.PowerShell.Tests.Help;

/// <summary>The markdown subset our help pages use, and the platyPS page parser.</summary>
public class MarkdownTests
{
    internal const string WidgetPage = """
        ---
        external help file: Fixture.Cmdlets.dll-Help.xml
        Module Name: Fixture
        online version: https://example.test/get-widget
        schema: 2.0.0
        ---

        # Get-Widget

        ## SYNOPSIS
        Gets widgets.

        ## SYNTAX

        ### ByName (Default)
        ```
        Get-Widget [[-Name] <String[]>] [<CommonParameters>]
        ```

        ## DESCRIPTION
        The `Get-Widget` cmdlet gets **widgets**
        from the store.

        It never changes them:
        - it reads only
        - it is fast

        ## EXAMPLES

        ### Example 1: Get every widget
        ```powershell
        Get-Widget
        ```

        Gets all widgets.

        ### Example 2: Two steps
        Before the code.
        ```powershell
        $w = Get-Widget -Name big*
        ```
        ```powershell
        $w | Remove-Widget
        ```

        Removes the big ones.

        ## PARAMETERS

        ### -Name
        Names to get. Wildcards are permitted.

        ```yaml
        Type: String[]
        Default value: All widgets
        ```

        ### -Id
        The widget id.

        ### -Color
        Only widgets of this color.

        ### -Force
        Gets hidden widgets too.

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String
        Names, by property name.

        ## OUTPUTS

        ### System.String
        Widget names.

        ## NOTES
        Widgets are imaginary.

        ## RELATED LINKS

        [Remove-Widget](Remove-Widget.md)

        [Widget site](https://example.test/widgets)
        """;

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("the `Get-Backup` cmdlet", "the Get-Backup cmdlet")]
    [InlineData("**bold** and __strong__", "bold and strong")]
    [InlineData("see [about_Restore](about_Restore.md)", "see about_Restore")]
    [InlineData("see [Velero](https://velero.io/docs)", "see Velero (https://velero.io/docs)")]
    [InlineData("\\<CommonParameters\\>", "<CommonParameters>")]
    public void InlineMarkupBecomesPlainText(string markdown, string expected)
    {
        Assert.Equal(expected, MarkdownText.Inline(markdown));
    }

    [Fact]
    public void ParagraphsListsAndCodeBecomeSeparateParagraphs()
    {
        var paragraphs = MarkdownText.ToParagraphs("First line\nsecond line.\n\n- one\n- two\n  continued\n\n1. first\n\n```powershell\nGet-Backup\n  -Path x\n```\n");
        Assert.Equal(
            new[] { "First line second line.", "- one", "- two continued", "1. first", "    Get-Backup\n      -Path x" },
            paragraphs);
    }

    [Fact]
    public void WrapKeepsWithinTheWidthAndIndents()
    {
        var lines = MarkdownText.Wrap("aaa bbb ccc ddd eee", 11, "  - ", "    ").ToList();
        Assert.Equal(new[] { "  - aaa bbb", "    ccc ddd", "    eee" }, lines);
        Assert.All(lines, l => Assert.True(l.Length <= 11));
    }

    [Fact]
    public void PageSectionsAreRead()
    {
        var page = CommandHelpParser.Parse(WidgetPage, "Get-Widget.md");
        Assert.Equal("Get-Widget", page.Name);
        Assert.Equal("https://example.test/get-widget", page.FrontMatter["online version"]);
        Assert.Equal("Gets widgets.", page.Synopsis);
        Assert.Equal("The Get-Widget cmdlet gets widgets from the store.", MarkdownText.ToParagraphs(page.Description)[0]);
        Assert.Equal(new[] { "Name", "Id", "Color", "Force" }, page.Parameters.Select(p => p.Name));
        Assert.True(page.MentionsCommonParameters);
        Assert.Equal("Names to get. Wildcards are permitted.", page.FindParameter("name")!.Description);
        Assert.Equal("All widgets", page.FindParameter("Name")!.Yaml["Default value"]);
        Assert.Equal("System.String", Assert.Single(page.Inputs).TypeName);
        Assert.Equal("Widget names.", Assert.Single(page.Outputs).Description);
        Assert.Equal("Widgets are imaginary.", page.Notes);
        Assert.Equal(new[] { ("Remove-Widget", (string?)null), ("Widget site", "https://example.test/widgets") }, page.RelatedLinks.Select(l => (l.Text, l.Uri)));
    }

    [Fact]
    public void ExamplesSplitCodeFromRemarks()
    {
        var page = CommandHelpParser.Parse(WidgetPage, "Get-Widget.md");
        Assert.Equal(2, page.Examples.Count);
        Assert.Equal("Example 1: Get every widget", page.Examples[0].Title);
        Assert.Equal("Get-Widget", page.Examples[0].Code);
        Assert.Equal("Gets all widgets.", page.Examples[0].Remarks);
        Assert.Equal("$w = Get-Widget -Name big*\n\n$w | Remove-Widget", page.Examples[1].Code);
        Assert.Equal("Before the code.\n\nRemoves the big ones.", page.Examples[1].Remarks);
    }

    [Theory]
    [InlineData("SYNOPSIS")]
    [InlineData("EXAMPLES")]
    [InlineData("RELATED LINKS")]
    public void MissingSectionsAreRejected(string section)
    {
        var broken = WidgetPage.Replace("## " + section + "\n", string.Empty, StringComparison.Ordinal);
        var error = Assert.Throws<HelpFormatException>(() => CommandHelpParser.Parse(broken, "Get-Widget.md"));
        Assert.Contains("Get-Widget.md", error.Message, StringComparison.Ordinal);
        Assert.Contains($"missing section(s) '## {section}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedSectionsAreRejected()
    {
        var error = Assert.Throws<HelpFormatException>(() => CommandHelpParser.Parse(WidgetPage + "\n## NOTES\nAgain.\n", "Get-Widget.md"));
        Assert.Contains("out of order or repeated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("### -Id\n", "### Id\n", "must be '### -Name'")]
    [InlineData("## NOTES\n", "## NOTE\n", "unknown section")]
    [InlineData("# Get-Widget\n", "", "no '# Verb-Noun' title")]
    [InlineData("### -Force\n", "### -Name\n", "documented twice")]
    [InlineData("## INPUTS\n\n", "## INPUTS\nstray text\n", "before its first '### ' heading")]
    public void MalformedPagesAreRejectedWithTheProblem(string find, string replace, string expectedMessage)
    {
        var broken = WidgetPage.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(WidgetPage, broken);
        var error = Assert.Throws<HelpFormatException>(() => CommandHelpParser.Parse(broken, "Get-Widget.md"));
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeadingsInsideCodeBlocksAreCode()
    {
        var page = CommandHelpParser.Parse(
            WidgetPage.Replace("Get-Widget\n```\n\nGets all widgets.", "# not a title\n## not a section\nGet-Widget\n```\n\nGets all widgets.", StringComparison.Ordinal),
            "Get-Widget.md");
        Assert.Equal("# not a title\n## not a section\nGet-Widget", page.Examples[0].Code);
    }

    [Fact]
    public void AboutTopicIsIndentedWrappedPlainText()
    {
        const string About = """
            # about_Widget

            ## SHORT DESCRIPTION
            Widgets, `briefly`.

            ## LONG DESCRIPTION
            A long paragraph that goes on and on about widgets until it has to wrap onto a second line of text.

            ### Colors
            - red
            - blue

            ```powershell
            Get-Widget
            ```

            | Name | Meaning |
            |------|---------|
            | a | first |
            """;
        var text = AboutTopicWriter.Convert(About, "about_Widget.md");
        Assert.Equal(
            "TOPIC\n    about_Widget\n\nSHORT DESCRIPTION\n    Widgets, briefly.\n\nLONG DESCRIPTION\n" +
            "    A long paragraph that goes on and on about widgets until it has to wrap onto\n    a second line of text.\n\n" +
            "  Colors\n    - red\n    - blue\n\n        Get-Widget\n\n    Name  Meaning\n    a     first\n",
            text);
    }

    [Theory]
    [InlineData("# Widgets\n\n## SHORT DESCRIPTION\nx\n\n## LONG DESCRIPTION\ny\n", "must start with '# about_Name'")]
    [InlineData("# about_Widget\n\n## LONG DESCRIPTION\ny\n", "SHORT DESCRIPTION")]
    public void AboutPagesNeedTitleAndDescriptions(string markdown, string expectedMessage)
    {
        var error = Assert.Throws<HelpFormatException>(() => AboutTopicWriter.Convert(markdown, "about_Widget.md"));
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }
}

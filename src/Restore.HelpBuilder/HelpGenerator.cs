using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Restore.HelpBuilder.About;
using Restore.HelpBuilder.Maml;
using Restore.HelpBuilder.Markdown;
using Restore.HelpBuilder.Metadata;

namespace Restore.HelpBuilder;

/// <summary>What <see cref="HelpGenerator.Generate"/> produced.</summary>
public sealed class HelpGenerationResult
{
    /// <summary>Creates a result.</summary>
    public HelpGenerationResult(XDocument maml, IReadOnlyDictionary<string, string> aboutTopics, IReadOnlyList<string> warnings)
    {
        Maml = maml;
        AboutTopics = aboutTopics;
        Warnings = warnings;
    }

    /// <summary>The MAML document for the cmdlet assembly.</summary>
    public XDocument Maml { get; }

    /// <summary>File name (<c>about_X.help.txt</c>) to text.</summary>
    public IReadOnlyDictionary<string, string> AboutTopics { get; }

    /// <summary>Gaps that do not stop the build (the surface tests fail on them instead).</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>Reads docs/ and the cmdlet metadata, and writes the module's help files.</summary>
public static class HelpGenerator
{
    /// <summary>The MAML file name PowerShell looks for next to a binary module's assembly.</summary>
    public static string MamlFileName(string cmdletAssemblyPath) => Path.GetFileName(cmdletAssemblyPath) + "-Help.xml";

    /// <summary>
    /// True for a command help page: platyPS front matter naming the external help file. docs/ also holds about_
    /// topics and plain documents (benchmarks, dependencies, velero-compatibility), whose names may have a dash too.
    /// </summary>
    public static bool IsCommandPage(string path)
    {
        using var reader = new StreamReader(path);
        if (reader.ReadLine()?.Trim() != "---")
        {
            return false;
        }

        for (var line = reader.ReadLine(); line is not null && line.Trim() != "---"; line = reader.ReadLine())
        {
            if (line.StartsWith("external help file:", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads every command page (<see cref="IsCommandPage"/>) in <paramref name="docsDirectory"/>, keyed by command name.</summary>
    /// <exception cref="HelpFormatException">A page is malformed, or its title does not match its file name.</exception>
    public static IReadOnlyDictionary<string, CommandHelpDocument> ReadCommandPages(string docsDirectory)
    {
        var pages = new Dictionary<string, CommandHelpDocument>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(docsDirectory, "*.md").OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase) || !IsCommandPage(file))
            {
                continue;
            }

            var page = CommandHelpParser.ParseFile(file);
            if (!string.Equals(page.Name, name, StringComparison.Ordinal))
            {
                throw new HelpFormatException($"{file}: the title '# {page.Name}' does not match the file name '{name}'.");
            }

            pages[name] = page;
        }

        return pages;
    }

    /// <summary>Builds the MAML for <paramref name="cmdlets"/> and the about topics from <paramref name="docsDirectory"/>.</summary>
    public static HelpGenerationResult Generate(string docsDirectory, IReadOnlyList<CmdletMetadata> cmdlets)
    {
        if (!Directory.Exists(docsDirectory))
        {
            throw new DirectoryNotFoundException($"The docs folder '{docsDirectory}' does not exist.");
        }

        var pages = ReadCommandPages(docsDirectory);
        var warnings = new List<string>();
        foreach (var cmdlet in cmdlets)
        {
            if (!pages.TryGetValue(cmdlet.Name, out var page))
            {
                warnings.Add($"{cmdlet.Name} has no page docs/{cmdlet.Name}.md; its help has syntax only.");
                continue;
            }

            foreach (var parameter in cmdlet.Parameters.Where(p => page.FindParameter(p.Name) is null))
            {
                warnings.Add($"docs/{cmdlet.Name}.md has no '### -{parameter.Name}' section.");
            }

            foreach (var documented in page.Parameters.Where(d => !cmdlet.Parameters.Any(p => string.Equals(p.Name, d.Name, StringComparison.OrdinalIgnoreCase))))
            {
                warnings.Add($"docs/{cmdlet.Name}.md documents -{documented.Name}, which {cmdlet.Name} does not have.");
            }
        }

        foreach (var orphan in pages.Keys.Where(k => !cmdlets.Any(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase))))
        {
            warnings.Add($"docs/{orphan}.md documents a cmdlet the assembly does not contain; it is left out of the help.");
        }

        var about = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(docsDirectory, "about_*.md").OrderBy(f => f, StringComparer.Ordinal))
        {
            about[Path.GetFileNameWithoutExtension(file) + ".help.txt"] = AboutTopicWriter.Convert(File.ReadAllText(file), file);
        }

        return new HelpGenerationResult(MamlWriter.Build(cmdlets, pages), about, warnings);
    }

    /// <summary>Writes the MAML file and the about topics into <paramref name="outputDirectory"/> (UTF-8, LF).</summary>
    public static IReadOnlyList<string> Write(HelpGenerationResult result, string mamlFileName, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        var mamlPath = Path.Combine(outputDirectory, mamlFileName);
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using (var writer = XmlWriter.Create(mamlPath, settings))
        {
            result.Maml.Save(writer);
        }

        written.Add(mamlPath);
        foreach (var (fileName, text) in result.AboutTopics)
        {
            var path = Path.Combine(outputDirectory, fileName);
            File.WriteAllText(path, text, new UTF8Encoding(false));
            written.Add(path);
        }

        return written;
    }
}

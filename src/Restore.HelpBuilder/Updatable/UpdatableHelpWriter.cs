using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Restore.HelpBuilder.Markdown;

namespace Restore.HelpBuilder.Updatable;

/// <summary>What one module's updatable help is: the module, its help version and where the help is served.</summary>
public sealed class UpdatableHelpModule
{
    /// <summary>Creates a description.</summary>
    public UpdatableHelpModule(string name, Guid guid, Version version, string helpInfoUri)
    {
        Name = name;
        Guid = guid;
        Version = version;
        HelpInfoUri = helpInfoUri;
    }

    /// <summary>The module name (Restore).</summary>
    public string Name { get; }

    /// <summary>The module GUID from the manifest.</summary>
    public Guid Guid { get; }

    /// <summary>The help version (UICultureVersion), four parts.</summary>
    public Version Version { get; }

    /// <summary>The manifest's HelpInfoURI; also where the content archives are (HelpContentURI).</summary>
    public string HelpInfoUri { get; }
}

/// <summary>
/// Writes what Update-Help and Save-Help download: <c>&lt;Module&gt;_&lt;GUID&gt;_HelpInfo.xml</c> and, per culture,
/// <c>&lt;Module&gt;_&lt;GUID&gt;_&lt;culture&gt;_HelpContent.zip</c> (what PowerShell reads on Linux and macOS) and
/// <c>..._HelpContent.cab</c> (what it reads on Windows). Both archives hold the culture folder's files flat: the
/// MAML and about_ topics, nothing else (Update-Help refuses other file types).
/// </summary>
public static class UpdatableHelpWriter
{
    /// <summary>The namespace of HelpInfo.xml.</summary>
    public static readonly XNamespace HelpInfoNs = "http://schemas.microsoft.com/powershell/help/2010/05";

    // A fixed stamp keeps the zip the same for the same files.
    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The HelpInfo.xml file name PowerShell asks for.</summary>
    public static string HelpInfoFileName(UpdatableHelpModule module) =>
        string.Create(CultureInfo.InvariantCulture, $"{module.Name}_{module.Guid:D}_HelpInfo.xml");

    /// <summary>The content archive name without its extension (.zip on Unix, .cab on Windows).</summary>
    public static string ContentBaseName(UpdatableHelpModule module, string culture) =>
        string.Create(CultureInfo.InvariantCulture, $"{module.Name}_{module.Guid:D}_{culture}_HelpContent");

    /// <summary>
    /// Writes HelpInfo.xml and the two archives for every culture folder given (culture name, folder of help files)
    /// into <paramref name="outputDirectory"/>. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Write(UpdatableHelpModule module, IReadOnlyList<(string Culture, string Directory)> cultures, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(cultures);
        if (cultures.Count == 0)
        {
            throw new ArgumentException("No culture folder was given.", nameof(cultures));
        }

        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        foreach (var (culture, directory) in cultures)
        {
            var files = Directory.GetFiles(directory)
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (Name: Path.GetFileName(f), Content: File.ReadAllBytes(f)))
                .ToList();
            var invalid = files.Where(f => !f.Name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && !f.Name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)).ToList();
            if (files.Count == 0 || invalid.Count > 0)
            {
                throw new HelpFormatException(files.Count == 0
                    ? $"The help folder '{directory}' is empty."
                    : $"Update-Help accepts only .xml and .txt files; '{directory}' also holds {string.Join(", ", invalid.Select(f => f.Name))}.");
            }

            var baseName = Path.Combine(outputDirectory, ContentBaseName(module, culture));
            WriteZip(baseName + ".zip", files);
            CabinetWriter.Write(baseName + ".cab", files);
            written.Add(baseName + ".zip");
            written.Add(baseName + ".cab");
        }

        var helpInfo = Path.Combine(outputDirectory, HelpInfoFileName(module));
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using (var writer = XmlWriter.Create(helpInfo, settings))
        {
            HelpInfo(module, cultures.Select(c => c.Culture)).Save(writer);
        }

        written.Add(helpInfo);
        return written;
    }

    /// <summary>The HelpInfo.xml document (schema: PowerShell's UpdatableHelpSystem).</summary>
    public static XDocument HelpInfo(UpdatableHelpModule module, IEnumerable<string> cultures)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                HelpInfoNs + "HelpInfo",
                new XElement(HelpInfoNs + "HelpContentURI", module.HelpInfoUri),
                new XElement(
                    HelpInfoNs + "SupportedUICultures",
                    cultures.Select(c => new XElement(
                        HelpInfoNs + "UICulture",
                        new XElement(HelpInfoNs + "UICultureName", c),
                        new XElement(HelpInfoNs + "UICultureVersion", module.Version.ToString()))))));
    }

    private static void WriteZip(string path, IReadOnlyList<(string Name, byte[] Content)> files)
    {
        using var stream = File.Create(path);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var (name, content) in files)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
            entry.LastWriteTime = EntryTime;
            using var entryStream = entry.Open();
            entryStream.Write(content);
        }
    }
}

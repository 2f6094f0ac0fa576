using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using Restore.HelpBuilder.Updatable;
using Restore.TestSupport;
using Xunit;

namespace Restore.PowerShell.Tests.Help;

/// <summary>
/// Updatable help as Update-Help reads it: HelpInfo.xml, the .zip PowerShell opens on Linux and macOS, and the
/// cabinet it opens on Windows, written by our own MS-CAB writer (checked here against the format, and against
/// cabextract and gcab where they are installed).
/// </summary>
public class UpdatableHelpTests
{
    private static readonly Guid ModuleGuid = Guid.Parse("6f0b9c52-3f0d-4e0c-9d84-1c1b0f0f2a6e");

    // Three blocks' worth of text that compresses, a file of bytes that does not, and a small one.
    private static List<(string Name, byte[] Content)> SampleFiles()
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < 80_000; i++)
        {
            text.Append("<maml:para>Line ").Append(i).Append(" of the help.</maml:para>\n");
        }

        var noise = new byte[40_000];
        new Random(7).NextBytes(noise);
        return new List<(string, byte[])>
        {
            ("Restore.PowerShell.dll-Help.xml", Encoding.UTF8.GetBytes(text.ToString())),
            ("about_Restore.help.txt", Encoding.UTF8.GetBytes("TOPIC\n    about_Restore\n")),
            ("noise.txt", noise),
        };
    }

    private static string NewFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "restore-updatable-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    [Fact]
    public void CabinetFollowsTheFormatAndHoldsTheFiles()
    {
        var files = SampleFiles();
        var stream = new MemoryStream();
        CabinetWriter.Write(stream, files);
        var cab = stream.ToArray();

        // CFHEADER
        Assert.Equal("MSCF", Encoding.ASCII.GetString(cab, 0, 4));
        Assert.Equal((uint)cab.Length, U32(cab, 8));
        var filesOffset = (int)U32(cab, 16);
        Assert.Equal(3, cab[24]);
        Assert.Equal(1, cab[25]);
        Assert.Equal(1, U16(cab, 26));
        Assert.Equal(files.Count, U16(cab, 28));
        Assert.Equal(0, U16(cab, 30));

        // CFFOLDER: MSZIP
        var dataOffset = (int)U32(cab, 36);
        var blockCount = U16(cab, 40);
        Assert.Equal(1, U16(cab, 42));
        Assert.Equal(44, filesOffset);

        // CFFILE entries
        var entries = new List<(string Name, int Size, int Offset)>();
        var at = filesOffset;
        for (var i = 0; i < files.Count; i++)
        {
            var size = (int)U32(cab, at);
            var offset = (int)U32(cab, at + 4);
            Assert.Equal(0, U16(cab, at + 8));
            var end = Array.IndexOf(cab, (byte)0, at + 16);
            entries.Add((Encoding.UTF8.GetString(cab, at + 16, end - at - 16), size, offset));
            at = end + 1;
        }

        Assert.Equal(dataOffset, at);

        // CFDATA blocks: checksum, at most 32 KiB each, "CK" and a deflate stream of their own.
        var folder = new MemoryStream();
        for (var i = 0; i < blockCount; i++)
        {
            var compressedSize = U16(cab, at + 4);
            var uncompressedSize = U16(cab, at + 6);
            Assert.InRange(uncompressedSize, 1, 32768);
            Assert.Equal(ReferenceChecksum(cab, at + 4, compressedSize), U32(cab, at));
            Assert.Equal((byte)'C', cab[at + 8]);
            Assert.Equal((byte)'K', cab[at + 9]);
            using var inflate = new DeflateStream(new MemoryStream(cab, at + 10, compressedSize - 2), CompressionMode.Decompress);
            var block = new MemoryStream();
            inflate.CopyTo(block);
            Assert.Equal(uncompressedSize, (int)block.Length);
            block.WriteTo(folder);
            at += 8 + compressedSize;
        }

        Assert.Equal(cab.Length, at);
        Assert.True(blockCount >= 4, $"{blockCount} blocks for 120 KB");
        var data = folder.ToArray();
        for (var i = 0; i < files.Count; i++)
        {
            Assert.Equal(files[i].Name, entries[i].Name);
            Assert.Equal(files[i].Content.Length, entries[i].Size);
            Assert.Equal(files[i].Content, data.AsSpan(entries[i].Offset, entries[i].Size).ToArray());
        }

        Assert.Equal(files.Sum(f => f.Content.Length), data.Length);
    }

    [ToolFact("cabextract")]
    public void CabextractExtractsTheCabinet()
    {
        var files = SampleFiles();
        var folder = NewFolder();
        var cab = Path.Combine(folder, "help.cab");
        CabinetWriter.Write(cab, files);
        var outDir = Path.Combine(folder, "out");

        var (exitCode, output) = Run(ToolLocator.Find("cabextract")!, "-d", outDir, cab);

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("checksum", output, StringComparison.OrdinalIgnoreCase);
        foreach (var (name, content) in files)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(outDir, name)));
        }
    }

    [ToolFact("gcab")]
    public void GcabExtractsTheCabinet()
    {
        var files = SampleFiles();
        var folder = NewFolder();
        var cab = Path.Combine(folder, "help.cab");
        CabinetWriter.Write(cab, files);
        var outDir = Path.Combine(folder, "out");
        Directory.CreateDirectory(outDir);

        var (exitCode, output) = Run(ToolLocator.Find("gcab")!, "-x", "-C", outDir, cab);

        Assert.True(exitCode == 0, output);
        foreach (var (name, content) in files)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(outDir, name)));
        }
    }

    [Fact]
    public void WritesHelpInfoAndBothArchivesUnderTheNamesPowerShellAsksFor()
    {
        var help = NewFolder();
        foreach (var (name, content) in SampleFiles().Take(2))
        {
            File.WriteAllBytes(Path.Combine(help, name), content);
        }

        var outDir = NewFolder();
        var module = new UpdatableHelpModule("Restore", ModuleGuid, new Version(0, 1, 0, 0), "https://example.test/help/");
        var written = UpdatableHelpWriter.Write(module, new[] { ("en-US", help) }, outDir);

        var prefix = "Restore_6f0b9c52-3f0d-4e0c-9d84-1c1b0f0f2a6e_";
        Assert.Equal(
            new[] { prefix + "HelpInfo.xml", prefix + "en-US_HelpContent.cab", prefix + "en-US_HelpContent.zip" },
            written.Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));

        var info = XDocument.Load(Path.Combine(outDir, prefix + "HelpInfo.xml"));
        XNamespace ns = "http://schemas.microsoft.com/powershell/help/2010/05";
        Assert.Equal(ns + "HelpInfo", info.Root!.Name);
        Assert.Equal("https://example.test/help/", info.Root.Element(ns + "HelpContentURI")!.Value);
        var culture = info.Root.Element(ns + "SupportedUICultures")!.Element(ns + "UICulture")!;
        Assert.Equal("en-US", culture.Element(ns + "UICultureName")!.Value);
        Assert.Equal("0.1.0.0", culture.Element(ns + "UICultureVersion")!.Value);

        using var zip = ZipFile.OpenRead(Path.Combine(outDir, prefix + "en-US_HelpContent.zip"));
        Assert.Equal(new[] { "Restore.PowerShell.dll-Help.xml", "about_Restore.help.txt" }, zip.Entries.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void RefusesFilesUpdateHelpWouldReject()
    {
        var help = NewFolder();
        File.WriteAllText(Path.Combine(help, "about_Restore.help.txt"), "TOPIC");
        File.WriteAllText(Path.Combine(help, "Restore.dll"), "MZ");
        var module = new UpdatableHelpModule("Restore", ModuleGuid, new Version(0, 1, 0, 0), "https://example.test/help/");

        var error = Assert.Throws<Restore.HelpBuilder.Markdown.HelpFormatException>(() => UpdatableHelpWriter.Write(module, new[] { ("en-US", help) }, NewFolder()));

        Assert.Contains("Restore.dll", error.Message, StringComparison.Ordinal);
    }

    // MS-CAB's checksum written out from the format description: XOR of little-endian 32-bit words over the data,
    // the 0-3 bytes left over shifted in from the high end; the data block's checksum then covers its two size fields.
    private static uint ReferenceChecksum(byte[] cab, int sizesAt, int compressedSize)
    {
        static uint Sum(ReadOnlySpan<byte> bytes, uint seed)
        {
            var sum = seed;
            var whole = bytes.Length / 4 * 4;
            for (var i = 0; i < whole; i += 4)
            {
                sum ^= BitConverter.ToUInt32(bytes.Slice(i, 4));
            }

            uint rest = 0;
            foreach (var b in bytes.Slice(whole))
            {
                rest = (rest << 8) | b;
            }

            return sum ^ rest;
        }

        var data = Sum(cab.AsSpan(sizesAt + 4, compressedSize), 0);
        return Sum(cab.AsSpan(sizesAt, 4), data);
    }

    private static int U16(byte[] bytes, int at) => bytes[at] | (bytes[at + 1] << 8);

    private static uint U32(byte[] bytes, int at) => (uint)(U16(bytes, at) | (U16(bytes, at + 2) << 16));

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"{file} did not finish in a minute.");
        return (process.ExitCode, output.Result + error.Result);
    }
}

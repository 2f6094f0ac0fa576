using System;
using System.Collections.Generic;
using System.IO;
using Restore.HelpBuilder.Markdown;
using Restore.HelpBuilder.Metadata;
using Restore.HelpBuilder.Updatable;

namespace Restore.HelpBuilder;

/// <summary>
/// Entry point: <c>--docs DIR --assembly DLL --out DIR [--reference PATH]...</c> writes the module's help;
/// <c>--updatable-help --module NAME --guid GUID --version VERSION --help-info-uri URI --culture NAME=DIR... --out DIR</c>
/// packs the help folders for Update-Help.
/// </summary>
public static class Program
{
    private const string Usage = "usage: Restore.HelpBuilder --docs DIR --assembly DLL --out DIR [--reference FILE-OR-DIR]...";
    private const string UpdatableUsage = "usage: Restore.HelpBuilder --updatable-help --module NAME --guid GUID --version VERSION --help-info-uri URI --culture NAME=DIR... --out DIR";

    /// <summary>Writes the module's help files. Exit code 0 on success, 1 on a docs or assembly problem, 2 on bad arguments.</summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "--updatable-help")
        {
            return WriteUpdatableHelp(args[1..]);
        }

        string? docs = null;
        string? assembly = null;
        string? outDir = null;
        var references = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"Restore.HelpBuilder: '{args[i]}' needs a value. {Usage}");
                return 2;
            }

            switch (args[i])
            {
                case "--docs": docs = args[++i]; break;
                case "--assembly": assembly = args[++i]; break;
                case "--out": outDir = args[++i]; break;
                case "--reference": references.Add(args[++i]); break;
                default:
                    Console.Error.WriteLine($"Restore.HelpBuilder: unknown argument '{args[i]}'. {Usage}");
                    return 2;
            }
        }

        if (docs is null || assembly is null || outDir is null)
        {
            Console.Error.WriteLine($"Restore.HelpBuilder: --docs, --assembly and --out are required. {Usage}");
            return 2;
        }

        try
        {
            using var reader = CmdletAssemblyReader.Open(assembly, references);
            var cmdlets = reader.ReadCmdlets();
            var result = HelpGenerator.Generate(docs, cmdlets);
            foreach (var warning in result.Warnings)
            {
                // Plain text, not MSBuild's "warning XX:" format: gaps are the surface tests' job to fail on.
                Console.WriteLine("Restore.HelpBuilder: note: " + warning);
            }

            var written = HelpGenerator.Write(result, HelpGenerator.MamlFileName(assembly), outDir);
            Console.WriteLine($"Restore.HelpBuilder: help for {cmdlets.Count} cmdlet(s) written to {string.Join(", ", written)}");
            return 0;
        }
        catch (Exception e) when (e is HelpFormatException or IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("Restore.HelpBuilder: error: " + e.Message);
            return 1;
        }
    }

    private static int WriteUpdatableHelp(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var cultures = new List<(string Culture, string Directory)>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || args[i] is not ("--module" or "--guid" or "--version" or "--help-info-uri" or "--culture" or "--out"))
            {
                Console.Error.WriteLine($"Restore.HelpBuilder: unexpected argument '{args[i]}'. {UpdatableUsage}");
                return 2;
            }

            if (args[i] == "--culture")
            {
                var parts = args[i + 1].Split('=', 2);
                if (parts.Length != 2 || parts[0].Length == 0)
                {
                    Console.Error.WriteLine($"Restore.HelpBuilder: --culture takes NAME=DIR, not '{args[i + 1]}'. {UpdatableUsage}");
                    return 2;
                }

                cultures.Add((parts[0], parts[1]));
            }
            else
            {
                values[args[i]] = args[i + 1];
            }
        }

        if (!values.TryGetValue("--module", out var name) || !values.TryGetValue("--out", out var outDir) || cultures.Count == 0 ||
            !values.TryGetValue("--guid", out var guidText) || !Guid.TryParse(guidText, out var guid) ||
            !values.TryGetValue("--version", out var versionText) || !Version.TryParse(versionText, out var version) ||
            !values.TryGetValue("--help-info-uri", out var uri) || !Uri.TryCreate(uri, UriKind.Absolute, out _))
        {
            Console.Error.WriteLine($"Restore.HelpBuilder: every argument is required, with a GUID, a version and an absolute URI. {UpdatableUsage}");
            return 2;
        }

        // UICultureVersion has four parts; PowerShell compares it with the installed help's.
        var helpVersion = new Version(version.Major, version.Minor, Math.Max(version.Build, 0), Math.Max(version.Revision, 0));
        try
        {
            var written = UpdatableHelpWriter.Write(new UpdatableHelpModule(name, guid, helpVersion, uri), cultures, outDir);
            Console.WriteLine($"Restore.HelpBuilder: updatable help written: {string.Join(", ", written)}");
            return 0;
        }
        catch (Exception e) when (e is HelpFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("Restore.HelpBuilder: error: " + e.Message);
            return 1;
        }
    }
}

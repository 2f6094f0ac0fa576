using System;
using System.Collections.Generic;
using System.IO;
using Restore.HelpBuilder.Markdown;
using Restore.HelpBuilder.Metadata;

namespace Restore.HelpBuilder;

/// <summary>Entry point: <c>--docs DIR --assembly DLL --out DIR [--reference PATH]...</c>.</summary>
public static class Program
{
    private const string Usage = "usage: Restore.HelpBuilder --docs DIR --assembly DLL --out DIR [--reference FILE-OR-DIR]...";

    /// <summary>Writes the module's help files. Exit code 0 on success, 1 on a docs or assembly problem, 2 on bad arguments.</summary>
    public static int Main(string[] args)
    {
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
}

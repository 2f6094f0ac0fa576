using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace Restore.TestSupport;

/// <summary>
/// A storage server from npm run with node on 127.0.0.1 (s3rver, Azurite, the Cloud Storage emulator): started in its
/// package folder, ready once a line of its output names the port, drained so it never blocks on a full pipe, and killed
/// on dispose with the data folder it was given deleted.
/// </summary>
internal sealed class NodeServerProcess : IDisposable
{
    private readonly Process process;
    private readonly string? dataDirectory;

    private NodeServerProcess(Process process, string? dataDirectory, int port)
    {
        this.process = process;
        this.dataDirectory = dataDirectory;
        Port = port;
    }

    /// <summary>The port its output named.</summary>
    public int Port { get; }

    /// <summary>Starts <c>node</c> and waits until the server says which port it listens on.</summary>
    /// <param name="what">The server's name, for the error when it does not start.</param>
    /// <param name="packageDirectory">The npm package folder it runs in.</param>
    /// <param name="arguments">node's arguments: the script, then the server's own.</param>
    /// <param name="listening">Matches the line that names the port (group 2).</param>
    /// <param name="timeout">How long to wait for that line.</param>
    /// <param name="dataDirectory">A folder the server keeps its data in, deleted with it; null for none.</param>
    /// <exception cref="InvalidOperationException">It did not start within <paramref name="timeout"/>.</exception>
    public static NodeServerProcess Start(string what, string packageDirectory, IEnumerable<string> arguments, Regex listening, TimeSpan timeout, string? dataDirectory = null)
    {
        var start = new ProcessStartInfo(ToolLocator.Find("node", "NODE") ?? throw new InvalidOperationException("'node' was not found on PATH or in $NODE."))
        {
            WorkingDirectory = packageDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var readLine = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                var match = listening.Match(line);
                if (match.Success)
                {
                    return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                }
            }

            return -1;
        });
        if (!readLine.Wait(timeout) || readLine.Result <= 0)
        {
            new NodeServerProcess(process, dataDirectory, 0).Dispose();
            var error = stderr.IsCompleted ? stderr.Result : "(no output)";
            throw new InvalidOperationException($"{what} did not start within {timeout.TotalSeconds:0} s: {error}");
        }

        _ = Task.Run(() => process.StandardOutput.ReadToEnd());
        return new NodeServerProcess(process, dataDirectory, readLine.Result);
    }

    /// <summary>
    /// Why such a server cannot run here, or null: node missing, or <paramref name="installedFile"/> missing because
    /// <c>npm ci</c> has not run in <paramref name="packageFolder"/> (tests/&lt;folder&gt;).
    /// </summary>
    public static string? UnavailableReason(string what, string installedFile, string packageFolder, string tests)
    {
        if (ToolLocator.Find("node", "NODE") is null)
        {
            return $"'node' was not found on PATH or in $NODE; install Node.js and run 'npm ci' in tests/{packageFolder} to run the {tests}.";
        }

        return File.Exists(installedFile)
            ? null
            : $"{what} is not installed ({installedFile} is missing); run 'npm ci' in tests/{packageFolder} to run the {tests}.";
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
        if (dataDirectory is not null)
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

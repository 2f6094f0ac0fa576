using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Restore.TestSupport;

namespace Restore.Engine.Tests.ApiServer;

/// <summary>What a kubectl invocation did.</summary>
public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// Runs the real kubectl against a test server with its own kubeconfig, cache and HOME in a temp
/// directory, so nothing is read from or written to ~/.kube.
/// </summary>
public sealed class KubectlRunner : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo directory;

    public KubectlRunner(TestApiServer.TestApiServer server, KubeconfigAuth auth = KubeconfigAuth.Token)
    {
        directory = System.IO.Directory.CreateTempSubdirectory("kubectl-");
        KubeconfigPath = Path.Combine(directory.FullName, "kubeconfig");
        server.WriteKubeconfig(KubeconfigPath, auth);
    }

    /// <summary>One kubeconfig for several servers (contexts &lt;cluster&gt;-token and &lt;cluster&gt;-cert each).</summary>
    public KubectlRunner(IReadOnlyList<TestApiServer.TestApiServer> servers)
    {
        directory = System.IO.Directory.CreateTempSubdirectory("kubectl-");
        KubeconfigPath = Path.Combine(directory.FullName, "kubeconfig");
        TestApiServer.TestApiServer.WriteKubeconfig(KubeconfigPath, servers);
    }

    public string KubeconfigPath { get; }

    public string Directory => directory.FullName;

    /// <summary>Writes a manifest next to the kubeconfig and returns its path (kubectl echoes it in errors).</summary>
    public string Manifest(string name, string yaml)
    {
        var path = Path.Combine(directory.FullName, name);
        File.WriteAllText(path, yaml.ReplaceLineEndings("\n"));
        return path;
    }

    public async Task<KubectlResult> RunAsync(params string[] args)
    {
        var kubectl = ToolLocator.Find("kubectl", "KUBECTL") ?? throw new InvalidOperationException("kubectl is not available.");
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory.FullName,
        };
        start.Environment.Remove("KUBECONFIG");
        start.Environment["HOME"] = directory.FullName;
        start.Environment["USERPROFILE"] = directory.FullName;
        // Our flags go before a "--" (kubectl exec passes everything after it to the command).
        var all = new List<string>(args);
        var dashes = all.IndexOf("--");
        all.InsertRange(dashes < 0 ? all.Count : dashes, new[] { "--kubeconfig", KubeconfigPath, "--cache-dir", Path.Combine(directory.FullName, "cache") });
        foreach (var arg in all)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s.");
        }

        return new KubectlResult(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
    }

    public void Dispose()
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}

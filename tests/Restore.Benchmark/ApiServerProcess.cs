using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Restore.TestApiServer;

namespace Restore.Benchmark;

/// <summary>
/// A fresh test API server in a child process of its own (<c>api-server</c> mode), with a per-request latency.
/// A separate process keeps the server's allocations and GC pauses out of the client being measured; both still
/// share the machine's cores. The child stops when its standard input closes.
/// </summary>
public sealed class ApiServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private Task<string>? output;

    private ApiServerProcess(Process process, string kubeconfig, string server)
    {
        this.process = process;
        Kubeconfig = kubeconfig;
        Server = server;
    }

    /// <summary>Path of the kubeconfig (token context current).</summary>
    public string Kubeconfig { get; }

    /// <summary>https://127.0.0.1:port.</summary>
    public string Server { get; }

    /// <summary>What the server handled, by Kubernetes verb ("create 1,000, get 12, ..."); set by <see cref="DisposeAsync"/>.</summary>
    public string? Requests { get; private set; }

    /// <summary>Starts a server with <paramref name="latencyMs"/> added to every request and waits until it listens.</summary>
    public static async Task<ApiServerProcess> StartAsync(int latencyMs, string scratch)
    {
        var kubeconfig = Path.Combine(scratch, "kubeconfig-" + Guid.NewGuid().ToString("N"));
        var start = ChildProcess.StartInfo("api-server", new[] { "--latency-ms", latencyMs.ToString(CultureInfo.InvariantCulture), "--kubeconfig", kubeconfig });
        start.RedirectStandardInput = true;
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync();
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            var error = await process.StandardError.ReadToEndAsync();
            process.Kill();
            process.Dispose();
            throw new InvalidOperationException("the test API server did not start: " + line + error);
        }

        // Drain the child's output so a chatty server can never block on a full pipe; its last line is the request summary.
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new ApiServerProcess(process, kubeconfig, line.Substring("listening ".Length)) { output = output };
    }

    /// <summary>The child side: hosts the server until standard input closes.</summary>
    public static async Task<int> HostAsync(string[] args)
    {
        var latency = int.Parse(ChildProcess.Value(args, "--latency-ms") ?? "0", CultureInfo.InvariantCulture);
        var kubeconfig = ChildProcess.Value(args, "--kubeconfig") ?? throw new ArgumentException("--kubeconfig is required");

        // The journal only feeds the request count printed at the end (a few hundred bytes per request).
        await using var server = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions { JournalCapacity = 1_000_000 });
        server.Knobs.Latency = TimeSpan.FromMilliseconds(latency);
        server.WriteKubeconfig(kubeconfig);
        Console.WriteLine("listening " + server.Server);
        await Console.In.ReadToEndAsync();
        var entries = server.Journal.Entries;
        var byVerb = entries.GroupBy(e => e.Verb.Length == 0 ? "discovery" : e.StatusCode >= 400 ? e.Verb + " (" + e.StatusCode.ToString(CultureInfo.InvariantCulture) + ")" : e.Verb)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} {g.Count():N0}");
        Console.WriteLine($"{entries.Count:N0} requests: " + string.Join(", ", byVerb));
        return 0;
    }

    /// <summary>Stops the server and deletes its kubeconfig.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            process.StandardInput.Close();
            using var wait = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(wait.Token);
            Requests = (await output!).TrimEnd().Split('\n')[^1].Trim();
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }

        process.Dispose();
        File.Delete(Kubeconfig);
    }
}

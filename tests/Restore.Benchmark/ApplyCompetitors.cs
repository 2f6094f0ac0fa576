using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;

namespace Restore.Benchmark;

/// <summary>The outcome of one apply run.</summary>
/// <param name="Items">Objects the run tried to create.</param>
/// <param name="Created">Objects the server confirmed.</param>
/// <param name="Seconds">Wall-clock time of the run, start to finish.</param>
/// <param name="Note">How the run was set up, or what went wrong.</param>
/// <param name="PeakWorkingSet">The client process's peak working set, when measured (0 otherwise).</param>
/// <param name="Requests">What the server handled during the run, by verb.</param>
/// <param name="Phases">Where our restore's time went (seconds per phase), when measured.</param>
public sealed record ApplyResult(long Items, long Created, double Seconds, string Note, long PeakWorkingSet = 0, string? Requests = null, string? Phases = null)
{
    /// <summary>Created objects per second.</summary>
    public double ItemsPerSecond => Created / Seconds;
}

/// <summary>
/// The ceiling: the planned objects POSTed to their collection URLs by a bare HttpClient, namespaces first, then
/// everything else with a bounded number of requests in flight. HTTP/1.1 with keep-alive, TLS trusting the cluster's
/// CA, the bearer token. No ordering by tier, no retries, no rate limit, no record: what the server and the loopback
/// connection allow.
/// </summary>
public static class RawPostCeiling
{
    /// <summary>POSTs every object; 201 counts as created.</summary>
    public static async Task<ApplyResult> RunAsync(IReadOnlyList<PlannedObject> objects, string kubeconfig, int concurrency)
    {
        var settings = KubeConfig.Load(kubeconfig, null);
        using var ca = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(settings.CertificateAuthorityData!));
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 leaf && ChainsTo(leaf, ca),
            },
        };
        using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = settings.Server, DefaultRequestVersion = new Version(1, 1) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Credentials.Token);

        var namespaces = objects.Where(o => o.Resource == "namespaces" && o.Group.Length == 0).ToList();
        var rest = objects.Where(o => !(o.Resource == "namespaces" && o.Group.Length == 0)).ToList();
        var created = 0L;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        foreach (var batch in new[] { namespaces, rest })
        {
            var next = -1;
            var workers = Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, batch.Count))).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < batch.Count)
                {
                    var o = batch[i];
                    using var content = new ByteArrayContent(o.Json);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await client.PostAsync(o.CollectionPath, content);
                    await response.Content.ReadAsByteArrayAsync();
                    if ((int)response.StatusCode == 201)
                    {
                        Interlocked.Increment(ref created);
                    }
                    else
                    {
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} for {o.CollectionPath}/{o.Name}", null);
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers);
        }

        return new ApplyResult(objects.Count, created, clock.Elapsed.TotalSeconds, firstError ?? $"{concurrency} requests in flight");
    }

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}

/// <summary><c>kubectl create -f &lt;folder&gt; --recursive</c>: one process, one object at a time, as an admin would script it.</summary>
public static class KubectlCreate
{
    /// <summary>Why kubectl cannot run, or null.</summary>
    public static string? UnavailableReason()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(Kubectl, "version --client") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            probe.StandardOutput.ReadToEnd();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : "kubectl version --client failed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "kubectl not found (set KUBECTL or put it on PATH)";
        }
    }

    /// <summary>The kubectl client version line, for the report.</summary>
    public static string Version()
    {
        using var probe = Process.Start(new ProcessStartInfo(Kubectl, "version --client") { RedirectStandardOutput = true })!;
        var text = probe.StandardOutput.ReadToEnd();
        probe.WaitForExit();
        return text.Split('\n')[0].Replace("Client Version: ", string.Empty, StringComparison.Ordinal).Trim();
    }

    /// <summary>Creates everything under <paramref name="folder"/>; <paramref name="items"/> is the number of manifests.</summary>
    public static async Task<ApplyResult> RunAsync(string folder, int items, string kubeconfig, string cacheDirectory)
    {
        var start = new ProcessStartInfo(Kubectl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--kubeconfig", kubeconfig, "--cache-dir", cacheDirectory, "create", "-f", folder, "--recursive" })
        {
            start.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var created = 0L;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.EndsWith(" created", StringComparison.Ordinal))
            {
                created++;
            }
        }

        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var error = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return new ApplyResult(items, created, seconds, error ?? "one object at a time");
    }

    private static string Kubectl => Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } path ? path : "kubectl";
}

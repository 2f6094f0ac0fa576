using System;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;

// Usage: EngineClient [--kubeconfig <path>] [--context <name>]
// Without --kubeconfig the loader reads KUBECONFIG (or ~/.kube/config), as the cmdlets do.
// Prints one line: "OK user=<name>" or "FAIL <type>: <message>".
namespace Restore.DependencyProbes.EngineClient;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var kubeconfig = Arg(args, "--kubeconfig");
        var context = Arg(args, "--context");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            var settings = KubeConfig.Load(kubeconfig, context);
            using var client = new KubernetesClient(settings, new KubernetesClientOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });
            // A read that needs authentication, then the identity the server saw.
            var namespaces = new ApiResourceInfo(string.Empty, "v1", "namespaces", "Namespace", namespaced: false);
            await client.GetAsync(namespaces, null, "default", timeout.Token).ConfigureAwait(false);
            var who = await client.WhoAmIAsync(timeout.Token).ConfigureAwait(false);
            Console.WriteLine($"OK user={who.UserName}");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine("FAIL " + Describe(ex));
            return 1;
        }
    }

    private static string? Arg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && args[at + 1].Length > 0 ? args[at + 1] : null;
    }

    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var text = ex.GetType().Name + ": " + ex.Message + (ReferenceEquals(inner, ex) ? string.Empty : " <- " + inner.GetType().Name + ": " + inner.Message);
        return text.Replace('\n', ' ').Replace('\r', ' ');
    }
}

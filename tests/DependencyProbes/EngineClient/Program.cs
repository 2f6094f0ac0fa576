using System;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Kubernetes;

// Usage: EngineClient [--kubeconfig <path>] [--context <name>]
// Without --kubeconfig the loader reads KUBECONFIG (or ~/.kube/config), as the cmdlets do.
namespace Restore.DependencyProbes.EngineClient;

internal static class Program
{
    private static Task<int> Main(string[] args) => ProbeClient.RunAsync(args, async (kubeconfig, context, cancellationToken) =>
    {
        var settings = KubeConfig.Load(kubeconfig, context);
        using var client = new KubernetesClient(settings, new KubernetesClientOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });
        // A read that needs authentication, then the identity the server saw.
        var namespaces = new ApiResourceInfo(string.Empty, "v1", "namespaces", "Namespace", namespaced: false);
        await client.GetAsync(namespaces, null, "default", cancellationToken).ConfigureAwait(false);
        var who = await client.WhoAmIAsync(cancellationToken).ConfigureAwait(false);
        return $"user={who.UserName}";
    });
}

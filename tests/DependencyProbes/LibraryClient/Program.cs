using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;

// Usage: LibraryClient [--kubeconfig <path>] [--context <name>]
// Without either it calls BuildDefaultConfig (KUBECONFIG, else ~/.kube/config, else in-cluster).
namespace Restore.DependencyProbes.LibraryClient;

internal static class Program
{
    private static Task<int> Main(string[] args) => ProbeClient.RunAsync(args, async (kubeconfig, context, cancellationToken) =>
    {
        var config = kubeconfig is null && context is null
            ? KubernetesClientConfiguration.BuildDefaultConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context);
        var versions = new ResponseVersionRecorder();
        using var client = new Kubernetes(config, versions);
        // The same two calls as EngineClient: an authenticated read, then who the server saw.
        await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: cancellationToken).ConfigureAwait(false);
        var review = await client.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return $"user={review.Status?.UserInfo?.Username} http={versions.Last}";
    });

    /// <summary>Notes the HTTP version of each answer (1.1 or 2.0).</summary>
    private sealed class ResponseVersionRecorder : DelegatingHandler
    {
        public Version? Last { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Last = response.Version;
            return response;
        }
    }
}

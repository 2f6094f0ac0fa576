using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;

// Usage: LibraryClient [--kubeconfig <path>] [--context <name>]
// Without --kubeconfig it calls BuildDefaultConfig (KUBECONFIG, else ~/.kube/config, else in-cluster).
// Prints one line: "OK user=<name> http=<version>" or "FAIL <type>: <message>".
namespace Restore.DependencyProbes.LibraryClient;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var kubeconfig = Arg(args, "--kubeconfig");
        var context = Arg(args, "--context");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            var config = kubeconfig is null && context is null
                ? KubernetesClientConfiguration.BuildDefaultConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context);
            var versions = new ResponseVersionRecorder();
            using var client = new Kubernetes(config, versions);
            // The same two calls as EngineClient: an authenticated read, then who the server saw.
            await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: timeout.Token).ConfigureAwait(false);
            var review = await client.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: timeout.Token).ConfigureAwait(false);
            Console.WriteLine($"OK user={review.Status?.UserInfo?.Username} http={versions.Last}");
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

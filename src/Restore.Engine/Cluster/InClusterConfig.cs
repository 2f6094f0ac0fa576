using System;
using System.IO;

namespace Restore.Engine.Cluster;

/// <summary>Service-account configuration for a process running in a pod.</summary>
internal static class InClusterConfig
{
    public static bool IsAvailable(KubeConfigEnvironment environment) =>
        !string.IsNullOrEmpty(environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT"))
        && File.Exists(Path.Combine(environment.ServiceAccountDirectory, "token"));

    public static ClusterConnectionSettings Load(KubeConfigEnvironment environment)
    {
        var host = environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("In-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which are set only inside a Kubernetes pod.");
        }

        var directory = environment.ServiceAccountDirectory;
        var tokenFile = Path.Combine(directory, "token");
        if (!File.Exists(tokenFile))
        {
            throw new KubeConfigException($"In-cluster configuration needs the service account token at '{tokenFile}'; is automountServiceAccountToken disabled for this pod?");
        }

        var caFile = Path.Combine(directory, "ca.crt");
        var caData = File.Exists(caFile) ? KubeConfigSettingsBuilder.ReadFile(caFile, "In-cluster CA") : null;
        var namespaceFile = Path.Combine(directory, "namespace");
        var ns = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : null;

        // An IPv6 service address needs brackets in a URL.
        var hostPart = host!.IndexOf(':') >= 0 && !host.StartsWith("[", StringComparison.Ordinal) ? "[" + host + "]" : host;
        if (!Uri.TryCreate("https://" + hostPart + ":" + port, UriKind.Absolute, out var server))
        {
            throw new KubeConfigException($"KUBERNETES_SERVICE_HOST '{host}' and KUBERNETES_SERVICE_PORT '{port}' do not form a valid URL.");
        }

        return new ClusterConnectionSettings
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(ns) ? null : ns,
            CertificateAuthorityData = caData,
            CertificateAuthorityFile = caData is null ? null : caFile,
            Credentials = new ClusterCredentials { TokenFile = tokenFile },
            IsInCluster = true,
        };
    }
}

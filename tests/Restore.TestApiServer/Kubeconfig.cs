using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Restore.TestApiServer;

/// <summary>Kubeconfig files for one or more test servers.</summary>
public static class Kubeconfig
{
    /// <summary>
    /// A kubeconfig with, per server, its cluster (server URL and CA), a "&lt;cluster&gt;-token" and a
    /// "&lt;cluster&gt;-cert" context, and their users "&lt;cluster&gt;-&lt;user&gt;".
    /// </summary>
    public static string Yaml(IReadOnlyList<TestApiServer> servers, string currentContext, string? @namespace)
    {
        var duplicate = servers.GroupBy(s => s.Options.ClusterName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two servers are both called '{duplicate.Key}'; give each a distinct ClusterName.", nameof(servers));
        }

        var ns = string.IsNullOrEmpty(@namespace) ? string.Empty : $"    namespace: {@namespace}\n";
        var yaml = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
        foreach (var s in servers)
        {
            yaml.Append($"- name: {s.Options.ClusterName}\n  cluster:\n    server: {s.Server}\n    certificate-authority-data: {Base64(s.CaCertificatePem)}\n");
        }

        yaml.Append("contexts:\n");
        foreach (var s in servers)
        {
            foreach (var (auth, user) in new[] { (KubeconfigAuth.Token, s.TokenUser), (KubeconfigAuth.ClientCertificate, s.ClientCertificateUser) })
            {
                yaml.Append($"- name: {s.ContextName(auth)}\n  context:\n    cluster: {s.Options.ClusterName}\n    user: {s.Options.ClusterName}-{user}\n{ns}");
            }
        }

        yaml.Append($"current-context: {currentContext}\npreferences: {{}}\nusers:\n");
        foreach (var s in servers)
        {
            yaml.Append($"- name: {s.Options.ClusterName}-{s.TokenUser}\n  user:\n    token: {s.Token}\n");
            yaml.Append($"- name: {s.Options.ClusterName}-{s.ClientCertificateUser}\n  user:\n    client-certificate-data: {Base64(s.ClientCertificatePem)}\n    client-key-data: {Base64(s.ClientKeyPem)}\n");
        }

        return yaml.ToString();
    }

    /// <summary>Writes a kubeconfig readable only by the current user (it holds credentials).</summary>
    public static void Write(string path, string yaml)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, yaml);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
}

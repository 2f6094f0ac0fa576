using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Tasks;
using Restore.TestApiServer;

// Runs every scenario with kubectl (the reference), Restore.Engine and KubernetesClient 21.0.8, and
// prints a Markdown table. Usage: KubeProbes [--kubectl <path>]
namespace Restore.DependencyProbes.KubeProbes;

internal static class Program
{
    private const string Kubectl = "kubectl";
    private const string Engine = "Restore.Engine";
    private const string Library = "KubernetesClient 21.0.8";

    private static async Task<int> Main(string[] args)
    {
        var kubectlPath = args.Length >= 2 && args[0] == "--kubectl" ? args[1] : "/usr/bin/kubectl";
        var scratch = Directory.CreateTempSubdirectory("kube-probes-").FullName;
        var freshIdToken = OidcIssuer.Jwt("oidc-user", DateTimeOffset.UtcNow.AddHours(1));
        var options = new TestApiServerOptions();
        options.ExtraTokens["upper-case-context-token"] = "upper-user";
        options.ExtraTokens[freshIdToken] = "oidc-user";
        await using var server = await TestApiServer.TestApiServer.StartAsync(options);
        using var relay = new TlsRelay(IPAddress.Loopback, server.Port);
        using var otherHost = new TlsRelay(IPAddress.Parse("127.0.0.2"), server.Port);
        using var proxy = new ConnectProxy();
        using var issuer = new OidcIssuer(freshIdToken, tokenAtIssuerUrl: false);
        using var lenientIssuer = new OidcIssuer(freshIdToken, tokenAtIssuerUrl: true);
        var runner = new ClientRunner(scratch, kubectlPath);
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(server.CaCertificatePem));
        var viaRelay = "https://" + relay.Address;
        var tokenUser = $"    token: {server.Token}\n";

        var scenarios = new List<Scenario>
        {
            new("Token, kubeconfig CA (control)", Kubeconfig.One(viaRelay, ca, null, tokenUser)),
            new("Client certificate, kubeconfig CA (control)", Kubeconfig.One(viaRelay, ca, null,
                $"    client-certificate-data: {B64(server.ClientCertificatePem)}\n    client-key-data: {B64(server.ClientKeyPem)}\n")),
            new("CA of another cluster", Kubeconfig.One(viaRelay, B64(OtherCaPem()), null, tokenUser)),
            new("Server certificate for another host (server 127.0.0.2; certificate: 127.0.0.1, localhost)", Kubeconfig.One("https://" + otherHost.Address, ca, null, tokenUser)),
            new("Wrong tls-server-name (wrong.example)", Kubeconfig.One(viaRelay, ca, "    tls-server-name: wrong.example\n", tokenUser)),
            new("Right tls-server-name (localhost) for server 127.0.0.2", Kubeconfig.One("https://" + otherHost.Address, ca, "    tls-server-name: localhost\n", tokenUser)),
            new("Context 'prod' asked, only 'Prod' defined", Kubeconfig.Contexts(viaRelay, ca, server.Token, ("Prod", "upper-case-context-token")), Context: "prod"),
            new("Context 'prod' asked, 'Prod' (upper-user) defined before 'prod' (token-user)", Kubeconfig.Contexts(viaRelay, ca, server.Token, ("Prod", "upper-case-context-token"), ("prod", server.Token)), Context: "prod"),
            new("Exec plugin with args [--flag, \"two words\", x]", Kubeconfig.One(viaRelay, ca, null, Kubeconfig.ExecUser(runner.ExecPlugin(server.Token), runner.ArgsFile))),
            new("proxy-url (a CONNECT proxy on loopback)", Kubeconfig.One(viaRelay, ca, $"    proxy-url: {proxy.Url}\n", tokenUser)),
            new("tokenFile (no token)", Kubeconfig.One(viaRelay, ca, null, $"    tokenFile: {runner.WriteFile("token", server.Token)}\n")),
            new("KUBECONFIG=<missing file>:<good file>", Kubeconfig.One(viaRelay, ca, null, tokenUser), KubeconfigListWithMissingFirst: true),
            new("OIDC auth-provider: expired id-token, valid refresh-token (token endpoint at /token, as discovery says)", Kubeconfig.One(viaRelay, ca, null, Kubeconfig.OidcUser(issuer.Url, OidcIssuer.Jwt("oidc-user", DateTimeOffset.UtcNow.AddHours(-1))))),
            new("The same, with a provider that also answers token requests at the issuer URL", Kubeconfig.One(viaRelay, ca, null, Kubeconfig.OidcUser(lenientIssuer.Url, OidcIssuer.Jwt("oidc-user", DateTimeOffset.UtcNow.AddHours(-1))))),
        };

        var results = new List<(Scenario Scenario, Dictionary<string, string> Cells)>();
        foreach (var scenario in scenarios)
        {
            var cells = new Dictionary<string, string>();
            foreach (var client in new[] { Kubectl, Engine, Library })
            {
                var path = runner.WriteFile("kubeconfig", scenario.Yaml);
                var outcome = await runner.Run(client, path, scenario.Context, scenario.KubeconfigListWithMissingFirst);
                var seen = new List<string>();
                var hellos = relay.Take().Concat(otherHost.Take()).ToList();
                if (hellos.Count > 0)
                {
                    var first = hellos[0];
                    seen.Add($"SNI {first.ServerName ?? "none"}, ALPN [{string.Join(",", first.Protocols)}]");
                }

                if (File.Exists(runner.ArgsFile))
                {
                    seen.Add("plugin argv: " + string.Join(" ", File.ReadAllLines(runner.ArgsFile)));
                    File.Delete(runner.ArgsFile);
                }

                var tunnels = proxy.Take();
                if (scenario.Yaml.Contains("proxy-url", StringComparison.Ordinal))
                {
                    seen.Add(tunnels.Count == 0 ? "proxy not used" : $"proxy CONNECT {tunnels[0]} x{tunnels.Count}");
                }

                var hits = issuer.TakeHits().Concat(lenientIssuer.TakeHits()).ToList();
                if (scenario.Yaml.Contains("auth-provider", StringComparison.Ordinal))
                {
                    seen.Add(hits.Count == 0 ? "issuer not asked" : "issuer: " + string.Join("; ", hits.Distinct()));
                }

                cells[client] = outcome + (seen.Count == 0 ? string.Empty : " {" + string.Join("; ", seen) + "}");
            }

            results.Add((scenario, cells));
            Console.Error.WriteLine("done: " + scenario.Name);
        }

        Console.WriteLine($"| Scenario | {Kubectl} | {Engine} | {Library} |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (scenario, cells) in results)
        {
            Console.WriteLine($"| {scenario.Name} | {Cell(cells[Kubectl])} | {Cell(cells[Engine])} | {Cell(cells[Library])} |");
        }

        Directory.Delete(scratch, recursive: true);
        return 0;
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string B64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private static string OtherCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=another-cluster-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    }
}

/// <summary>One probe: a kubeconfig, the context to ask for, and whether to pass it through a KUBECONFIG list.</summary>
internal sealed record Scenario(string Name, string Yaml, string? Context = null, bool KubeconfigListWithMissingFirst = false);

/// <summary>Hand-written kubeconfigs, in the shape kubectl writes them.</summary>
internal static class Kubeconfig
{
    public static string One(string server, string caData, string? clusterExtra, string userBody) =>
        $"apiVersion: v1\nkind: Config\nclusters:\n- name: probe\n  cluster:\n    server: {server}\n    certificate-authority-data: {caData}\n{clusterExtra}"
        + $"users:\n- name: probe-user\n  user:\n{userBody}"
        + "contexts:\n- name: probe\n  context:\n    cluster: probe\n    user: probe-user\ncurrent-context: probe\n";

    public static string Contexts(string server, string caData, string defaultToken, params (string Name, string Token)[] contexts)
    {
        var text = new StringBuilder($"apiVersion: v1\nkind: Config\nclusters:\n- name: probe\n  cluster:\n    server: {server}\n    certificate-authority-data: {caData}\nusers:\n");
        foreach (var (name, token) in contexts)
        {
            text.Append($"- name: user-{name}\n  user:\n    token: {token}\n");
        }

        text.Append("contexts:\n");
        foreach (var (name, _) in contexts)
        {
            text.Append($"- name: {name}\n  context:\n    cluster: probe\n    user: user-{name}\n");
        }

        // A current-context that works, so only the asked-for name decides.
        text.Append($"- name: fallback\n  context:\n    cluster: probe\n    user: user-fallback\ncurrent-context: fallback\n");
        text.Replace("users:\n", $"users:\n- name: user-fallback\n  user:\n    token: {defaultToken}\n");
        return text.ToString();
    }

    public static string ExecUser(string plugin, string argsFile) =>
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
        + $"      command: {plugin}\n"
        + "      args:\n      - --flag\n      - two words\n      - x\n"
        + $"      env:\n      - name: PROBE_ARGS_OUT\n        value: {argsFile}\n"
        + "      interactiveMode: Never\n";

    public static string OidcUser(string issuer, string expiredIdToken) =>
        "    auth-provider:\n      name: oidc\n      config:\n"
        + $"        idp-issuer-url: {issuer}\n        client-id: probe\n        client-secret: probe-secret\n"
        + $"        id-token: {expiredIdToken}\n        refresh-token: refresh-1\n";
}

/// <summary>Runs kubectl and the two .NET clients as child processes with a clean environment.</summary>
internal sealed class ClientRunner
{
    private readonly string scratch;
    private readonly string kubectl;
    private readonly string home;

    public ClientRunner(string scratch, string kubectl)
    {
        this.scratch = scratch;
        this.kubectl = kubectl;
        home = Directory.CreateDirectory(Path.Combine(scratch, "home")).FullName;
        ArgsFile = Path.Combine(scratch, "plugin-args.txt");
    }

    public string ArgsFile { get; }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(scratch, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A shell exec plugin that writes its argument count and each argument in brackets.</summary>
    public string ExecPlugin(string token)
    {
        var path = WriteFile("exec-plugin.sh", "#!/bin/sh\n"
            + "printf '%s\\n' \"$#\" > \"$PROBE_ARGS_OUT\"\n"
            + "for a in \"$@\"; do printf '[%s]\\n' \"$a\" >> \"$PROBE_ARGS_OUT\"; done\n"
            + $"printf '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{token}\"}}}}\\n'\n");
        // The probes run on Linux (a /bin/sh plugin); on Windows this plugin would need a .cmd twin.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    public async Task<string> Run(string client, string kubeconfigPath, string? context, bool viaListWithMissingFirst)
    {
        string? kubeconfigArg = kubeconfigPath;
        string? kubeconfigEnv = null;
        if (viaListWithMissingFirst)
        {
            kubeconfigEnv = Path.Combine(scratch, "missing-kubeconfig") + Path.PathSeparator + kubeconfigPath;
            kubeconfigArg = null;
        }

        if (client == "kubectl")
        {
            var common = new List<string>();
            if (kubeconfigArg is not null)
            {
                common.AddRange(new[] { "--kubeconfig", kubeconfigArg });
            }

            if (context is not null)
            {
                common.AddRange(new[] { "--context", context });
            }

            common.AddRange(new[] { "--request-timeout", "10s", "--cache-dir", Path.Combine(scratch, "kubectl-cache") });
            var (code, output) = await Start(kubectl, common.Concat(new[] { "get", "namespace", "default", "-o", "name" }), kubeconfigEnv);
            if (code != 0)
            {
                return "FAIL " + output;
            }

            (code, output) = await Start(kubectl, common.Concat(new[] { "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}" }), kubeconfigEnv);
            return code == 0 ? "OK user=" + output : "FAIL " + output;
        }

        var dll = ChildDll(client == "Restore.Engine" ? "EngineClient" : "LibraryClient");
        var childArgs = new List<string> { dll };
        if (kubeconfigArg is not null)
        {
            childArgs.AddRange(new[] { "--kubeconfig", kubeconfigArg });
        }

        if (context is not null)
        {
            childArgs.AddRange(new[] { "--context", context });
        }

        var (_, text) = await Start("dotnet", childArgs, kubeconfigEnv);
        return text;
    }

    private static string ChildDll(string name)
    {
        // bin/<Configuration>/net10.0/ of this project, mirrored for the sibling project.
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = baseDirectory.Parent!.Name;
        var probes = baseDirectory.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(probes, name, "bin", configuration, baseDirectory.Name, name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the probes first: " + path);
    }

    private async Task<(int Code, string Output)> Start(string file, IEnumerable<string> args, string? kubeconfigEnv)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing from this machine leaks in: no ~/.kube/config, no proxy variables.
        start.Environment["HOME"] = home;
        foreach (var name in new[] { "KUBECONFIG", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy", "ALL_PROXY", "all_proxy" })
        {
            start.Environment.Remove(name);
        }

        if (kubeconfigEnv is not null)
        {
            start.Environment["KUBECONFIG"] = kubeconfigEnv;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "FAIL timed out after 60 s");
        }

        var output = (await stdout).Trim();
        var errors = (await stderr).Trim();
        var text = output.Length > 0 ? output : errors;
        // kubectl logs each retry before its summary line; the summary is enough.
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
        return (process.ExitCode, lines.Length == 0 ? string.Empty : lines[^1]);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Restore.Engine.Cluster;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class KubeConfigTests
{
    private const string CaPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static KubeConfigEnvironment Env(TempDir home, Dictionary<string, string>? variables = null, string? serviceAccountDir = null) =>
        new(name => variables is not null && variables.TryGetValue(name, out var v) ? v : null, home.Path, serviceAccountDir ?? Path.Combine(home.Path, "no-sa"));

    private static string Config(string? currentContext, string clusters, string users, string contexts) =>
        "apiVersion: v1\nkind: Config\n" + (currentContext is null ? string.Empty : "current-context: " + currentContext + "\n") +
        "clusters:\n" + clusters + "users:\n" + users + "contexts:\n" + contexts;

    private static string Cluster(string name, string server, string extra = "") => $"- name: {name}\n  cluster:\n    server: {server}\n{extra}";

    private static string User(string name, string body) => $"- name: {name}\n  user:\n{body}";

    private static string Context(string name, string cluster, string user, string? ns = null) =>
        $"- name: {name}\n  context:\n    cluster: {cluster}\n    user: {user}\n" + (ns is null ? string.Empty : $"    namespace: {ns}\n");

    [Fact]
    public void LoadsTheCurrentContextFromASingleFile()
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config(
            "prod",
            Cluster("prod-cluster", "https://10.0.0.1:6443", $"    certificate-authority-data: {B64(CaPem)}\n    tls-server-name: kube.internal\n"),
            User("admin", "    token: abc123token\n"),
            Context("prod", "prod-cluster", "admin", "shop")));

        var settings = KubeConfig.Load(path, null);

        Assert.Equal(new Uri("https://10.0.0.1:6443"), settings.Server);
        Assert.Equal("prod", settings.DisplayName);
        Assert.Equal("prod-cluster", settings.ClusterName);
        Assert.Equal("admin", settings.UserEntryName);
        Assert.Equal("shop", settings.Namespace);
        Assert.Equal("kube.internal", settings.TlsServerName);
        Assert.Equal(CaPem, Encoding.UTF8.GetString(settings.CertificateAuthorityData!));
        Assert.Equal(ClusterAuthKind.Token, settings.AuthKind);
        Assert.Equal("abc123token", settings.Credentials.Token);
        Assert.Equal(new[] { path }, settings.SourceFiles);
    }

    [Fact]
    public void MergesSeveralFilesFirstWinsForEveryMap()
    {
        using var dir = new TempDir();
        var first = dir.Write("a", Config(
            null,
            Cluster("shared", "https://first:6443"),
            User("u", "    token: first-token\n"),
            Context("ctx", "shared", "u")));
        var second = dir.Write("b", Config(
            "ctx2",
            Cluster("shared", "https://second:6443") + Cluster("only-second", "https://only-second:6443"),
            User("u", "    token: second-token\n"),
            Context("ctx", "only-second", "u") + Context("ctx2", "only-second", "u")));

        var config = KubeConfig.Read(first + Path.PathSeparator + second);

        // ctx comes from the first file (pointing at 'shared'), whose cluster also comes from the first file.
        var ctx = config.GetConnectionSettings("ctx");
        Assert.Equal("https://first:6443/", ctx.Server.ToString());
        Assert.Equal("first-token", ctx.Credentials.Token);

        // A context from the second file may use entries from either file.
        Assert.Equal("ctx2", config.CurrentContext);
        var ctx2 = config.GetConnectionSettings(null);
        Assert.Equal("https://only-second:6443/", ctx2.Server.ToString());
        Assert.Equal("first-token", ctx2.Credentials.Token);
        Assert.Equal(new[] { "ctx", "ctx2" }, config.ContextNames);
    }

    [Fact]
    public void CurrentContextComesFromTheFirstFileThatSetsIt()
    {
        using var dir = new TempDir();
        var a = dir.Write("a", Config(null, Cluster("c", "https://a"), User("u", "    token: t1tttttt\n"), Context("x", "c", "u") + Context("y", "c", "u") + Context("z", "c", "u")));
        var b = dir.Write("b", Config("y", string.Empty, string.Empty, string.Empty));
        var c = dir.Write("c", Config("z", string.Empty, string.Empty, string.Empty));

        Assert.Equal("y", KubeConfig.Read(string.Join(Path.PathSeparator, a, b, c)).CurrentContext);
        Assert.Equal("z", KubeConfig.Read(string.Join(Path.PathSeparator, a, c, b)).CurrentContext);
    }

    [Fact]
    public void KubeconfigVariableListSkipsMissingFiles()
    {
        using var home = new TempDir();
        var real = home.Write("real", Config("c", Cluster("k", "https://from-env:443"), User("u", "    token: tokentoken\n"), Context("c", "k", "u")));
        var list = string.Join(Path.PathSeparator, Path.Combine(home.Path, "missing"), real);

        var settings = KubeConfig.Load(null, null, Env(home, new() { ["KUBECONFIG"] = list }));

        Assert.Equal("https://from-env/", settings.Server.ToString());
    }

    [Fact]
    public void DefaultsToDotKubeConfigUnderHome()
    {
        using var home = new TempDir();
        home.Write(Path.Combine(".kube", "config"), Config("c", Cluster("k", "https://home:443"), User("u", "    token: tokentoken\n"), Context("c", "k", "u")));

        Assert.Equal("https://home/", KubeConfig.Load(null, null, Env(home)).Server.ToString());
    }

    [Fact]
    public void AnExplicitMissingFileIsAnError()
    {
        using var home = new TempDir();
        var missing = Path.Combine(home.Path, "nope.yaml");

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(missing, null, Env(home)));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal((KubeConfigProblem.NotFound, missing), (error.Problem, error.Subject));
    }

    [Fact]
    public void NoConfigurationAtAllSaysWhereItLooked()
    {
        using var home = new TempDir();

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(null, null, Env(home)));

        Assert.Contains(Path.Combine(home.Path, ".kube", "config"), error.Message, StringComparison.Ordinal);
        Assert.Contains("not running inside a Kubernetes pod", error.Message, StringComparison.Ordinal);
        Assert.Equal((KubeConfigProblem.NotFound, Path.Combine(home.Path, ".kube", "config")), (error.Problem, error.Subject));
    }

    [Fact]
    public void UnknownContextListsTheAvailableOnes()
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config("a", Cluster("k", "https://x"), User("u", "    token: tokentoken\n"), Context("a", "k", "u") + Context("b", "k", "u")));

        var error = Assert.Throws<KubeConfigContextNotFoundException>(() => KubeConfig.Load(path, "prod"));

        Assert.Equal("prod", error.Context);
        Assert.Equal((KubeConfigProblem.ContextNotFound, "prod"), (error.Problem, error.Subject));
        Assert.Equal(new[] { "a", "b" }, error.AvailableContexts);
        Assert.Contains("'prod' was not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("Available contexts: a, b", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCurrentContextAndNoContextGivenListsTheContexts()
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config(null, Cluster("k", "https://x"), User("u", "    token: tokentoken\n"), Context("only", "k", "u")));

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(path, null));

        Assert.Contains("No context selected", error.Message, StringComparison.Ordinal);
        Assert.Contains("only", error.Message, StringComparison.Ordinal);
        Assert.Equal(KubeConfigProblem.Invalid, error.Problem);
    }

    [Theory]
    [InlineData("missing-cluster", "u", "cluster 'missing-cluster'")]
    [InlineData("k", "missing-user", "user 'missing-user'")]
    public void AContextReferringToMissingEntriesIsAnError(string cluster, string user, string expected)
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config("c", Cluster("k", "https://x"), User("u", "    token: tokentoken\n"), Context("c", cluster, user)));

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(path, null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativePathsResolveAgainstTheDefiningFile()
    {
        using var dir = new TempDir();
        using var certificates = new TestCertificates();
        var (cert, key) = certificates.IssueClient("alice", TestKeyForm.RsaPkcs8);
        dir.WriteBytes(Path.Combine("sub", "pki", "ca.crt"), certificates.CaPem);
        dir.WriteBytes(Path.Combine("sub", "pki", "client.crt"), cert);
        dir.WriteBytes(Path.Combine("sub", "pki", "client.key"), key);
        dir.Write(Path.Combine("sub", "token"), "file-token\n");
        var path = dir.Write(Path.Combine("sub", "config"), Config(
            "c",
            Cluster("k", "https://x", "    certificate-authority: pki/ca.crt\n"),
            User("u", "    client-certificate: pki/client.crt\n    client-key: pki/client.key\n    tokenFile: token\n"),
            Context("c", "k", "u")));

        var settings = KubeConfig.Load(path, null);

        Assert.Equal(certificates.CaPem, settings.CertificateAuthorityData);
        Assert.Equal(Path.Combine(dir.Path, "sub", "pki", "ca.crt"), settings.CertificateAuthorityFile);
        Assert.Equal(cert, settings.Credentials.ClientCertificateData);
        Assert.Equal(key, settings.Credentials.ClientKeyData);
        Assert.Equal(Path.Combine(dir.Path, "sub", "token"), settings.Credentials.TokenFile);
        Assert.Equal(ClusterAuthKind.TokenFile, settings.AuthKind);
        Assert.True(settings.Credentials.HasClientCertificate);
    }

    [Fact]
    public void ReadsExecPluginSettings()
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config(
            "c",
            Cluster("k", "https://x", "    insecure-skip-tls-verify: true\n    proxy-url: http://proxy.local:3128\n"),
            User("u", "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args: [\"eks\", \"get-token\", \"--cluster-name\", \"prod\"]\n      env:\n      - name: AWS_PROFILE\n        value: prod\n      provideClusterInfo: true\n      interactiveMode: Never\n      installHint: install the aws cli\n"),
            Context("c", "k", "u")));

        var settings = KubeConfig.Load(path, null);
        var exec = settings.Credentials.Exec!;

        Assert.Equal(ClusterAuthKind.Exec, settings.AuthKind);
        Assert.Equal("aws", exec.Command);
        Assert.Equal(new[] { "eks", "get-token", "--cluster-name", "prod" }, exec.Args);
        Assert.Equal("AWS_PROFILE", Assert.Single(exec.Env).Key);
        Assert.Equal("client.authentication.k8s.io/v1beta1", exec.ApiVersion);
        Assert.True(exec.ProvideClusterInfo);
        Assert.Equal("Never", exec.InteractiveMode);
        Assert.Equal("install the aws cli", exec.InstallHint);
        Assert.Equal(dir.Path, exec.BaseDirectory);
        Assert.True(settings.InsecureSkipTlsVerify);
        Assert.Equal(new Uri("http://proxy.local:3128"), settings.ProxyUrl);
    }

    [Theory]
    [InlineData("    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: x\n", "v1alpha1")]
    [InlineData("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n", "exec.command")]
    [InlineData("    auth-provider:\n      name: gcp\n", "gke-gcloud-auth-plugin")]
    [InlineData("    client-certificate-data: QUJD\n", "no client key")]
    public void RejectsUnusableUserEntries(string body, string expected)
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config("c", Cluster("k", "https://x"), User("u", body), Context("c", "k", "u")));

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(path, null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsesAnOidcIdTokenAsBearerToken()
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config("c", Cluster("k", "https://x"), User("u", "    auth-provider:\n      name: oidc\n      config:\n        id-token: the-id-token\n"), Context("c", "k", "u")));

        Assert.Equal("the-id-token", KubeConfig.Load(path, null).Credentials.Token);
    }

    [Fact]
    public void InvalidBase64NamesTheFieldButNotTheValue()
    {
        using var dir = new TempDir();
        const string canary = "CANARY-SECRET-KEY-VALUE!!";
        var path = dir.Write("config", Config("c", Cluster("k", "https://x"), User("u", $"    client-certificate-data: QUJD\n    client-key-data: {canary}\n"), Context("c", "k", "u")));

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(path, null));

        Assert.Contains("users[u].client-key-data", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(canary, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNamesInOneFileAreAnError()
    {
        using var dir = new TempDir();
        var path = dir.Write("config", Config("c", Cluster("k", "https://x") + Cluster("k", "https://y"), User("u", "    token: tokentoken\n"), Context("c", "k", "u")));

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(path, null));

        Assert.Contains("defines 'k' more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidYamlNamesTheFile()
    {
        using var dir = new TempDir();
        var path = dir.Write("config", "clusters: [\n  - name: x\n  bad");

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Load(path, null));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToStringShowsNoSecrets()
    {
        var settings = new ClusterConnectionSettings
        {
            Server = new Uri("https://api.example:6443"),
            ContextName = "prod",
            ProxyUrl = new Uri("http://user:proxy-password-canary@proxy:3128"),
            Credentials = new ClusterCredentials { Token = "token-canary-1234", Username = "bob", Password = "password-canary", ClientKeyData = Encoding.ASCII.GetBytes("key-canary") },
        };

        var text = settings + " " + settings.Credentials;

        Assert.Contains("prod", text, StringComparison.Ordinal);
        Assert.Contains("Token", text, StringComparison.Ordinal);
        Assert.DoesNotContain("token-canary", text, StringComparison.Ordinal);
        Assert.DoesNotContain("password-canary", text, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy-password-canary", text, StringComparison.Ordinal);
        Assert.DoesNotContain("key-canary", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DisplayNameFallsBackToTheServer()
    {
        var settings = new ClusterConnectionSettings { Server = new Uri("https://10.1.2.3:6443/") };

        Assert.Equal("https://10.1.2.3:6443", settings.DisplayName);
    }

    [Fact]
    public void InClusterConfigurationReadsTheServiceAccountDirectory()
    {
        using var home = new TempDir();
        var sa = Path.Combine(home.Path, "sa");
        home.Write(Path.Combine("sa", "token"), "sa-token\n");
        home.Write(Path.Combine("sa", "ca.crt"), CaPem);
        home.Write(Path.Combine("sa", "namespace"), "velero\n");
        var env = Env(home, new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" }, sa);

        // No kubeconfig exists, so loading falls back to the pod's service account.
        var settings = KubeConfig.Load(null, null, env);

        Assert.True(settings.IsInCluster);
        Assert.Equal("https://10.96.0.1/", settings.Server.ToString());
        Assert.Equal("velero", settings.Namespace);
        Assert.Equal(Path.Combine(sa, "token"), settings.Credentials.TokenFile);
        Assert.Equal(ClusterAuthKind.TokenFile, settings.AuthKind);
        Assert.Equal(CaPem, Encoding.ASCII.GetString(settings.CertificateAuthorityData!));
    }

    [Fact]
    public void InClusterBracketsAnIpv6ServiceAddress()
    {
        using var home = new TempDir();
        var sa = Path.Combine(home.Path, "sa");
        home.Write(Path.Combine("sa", "token"), "sa-token");
        var env = Env(home, new() { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "6443" }, sa);

        Assert.Equal("https://[fd00::1]:6443/", KubeConfig.Load(null, null, env).Server.ToString());
    }

    [Fact]
    public void InClusterWithoutTheTokenIsExplained()
    {
        using var home = new TempDir();
        var env = Env(home, new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" }, Path.Combine(home.Path, "sa"));

        var error = Assert.Throws<KubeConfigException>(() => InClusterConfig.Load(env));

        Assert.Contains("automountServiceAccountToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyKubeconfigInAPodUsesTheServiceAccount()
    {
        using var home = new TempDir();
        home.Write(Path.Combine("sa", "token"), "sa-token");
        home.Write(Path.Combine(".kube", "config"), "apiVersion: v1\nkind: Config\n");
        var env = Env(home, new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" }, Path.Combine(home.Path, "sa"));

        Assert.True(KubeConfig.Load(null, null, env).IsInCluster);
    }

    [Fact]
    public void AKubeconfigWinsOverInCluster()
    {
        using var home = new TempDir();
        home.Write(Path.Combine("sa", "token"), "sa-token");
        home.Write(Path.Combine(".kube", "config"), Config("c", Cluster("k", "https://kubeconfig:443"), User("u", "    token: tokentoken\n"), Context("c", "k", "u")));
        var env = Env(home, new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" }, Path.Combine(home.Path, "sa"));

        var settings = KubeConfig.Load(null, null, env);

        Assert.False(settings.IsInCluster);
        Assert.Equal("https://kubeconfig/", settings.Server.ToString());
    }
}

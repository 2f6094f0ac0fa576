using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

public class ExecPluginTests
{
    private const string V1 = "client.authentication.k8s.io/v1";
    private const string V1Beta1 = "client.authentication.k8s.io/v1beta1";

    /// <summary>Writes a plugin that counts its runs in a file and prints token "exec-token-N".</summary>
    private static ExecCredentialSettings CountingPlugin(TempDir dir, string apiVersion = V1, string? expiration = "2099-01-01T00:00:00Z", string printedApiVersion = "", string sleep = "0")
    {
        var tail = (expiration is null ? string.Empty : $",\"expirationTimestamp\":\"{expiration}\"") + "}}";
        var script = dir.WriteScript("plugin.sh", $$"""
            #!/bin/sh
            echo run >> "{{dir.Path}}/count"
            n=$(wc -l < "{{dir.Path}}/count" | tr -d ' ')
            sleep {{sleep}}
            printf '{"apiVersion":"{{(printedApiVersion.Length > 0 ? printedApiVersion : apiVersion)}}","kind":"ExecCredential","status":{"token":"exec-token-%s"{{tail}}' "$n"
            """);
        return new ExecCredentialSettings { Command = script, ApiVersion = apiVersion };
    }

    private static int Runs(TempDir dir) => File.Exists(Path.Combine(dir.Path, "count")) ? File.ReadAllLines(Path.Combine(dir.Path, "count")).Length : 0;

    private static ExecCredentialProvider Provider(ExecCredentialSettings settings, IKubeClock clock, SecretRedactor? redactor = null) =>
        new(settings, new ClusterConnectionSettings { Server = new Uri("https://k") }, clock, TimeSpan.FromSeconds(30), NullEngineLog.Instance, redactor ?? new SecretRedactor());

    [UnixShellFact]
    public async Task CachesTheCredentialUntilItsExpirationTimestamp()
    {
        using var dir = new TempDir();
        var clock = new FakeClock();
        using var provider = Provider(CountingPlugin(dir, expiration: "2025-01-01T00:10:00Z"), clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("exec-token-1", (await provider.GetAsync(null, CancellationToken.None)).Token);
        }

        Assert.Equal(1, Runs(dir));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("exec-token-2", (await provider.GetAsync(null, CancellationToken.None)).Token);
        Assert.Equal(2, Runs(dir));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 10, 0, TimeSpan.Zero), (await provider.GetAsync(null, CancellationToken.None)).Expiration);
    }

    [UnixShellFact]
    public async Task AnExpiredCredentialIsFetchedAgainEveryTime()
    {
        using var dir = new TempDir();
        using var provider = Provider(CountingPlugin(dir, expiration: "2000-01-01T00:00:00Z"), new FakeClock());

        await provider.GetAsync(null, CancellationToken.None);
        await provider.GetAsync(null, CancellationToken.None);

        Assert.Equal(2, Runs(dir));
    }

    [UnixShellFact]
    public async Task ACredentialWithoutExpirationIsKept()
    {
        using var dir = new TempDir();
        var clock = new FakeClock();
        using var provider = Provider(CountingPlugin(dir, expiration: null), clock);

        await provider.GetAsync(null, CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(365));
        await provider.GetAsync(null, CancellationToken.None);

        Assert.Equal(1, Runs(dir));
    }

    [UnixShellFact]
    public async Task ConcurrentCallersShareOneRun()
    {
        using var dir = new TempDir();
        using var provider = Provider(CountingPlugin(dir, sleep: "0.3"), new FakeClock());

        var tokens = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => provider.GetAsync(null, CancellationToken.None)));

        Assert.All(tokens, t => Assert.Equal("exec-token-1", t.Token));
        Assert.Equal(1, Runs(dir));
    }

    [UnixShellFact]
    public async Task V1AndV1Beta1PluginsAuthenticateRequests()
    {
        foreach (var version in new[] { V1, V1Beta1 })
        {
            using var dir = new TempDir();
            await using var server = await TestKubeServer.StartAsync((context, seen, _) => seen.Authorization == "Bearer exec-token-1"
                ? TestKubeServer.Json(context, 200, TestKubeServer.Object("Pod", "web", "shop"))
                : TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "Unauthorized")));
            using var client = KubernetesClientTests.Client(server, new ClusterCredentials { Exec = CountingPlugin(dir, version) });

            await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);
            await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

            Assert.Equal(1, Runs(dir));
            Assert.Equal(2, server.RequestCount);
        }
    }

    [UnixShellFact]
    public async Task A401RunsThePluginAgainOnce()
    {
        using var dir = new TempDir();
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => seen.Authorization == "Bearer exec-token-2"
            ? TestKubeServer.Json(context, 200, TestKubeServer.Object("Pod", "web", "shop"))
            : TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "Unauthorized")));
        using var client = KubernetesClientTests.Client(server, new ClusterCredentials { Exec = CountingPlugin(dir) });

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal(2, Runs(dir));
        Assert.Equal(new[] { "Bearer exec-token-1", "Bearer exec-token-2" }, server.Requests.Select(r => r.Authorization));
    }

    [UnixShellFact]
    public async Task AWrongApiVersionIsExplained()
    {
        using var dir = new TempDir();
        using var client = new KubernetesClient(
            new ClusterConnectionSettings { Server = new Uri("https://k"), ContextName = "eks", Credentials = new ClusterCredentials { Exec = CountingPlugin(dir, V1, printedApiVersion: V1Beta1) } },
            new KubernetesClientOptions(),
            new StubHandler((_, _) => StubHandler.Json(200, "{}")),
            true);

        var error = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None));

        Assert.Equal("CredentialsFailed", error.Reason);
        Assert.Contains($"returned apiVersion '{V1Beta1}', but the kubeconfig asks for '{V1}'", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("eks: get pods shop/web failed:", error.Message, StringComparison.Ordinal);
    }

    [UnixShellFact]
    public async Task AFailingPluginReportsItsStderrWithoutTokens()
    {
        using var dir = new TempDir();
        const string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXNlY3JldA";
        var script = dir.WriteScript("fail.sh", $"#!/bin/sh\necho \"error: could not refresh {jwt}; header Bearer abcdef123456secret\" >&2\nexit 3\n");
        using var provider = Provider(new ExecCredentialSettings { Command = script }, new FakeClock());

        var error = await Assert.ThrowsAsync<CredentialException>(() => provider.GetAsync(null, CancellationToken.None));

        Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("error: could not refresh", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdef123456secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingCommandShowsTheInstallHint()
    {
        using var provider = Provider(new ExecCredentialSettings { Command = "restore-test-no-such-plugin", InstallHint = "Install it with: brew install no-such-plugin" }, new FakeClock());

        var error = await Assert.ThrowsAsync<CredentialException>(() => provider.GetAsync(null, CancellationToken.None));

        Assert.Contains("restore-test-no-such-plugin", error.Message, StringComparison.Ordinal);
        Assert.Contains("brew install no-such-plugin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InteractiveOnlyPluginsAreRefused()
    {
        using var provider = Provider(new ExecCredentialSettings { Command = "anything", InteractiveMode = "Always" }, new FakeClock());

        var error = await Assert.ThrowsAsync<CredentialException>(() => provider.GetAsync(null, CancellationToken.None));

        Assert.Contains("interactiveMode: Always", error.Message, StringComparison.Ordinal);
    }

    [UnixShellFact]
    public async Task PassesArgumentsEnvironmentAndClusterInfoAndResolvesRelativeCommands()
    {
        using var dir = new TempDir();
        dir.WriteScript(Path.Combine("bin", "plugin.sh"), $$"""
            #!/bin/sh
            for a in "$@"; do echo "arg:$a"; done > "{{dir.Path}}/seen"
            echo "env:$PLUGIN_MODE" >> "{{dir.Path}}/seen"
            echo "$KUBERNETES_EXEC_INFO" > "{{dir.Path}}/info"
            cat "{{dir.Path}}/credential.json"
            """);
        dir.Write("credential.json", "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t-t-t-t\"}}");
        var kubeconfig = dir.Write("config", $"""
            apiVersion: v1
            current-context: c
            clusters:
            - name: k
              cluster:
                server: https://kube.example:6443
                tls-server-name: kube.internal
            users:
            - name: u
              user:
                exec:
                  apiVersion: {V1}
                  command: ./bin/plugin.sh
                  args: ["get-token", "two words", "quote\"d", ""]
                  env:
                  - name: PLUGIN_MODE
                    value: fast
                  provideClusterInfo: true
            contexts:
            - name: c
              context: {"{"}cluster: k, user: u{"}"}
            """);
        var settings = KubeConfig.Load(kubeconfig, null);
        var handler = new StubHandler((_, _) => StubHandler.Json(200, "{}"));
        using var client = new KubernetesClient(settings, new KubernetesClientOptions(), handler, true);

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);

        Assert.Equal(new[] { "arg:get-token", "arg:two words", "arg:quote\"d", "arg:", "env:fast" }, File.ReadAllLines(Path.Combine(dir.Path, "seen")));
        var info = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "info")))!;
        Assert.Equal("ExecCredential", (string?)info["kind"]);
        Assert.False((bool)info["spec"]!["interactive"]!);
        Assert.Equal("https://kube.example:6443", (string?)info["spec"]!["cluster"]!["server"]);
        Assert.Equal("kube.internal", (string?)info["spec"]!["cluster"]!["tls-server-name"]);
        Assert.Equal("Bearer t-t-t-t", Assert.Single(handler.Requests).Request.Headers.Authorization!.ToString());
    }

    [UnixShellFact]
    public async Task AClientCertificateFromThePluginIsUsed()
    {
        using var dir = new TempDir();
        await using var server = await TestKubeServer.StartAsync((context, seen, _) => seen.ClientCertificateTrusted
            ? TestKubeServer.Json(context, 200, TestKubeServer.Object("Pod", "web", "shop"))
            : TestKubeServer.Json(context, 401, TestKubeServer.Status(401, "Unauthorized", "Unauthorized")));
        var (certificate, key) = server.Certificates.IssueClient("exec-user", TestKeyForm.EcP256Pkcs8);
        var credential = new JsonObject
        {
            ["apiVersion"] = V1,
            ["kind"] = "ExecCredential",
            ["status"] = new JsonObject { ["clientCertificateData"] = Encoding.ASCII.GetString(certificate), ["clientKeyData"] = Encoding.ASCII.GetString(key) },
        };
        dir.Write("credential.json", credential.ToJsonString());
        var script = dir.WriteScript("plugin.sh", $"#!/bin/sh\ncat \"{dir.Path}/credential.json\"\n");
        using var client = KubernetesClientTests.Client(server, new ClusterCredentials { Exec = new ExecCredentialSettings { Command = script } });

        await client.GetAsync(Resources.Pods, "shop", "web", CancellationToken.None);
        var identity = await client.WhoAmIAsync(CancellationToken.None);

        var seen = server.Requests.First();
        Assert.Equal("exec-user", seen.ClientCertificateSubject);
        Assert.Null(seen.Authorization);
        Assert.Equal("exec-user", identity.UserName);
    }

    [UnixShellFact]
    public async Task CancellationStopsARunningPluginAndItsChildren()
    {
        using var dir = new TempDir();
        var sleep = "29." + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var provider = Provider(CountingPlugin(dir, sleep: sleep), new FakeClock());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetAsync(null, cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Equal(1, Runs(dir));

        // The script's own child (sleep) must not be left behind.
        var deadline = Stopwatch.StartNew();
        while (SleepersWith(sleep) > 0 && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, SleepersWith(sleep));
    }

    private static int SleepersWith(string argument) => Directory.GetDirectories("/proc")
        .Where(d => int.TryParse(Path.GetFileName(d), out _))
        .Count(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")) == "sleep\0" + argument + "\0";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        });

    [Theory]
    [InlineData("simple", "simple")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("C:\\dir with space\\", "\"C:\\dir with space\\\\\"")]
    [InlineData("a\\\\\"b", "\"a\\\\\\\\\\\"b\"")]
    public void QuotesArgumentsForTheWindowsCommandLine(string argument, string expected)
    {
        Assert.Equal(expected, ExecCredentialProvider.QuoteArgument(argument));
    }
}

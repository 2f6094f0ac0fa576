using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Tests.ApiServer;
using Restore.TestApiServer;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Cluster;

/// <summary>
/// pods/exec: our client's WebSocket channel protocol against the test API server, and the server held honest by
/// the real kubectl exec.
/// </summary>
public sealed class PodExecTests : IAsyncLifetime
{
    private TestApiServer.TestApiServer server = null!;
    private string directory = null!;

    public async Task InitializeAsync()
    {
        server = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions());
        server.Knobs.PodRunningDelay = TimeSpan.Zero;
        directory = Directory.CreateTempSubdirectory("podexec-").FullName;
        server.Store.Seed(new[] { Pod("web", "app", "sidecar") });
        await WaitRunningAsync("web");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData(KubeconfigAuth.Token)]
    [InlineData(KubeconfigAuth.ClientCertificate)]
    public async Task RunsACommandAndReturnsItsOutputAndExitCode(KubeconfigAuth auth)
    {
        server.Knobs.ExecScripts.Add(new ExecScript { Match = "report", Container = "sidecar", Stdout = "line 1\nline 2\n", Stderr = "warning\n", ExitCode = 7 });
        using var client = Client(auth);

        var failed = await client.ExecAsync("shop", "web", "sidecar", new[] { "/bin/sh", "-c", "report --all" }, CancellationToken.None);
        var echoed = await client.ExecAsync("shop", "web", "app", new[] { "echo", "hello", "world" }, CancellationToken.None);

        Assert.Equal((7, "line 1\nline 2\n", "warning\n", (string?)null), (failed.ExitCode, failed.Stdout, failed.Stderr, failed.Failure));
        Assert.False(failed.Succeeded);
        Assert.Equal((0, "hello world\n", string.Empty), (echoed.ExitCode, echoed.Stdout, echoed.Stderr));
        Assert.True(echoed.Succeeded);
        var log = server.Knobs.ExecLog;
        Assert.Equal(new[] { "/bin/sh", "-c", "report --all" }, log[0].Command);
        Assert.Equal("sidecar", log[0].Container);
        Assert.Contains(server.Journal.Entries, e => e.Resource == "pods/exec" && e.StatusCode == 101);
    }

    [Fact]
    public async Task LargeOutputArrivesInLongFramesAndIsCappedAt64KiB()
    {
        var big = new string('x', 200_000);
        server.Knobs.ExecScripts.Add(new ExecScript { Match = "dump", Stdout = big, Stderr = new string('e', 300) });
        using var client = Client(KubeconfigAuth.Token);

        var result = await client.ExecAsync("shop", "web", "app", new[] { "dump" }, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(KubernetesClient.MaxExecOutput, result.Stdout.Length);
        Assert.Equal(new string('e', 300), result.Stderr);
        Assert.True(result.Truncated);
    }

    [Fact]
    public async Task ThePodOrContainerMissingOrNotRunningIsAnApiError()
    {
        server.Knobs.PodRunningDelay = null;
        server.Store.Seed(new[] { Pod("pending", "app") });
        using var client = Client(KubeconfigAuth.Token);

        var missing = await Assert.ThrowsAsync<KubernetesNotFoundException>(() => client.ExecAsync("shop", "nope", "app", new[] { "true" }, CancellationToken.None));
        var badContainer = await Assert.ThrowsAsync<KubernetesApiException>(() => client.ExecAsync("shop", "web", "db", new[] { "true" }, CancellationToken.None));
        var notRunning = await Assert.ThrowsAsync<KubernetesApiException>(() => client.ExecAsync("shop", "pending", "app", new[] { "true" }, CancellationToken.None));

        Assert.Contains("pods \"nope\" not found", missing.Message, StringComparison.Ordinal);
        Assert.Equal(400, badContainer.StatusCode);
        Assert.Contains("container db is not valid for pod web", badContainer.Message, StringComparison.Ordinal);
        Assert.Contains("unable to upgrade connection: container not found (\"app\")", notRunning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForbiddenExecIsRefusedWithTheRbacMessage()
    {
        server.Knobs.Forbid("pods/exec", "create", "shop");
        using var client = Client(KubeconfigAuth.Token);

        var ex = await Assert.ThrowsAsync<KubernetesForbiddenException>(() => client.ExecAsync("shop", "web", "app", new[] { "true" }, CancellationToken.None));

        Assert.Contains("cannot create resource \"pods/exec\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellationStopsWaitingForALongCommand()
    {
        server.Knobs.ExecScripts.Add(new ExecScript { Match = "sleep", Delay = TimeSpan.FromSeconds(30) });
        using var client = Client(KubeconfigAuth.Token);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ExecAsync("shop", "web", "app", new[] { "sleep", "30" }, cts.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task AServerWithAnotherCaIsRefused()
    {
        await using var other = await TestApiServer.TestApiServer.StartAsync(new TestApiServerOptions());
        var path = Path.Combine(directory, "mixed");
        var yaml = server.KubeconfigYaml().Replace(server.Server, other.Server, StringComparison.Ordinal);
        File.WriteAllText(path, yaml);
        using var client = new KubernetesClient(KubeConfig.Load(path, null));

        var ex = await Assert.ThrowsAsync<KubernetesConnectionException>(() => client.ExecAsync("shop", "web", "app", new[] { "true" }, CancellationToken.None));

        Assert.Equal("TlsFailed", ex.Reason);
        Assert.Empty(other.Knobs.ExecLog);
    }

    [Theory]
    [InlineData("{\"metadata\":{},\"status\":\"Success\"}", 0, null)]
    [InlineData("", 0, null)]
    [InlineData("{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"message\":\"command terminated\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"42\"}]}}", 42, null)]
    [InlineData("{\"status\":\"Failure\",\"reason\":\"InternalError\",\"message\":\"exec failed: no such file\"}", -1, "exec failed: no such file")]
    public void ReadsTheStatusChannelAsClientGoDoes(string status, int exitCode, string? failure)
    {
        Assert.Equal((exitCode, failure), KubernetesClient.ParseExecStatus(status));
    }

    [KubectlFact]
    public async Task KubectlExecWorksAgainstTheTestServer()
    {
        server.Knobs.ExecScripts.Add(new ExecScript { Match = "fail-me", Stdout = "partial\n", Stderr = "it broke\n", ExitCode = 3 });
        using var kubectl = new KubectlRunner(server);

        var echo = await kubectl.RunAsync("exec", "-n", "shop", "web", "-c", "app", "--", "echo", "hello", "from", "kubectl");
        var failed = await kubectl.RunAsync("exec", "-n", "shop", "web", "-c", "sidecar", "--", "sh", "-c", "fail-me");
        var defaulted = await kubectl.RunAsync("exec", "-n", "shop", "web", "--", "echo", "x");

        Assert.Equal(new KubectlResult(0, "hello from kubectl\n", string.Empty), echo);
        Assert.Equal(new KubectlResult(3, "partial\n", "it broke\ncommand terminated with exit code 3\n"), failed);
        Assert.Equal(0, defaulted.ExitCode);
        Assert.Equal("x\n", defaulted.Stdout);
        Assert.Contains("Defaulted container \"app\"", defaulted.Stderr, StringComparison.Ordinal);
        Assert.Equal(new[] { "app", "sidecar", "app" }, server.Knobs.ExecLog.Select(e => e.Container));
    }

    private static JsonObject Pod(string name, params string[] containers) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "shop" },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(containers.Select(c => (JsonNode?)new JsonObject { ["name"] = c, ["image"] = "busybox" }).ToArray()) },
    };

    private KubernetesClient Client(KubeconfigAuth auth)
    {
        var path = Path.Combine(directory, "kubeconfig-" + auth);
        server.WriteKubeconfig(path, auth);
        return new KubernetesClient(KubeConfig.Load(path, null));
    }

    private async Task WaitRunningAsync(string name)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((string?)server.Store.Get("pods", "shop", name)?["status"]?["phase"] == "Running")
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"pod {name} did not run");
    }
}

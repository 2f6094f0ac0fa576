using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

/// <summary>Knobs change server-wide behaviour, so these tests run one after another on their own server.</summary>
public class KnobsAndJournalTests : IClassFixture<ApiServerFixture>, IDisposable
{
    private readonly ApiServerFixture fixture;
    private readonly ApiClient api;

    public KnobsAndJournalTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
        api = fixture.Client;
        fixture.Server.Knobs.Reset();
    }

    private ServerKnobs Knobs => fixture.Server.Knobs;

    public void Dispose() => Knobs.Reset();

    [Fact]
    public async Task LatencyDelaysEveryRequest()
    {
        Knobs.Latency = TimeSpan.FromMilliseconds(150);
        var watch = Stopwatch.StartNew();
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default")).Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(140), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(500, "InternalError", null)]
    [InlineData(503, "ServiceUnavailable", 3)]
    [InlineData(429, "TooManyRequests", 2)]
    [InlineData(504, "Timeout", null)]
    public async Task FailNextRequestsWithStatusAndRetryAfter(int code, string reason, int? retryAfter)
    {
        var rule = Knobs.FailRequests(code, retryAfterSeconds: retryAfter, maxCount: 2);
        var first = await api.GetAsync("/api/v1/namespaces/default/configmaps");
        var second = await api.GetAsync("/api/v1/namespaces/default/configmaps");
        var third = await api.GetAsync("/api/v1/namespaces/default/configmaps");

        Assert.Equal(code, first.Status);
        Assert.Equal(code, second.Status);
        Assert.Equal(200, third.Status);
        Assert.Equal(reason, first.Str("reason"));
        Assert.Equal("Status", first.Str("kind"));
        Assert.Equal(retryAfter?.ToString(), first.Message.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        Assert.Equal(retryAfter?.ToString(), first.Str("details", "retryAfterSeconds"));
        Assert.True(rule.FiredCount >= 2);
    }

    [Fact]
    public async Task FaultsFilterByVerbAndResourceAndSpareDiscovery()
    {
        Knobs.FailRequests(503, verb: "create", resource: "configmaps");
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default/configmaps")).Status);
        Assert.Equal(200, (await api.GetAsync("/api/v1")).Status);
        Assert.Equal(201, (await api.PostAsync("/api/v1/namespaces/default/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"fault-filter"}}""")).Status);
        Assert.Equal(503, (await api.PostAsync("/api/v1/namespaces/default/configmaps", ApiClient.ConfigMap("fault-filter", "default"))).Status);
    }

    [Fact]
    public async Task FaultRateIsReproducibleWithASeed()
    {
        async Task<int> Failures()
        {
            Knobs.ClearFaults();
            Knobs.SetRandomSeed(42);
            Knobs.FailRequests(503, rate: 0.3);
            var failures = 0;
            for (var i = 0; i < 40; i++)
            {
                failures += (await api.GetAsync("/api/v1/namespaces/default/configmaps")).Status == 503 ? 1 : 0;
            }

            return failures;
        }

        var first = await Failures();
        Assert.InRange(first, 3, 25);
        Assert.Equal(first, await Failures());
    }

    [Fact]
    public async Task ResetAbortsTheConnection()
    {
        Knobs.ResetConnections(maxCount: 1);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => api.GetAsync("/api/v1/namespaces/default/configmaps"));
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default/configmaps")).Status);
        Assert.Contains(fixture.Server.Journal.Entries, e => e.Fault == "reset" && e.StatusCode == 0);
    }

    [Fact]
    public async Task HangMakesClientsTimeOut()
    {
        Knobs.HangRequests(Timeout.InfiniteTimeSpan, maxCount: 1);
        using var client = fixture.Server.CreateHttpClient();
        client.Timeout = TimeSpan.FromMilliseconds(300);
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => client.GetAsync("/api/v1/namespaces/default/configmaps"));
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default/configmaps")).Status);
    }

    [Fact]
    public async Task ForbiddenSwitchAnswersLikeRbac()
    {
        Knobs.Forbid("configmaps", verb: "create");
        Knobs.Forbid("deployments.apps");
        Knobs.Forbid("namespaces", verb: "delete");

        var create = await api.PostAsync("/api/v1/namespaces/default/configmaps", ApiClient.ConfigMap("denied", "default"));
        Assert.Equal(403, create.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps is forbidden: User \"token-user\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"","reason":"Forbidden","details":{"kind":"configmaps"},"code":403}""",
            create.Body);

        var get = await api.GetAsync("/apis/apps/v1/namespaces/shop/deployments/web");
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"token-user\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"shop\"", get.Str("message"));

        var clusterScoped = await api.DeleteAsync("/api/v1/namespaces/kube-public");
        Assert.Equal("namespaces \"kube-public\" is forbidden: User \"token-user\" cannot delete resource \"namespaces\" in API group \"\" in the namespace \"kube-public\"", clusterScoped.Str("message"));

        Knobs.Forbid("priorityclasses.scheduling.k8s.io", verb: "list");
        var list = await api.GetAsync("/apis/scheduling.k8s.io/v1/priorityclasses");
        Assert.Equal("priorityclasses.scheduling.k8s.io is forbidden: User \"token-user\" cannot list resource \"priorityclasses\" in API group \"scheduling.k8s.io\" at the cluster scope", list.Str("message"));

        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default/configmaps")).Status);
        Knobs.ClearForbidden();
        Assert.Equal(201, (await api.PostAsync("/api/v1/namespaces/default/configmaps", ApiClient.ConfigMap("allowed", "default"))).Status);
    }

    [Fact]
    public async Task ForbiddenSubresourceNamesTheSubresource()
    {
        Knobs.Forbid("deployments.apps/status", verb: "patch");
        var response = await api.PatchAsync("/apis/apps/v1/namespaces/default/deployments/web/status", "{}", "application/merge-patch+json");
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"token-user\" cannot patch resource \"deployments/status\" in API group \"apps\" in the namespace \"default\"", response.Str("message"));
    }

    [Fact]
    public async Task JournalRecordsMethodPathQueryStatusUserAndVerb()
    {
        fixture.Server.Journal.Clear();
        await api.GetAsync("/api/v1/namespaces/default/configmaps?limit=5");
        await api.PostAsync("/api/v1/namespaces/default/configmaps", ApiClient.ConfigMap("journaled", "default"));
        await api.GetAsync("/apis/apps/v1/namespaces/default/deployments/missing");

        var entries = fixture.Server.Journal.Entries;
        Assert.Equal(3, entries.Count);
        Assert.Equal(("GET", "/api/v1/namespaces/default/configmaps", "?limit=5", 200, "token-user", "list", "configmaps"), Tuple(entries[0]));
        Assert.Equal(("POST", "/api/v1/namespaces/default/configmaps", "", 201, "token-user", "create", "configmaps"), Tuple(entries[1]));
        Assert.Equal(("GET", "/apis/apps/v1/namespaces/default/deployments/missing", "", 404, "token-user", "get", "deployments.apps"), Tuple(entries[2]));
        Assert.Equal("missing", entries[2].Name);
        Assert.Equal("default", entries[2].Namespace);
        Assert.True(entries.All(e => e.Time <= DateTimeOffset.UtcNow && e.Duration >= TimeSpan.Zero));
    }

    private static (string, string, string, int, string, string, string) Tuple(JournalEntry e)
        => (e.Method, e.Path, e.Query, e.StatusCode, e.User, e.Verb, e.Resource);
}

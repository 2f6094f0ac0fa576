using System;
using System.Linq;
using System.Threading.Tasks;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>What the restore asks the cluster before planning, and what it leaves out.</summary>
public class ClusterStateReadTests
{
    private static VeleroBackupBuilder TokenSecrets()
    {
        var backup = new VeleroBackupBuilder("b1");
        foreach (var ns in new[] { "shop", "billing", "search" })
        {
            var token = K8s.Secret(ns, "builder-token-abcde", "token", "t");
            token["type"] = "kubernetes.io/service-account-token";
            backup.AddItem("namespaces", string.Empty, ns, K8s.Namespace(ns)).AddItem("secrets", ns, "builder-token-abcde", token);
        }

        return backup;
    }

    private static int Lists(ExecutionHarness h, string resource) =>
        h.Server.Journal.Entries.Count(e => e.Verb == "list" && e.Resource == resource);

    [Fact]
    public async Task AnEmptyClusterIsAskedForItsNamespacesOnceNotForAccountsInEach()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(TokenSecrets());

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-empty"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(1, Lists(h, "namespaces"));
        Assert.Equal(0, Lists(h, "serviceaccounts"));
        Assert.Equal(3, outcomes.Count(o => o.Kind == "Secret" && o.Action == ItemRestoreAction.Created));
    }

    [Fact]
    public async Task AccountsAreReadOnlyInNamespacesThatExistAndStillSkipTheirTokens()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(TokenSecrets());
        h.Seed(K8s.Namespace("shop"));
        h.Seed(K8s.ServiceAccount("shop", "builder"));

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-some"));

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var accountLists = h.Server.Journal.Entries.Where(e => e.Verb == "list" && e.Resource == "serviceaccounts").ToList();
        Assert.Equal("shop", Assert.Single(accountLists).Namespace);
        Assert.Equal(ItemRestoreAction.Skipped, outcomes.Single(o => o.Kind == "Secret" && o.Namespace == "shop").Action);
        Assert.Equal(2, outcomes.Count(o => o.Kind == "Secret" && o.Action == ItemRestoreAction.Created));
    }

    [Fact]
    public async Task WhenNamespacesCannotBeListedEveryNamespaceIsAsked()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(TokenSecrets());
        h.Seed(K8s.Namespace("shop"));
        h.Seed(K8s.ServiceAccount("shop", "builder"));
        h.Server.Knobs.Forbid("namespaces", verb: "list");

        var (result, outcomes) = await ExistingObjectTests.RunAsync(h, h.Request("b1", "r-forbidden"));

        Assert.Equal(3, Lists(h, "serviceaccounts"));
        Assert.Equal(ItemRestoreAction.Skipped, outcomes.Single(o => o.Kind == "Secret" && o.Namespace == "shop").Action);
        Assert.NotEqual(RestorePhase.Failed, result.Phase);
    }
}

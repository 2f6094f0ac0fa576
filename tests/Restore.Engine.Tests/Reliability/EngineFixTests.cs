using System;
using System.Linq;
using Restore.Engine.Planning;
using Restore.Engine.Tests.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Reliability;

/// <summary>Focused tests for engine defects the reliability suite found (the suite's cases show them end to end).</summary>
public class EngineFixTests
{
    [Theory]
    [InlineData("configmaps", "v1", "Secret", "secrets")]
    [InlineData("deployments.apps", "v1", "ConfigMap", "configmaps")]
    [InlineData("serviceaccounts", "rbac.authorization.k8s.io/v1", "Role", "roles.rbac.authorization.k8s.io")]
    public void AnItemWhoseKindDisagreesWithItsDirectoryFailsInsteadOfBeingRestoredByItsKind(string directory, string apiVersion, string kind, string servedAs)
    {
        var backup = new TestBackup()
            .Add("configmaps", K8s.ConfigMap("shop", "good"))
            .AddRaw(
                $"resources/{directory}/namespaces/shop/sneaky.json",
                $$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}","metadata":{"name":"sneaky","namespace":"shop"}}""");

        var plan = Planner.Plan(backup, new RestoreSpec());

        var sneaky = plan.Items.Single(i => i.Name == "sneaky");
        Assert.Equal(PlanDecision.Failed, sneaky.Decision);
        var error = Assert.Single(sneaky.Errors).Text;
        Assert.Contains($"is a {kind} ({servedAs})", error, StringComparison.Ordinal);
        Assert.Contains($"holds {directory}", error, StringComparison.Ordinal);
        Assert.Equal(PlanDecision.Create, plan.Items.Single(i => i.Name == "good").Decision);
    }

    [Theory]
    [InlineData("deploymentz", true)]
    [InlineData("widgets.example.com", true)]
    [InlineData("configmaps", false)]
    [InlineData("cm", false)]
    [InlineData("config*", false)]
    public void AResourceIncludeThatMatchesNothingInTheBackupIsAWarning(string include, bool warned)
    {
        var backup = new TestBackup().Add("configmaps", K8s.ConfigMap("shop", "cfg"));

        var plan = Planner.Plan(backup, new RestoreSpec { IncludedResources = new() { include } });

        var warnings = plan.Results.Warnings.Velero.Where(w => w.Contains("matches no resource in the backup", StringComparison.Ordinal)).ToList();
        Assert.Equal(warned ? 1 : 0, warnings.Count);
    }

    [Fact]
    public void AnItemWhoseKindMatchesItsDirectoryIsStillRestored()
    {
        var backup = new TestBackup().Add("deployments.apps", K8s.Deployment("shop", "web")).Add("secrets", K8s.Secret("shop", "s"));

        var plan = Planner.Plan(backup, new RestoreSpec());

        Assert.All(plan.Items.Where(i => !i.IsNamespace), i => Assert.Equal(PlanDecision.Create, i.Decision));
    }
}

public class BackupPhaseWarningTests
{
    [Theory]
    [InlineData("Completed", null)]
    [InlineData("", null)]
    [InlineData("PartiallyFailed", "the backup b is PartiallyFailed (3 errors while backing up)")]
    [InlineData("Failed", "the backup b has phase Failed, not Completed")]
    [InlineData("InProgress", "the backup b has phase InProgress, not Completed")]
    public void ABackupThatDidNotCompleteCleanlyGetsAWarningNamingItsPhase(string phase, string? expected)
    {
        var warning = Restore.Engine.Execution.RestoreRun.BackupPhaseWarning(new Backup { Name = "b", Phase = phase, Errors = 3 });

        if (expected is null)
        {
            Assert.Null(warning);
        }
        else
        {
            Assert.StartsWith(expected, warning, StringComparison.Ordinal);
        }
    }
}

public sealed class ClaimGivebackTests : IDisposable
{
    private readonly string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "restore-claim-" + Guid.NewGuid().ToString("N"));

    public ClaimGivebackTests() => System.IO.Directory.CreateDirectory(folder);

    public void Dispose() => System.IO.Directory.Delete(folder, recursive: true);

    [Fact]
    public async System.Threading.Tasks.Task AClaimWhoseFirstRecordCannotBeWrittenIsGivenBack()
    {
        using var local = new Restore.Engine.Storage.LocalFolderObjectStore(folder);
        var down = true;
        var faulty = new FaultyObjectStore(local)
        {
            OnWrite = key => down && key.EndsWith("-record.json", StringComparison.Ordinal) ? new Restore.Engine.Storage.StorageException(Restore.Engine.Storage.StorageErrorKind.Unreachable, folder, "down", key) : null,
        };
        var store = new Restore.Engine.Records.RestoreRecordStore(faulty, new Restore.Engine.Storage.ObjectStoreLayout(string.Empty));

        await Assert.ThrowsAsync<Restore.Engine.Storage.StorageException>(() => store.TryClaimAsync(new Restore.Engine.Records.RestoreRecord { Name = "r1" }, System.Threading.CancellationToken.None));
        down = false;

        Assert.Empty(await local.ListKeysAsync("restores/", System.Threading.CancellationToken.None));
        Assert.True(await store.TryClaimAsync(new Restore.Engine.Records.RestoreRecord { Name = "r1" }, System.Threading.CancellationToken.None));
    }
}

using System;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Get-RestorePlan's live predictions and -WhatIf, and Secret data kept out of everything the user reads.</summary>
public class PreviewAndSecretTests
{
    private const string SecretCanary = "CANARY-SECRET-9f3a71";
    private const string ConfigMapCanary = "CANARY-CONFIGMAP-77c2";

    private static VeleroBackupBuilder MixedBackup()
    {
        var secret = K8s.Secret("shop", "db", "password", SecretCanary);
        ((JsonObject)secret["metadata"]!)["annotations"] = new JsonObject
        {
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{\"data\":{\"password\":\"" + SecretCanary + "\"}}",
        };
        var immutable = K8s.Secret("shop", "frozen", "token", SecretCanary);
        immutable["immutable"] = true;
        return new VeleroBackupBuilder("b1")
            .AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"))
            .AddItem("configmaps", "shop", "same", K8s.ConfigMap("shop", "same", ("k", "v")))
            .AddItem("configmaps", "shop", "changed", K8s.ConfigMap("shop", "changed", ("k", ConfigMapCanary)))
            .AddItem("configmaps", "shop", "missing", K8s.ConfigMap("shop", "missing", ("k", "v")))
            .AddItem("secrets", "shop", "db", secret)
            .AddItem("secrets", "shop", "frozen", immutable)
            .AddItem("serviceaccounts", "shop", "builder", K8s.ServiceAccount("shop", "builder", "registry"));
    }

    private static void SeedLive(ExecutionHarness h)
    {
        h.Seed(K8s.ConfigMap("shop", "same", ("k", "v")));
        h.Seed(K8s.ConfigMap("shop", "changed", ("k", "old")));
        h.Seed(K8s.Secret("shop", "db", "password", "live-value"));
        var frozen = K8s.Secret("shop", "frozen", "token", "live-frozen");
        frozen["immutable"] = true;
        h.Seed(frozen);
        h.Seed(K8s.ServiceAccount("shop", "builder"));
    }

    [Fact]
    public async Task PlanPredictsWhatHappensToEachObjectAndWritesNothing()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(MixedBackup());
        SeedLive(h);
        var request = h.Request("b1", "r-plan");
        var before = h.Server.Journal.Entries.Count(e => e.Method != "GET");

        var preview = await h.Engine().PlanAsync(request, CancellationToken.None);

        var target = Assert.Single(preview.Targets);
        Assert.Null(target.Error);
        Assert.NotNull(target.Plan);
        PredictedOutcome Of(string name) => target.Predictions.Single(p => p.Item.Name == name).Outcome;
        Assert.Equal(PredictedOutcome.AlreadyExistsSkip, Of("shop"));
        Assert.Equal(PredictedOutcome.AlreadyExistsSkip, Of("same"));
        Assert.Equal(PredictedOutcome.DiffersSkip, Of("changed"));
        Assert.Equal(PredictedOutcome.Create, Of("missing"));
        Assert.Equal(PredictedOutcome.DiffersSkip, Of("db"));
        Assert.Equal(PredictedOutcome.Update, Of("builder"));
        var changed = target.Predictions.Single(p => p.Item.Name == "changed");
        Assert.Equal("already exists and differs from the backed-up version (at data.k); left as it is (existing-resource policy None)", changed.Message);
        Assert.StartsWith("could not restore, ConfigMap:changed already exists", changed.Warning, StringComparison.Ordinal);
        var difference = Assert.Single(changed.Differences);
        Assert.Equal("data.k", difference.Path);
        Assert.Contains(ConfigMapCanary, difference.Desired, StringComparison.Ordinal); // values are shown for ConfigMaps...
        var secret = target.Predictions.Single(p => p.Item.Name == "db");
        Assert.NotEmpty(secret.Differences);
        Assert.All(secret.Differences, d => Assert.True(d.Desired is null && d.Live is null)); // ...never for Secrets

        // Nothing was written: no restore folder, no write request to the cluster.
        Assert.Empty(await h.Records().ListNamesAsync(CancellationToken.None));
        Assert.Equal(before, h.Server.Journal.Entries.Count(e => e.Method != "GET"));

        request.Spec.ExistingResourcePolicy = "update";
        var update = await h.Engine().PlanAsync(request, CancellationToken.None);
        Assert.Equal(PredictedOutcome.Update, update.Targets[0].Predictions.Single(p => p.Item.Name == "changed").Outcome);
    }

    [Fact]
    public async Task ManyObjectsOfOneResourceAreCheckedWithOneListNotOneReadEach()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 30));
        h.Seed(K8s.ConfigMap("shop", "cm-0003", ("index", "3")));
        h.Seed(K8s.ConfigMap("shop", "cm-0004", ("index", "changed")));
        h.Server.Journal.Clear();

        var preview = await h.Engine().PlanAsync(h.Request("b1", "r-list"), CancellationToken.None);

        var predictions = preview.Targets[0].Predictions.Where(p => p.Item.Kind == "ConfigMap").ToList();
        Assert.Equal(30, predictions.Count);
        Assert.Equal(PredictedOutcome.AlreadyExistsSkip, predictions.Single(p => p.Item.Name == "cm-0003").Outcome);
        Assert.Equal(PredictedOutcome.DiffersSkip, predictions.Single(p => p.Item.Name == "cm-0004").Outcome);
        Assert.Equal(28, predictions.Count(p => p.Outcome == PredictedOutcome.Create));
        // Velero's own ConfigMaps (its namespace) are read once per target whatever the backup holds.
        var reads = h.Server.Journal.Entries.Where(e => e.Resource == "configmaps" && e.Namespace == "shop").ToList();
        Assert.Single(reads, e => e.Verb == "list");
        Assert.DoesNotContain(reads, e => e.Verb == "get");
    }

    [Fact]
    public async Task DescribeNamesTheBackupItemCountAndEachTarget()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 2);
        await h.WriteBackupAsync(MixedBackup().WithProgress(7, 7));

        var whatIf = await h.Engine().DescribeAsync(h.Request("b1", "r-whatif", 0, 1), CancellationToken.None);

        Assert.Equal("b1", whatIf.BackupName);
        Assert.Equal(7, whatIf.ItemCount);
        Assert.Equal(2, whatIf.Lines.Count);
        Assert.Equal($"Restore backup 'b1' (7 items) into cluster context '{h.Context(0)}' ({h.Servers[0].Server}) as restore 'r-whatif'", whatIf.Lines[0]);
        Assert.Empty(await h.Records().ListNamesAsync(CancellationToken.None));
        Assert.Empty(h.Servers[0].Journal.Entries);
    }

    [Fact]
    public async Task SecretDataNeverAppearsInLogsResultsOutcomesRecordsOrDiffs()
    {
        await using var h = await ExecutionHarness.CreateAsync();
        await h.WriteBackupAsync(MixedBackup());
        SeedLive(h);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretCanary));
        void AssertClean(string? text, string where)
        {
            Assert.False(text is not null && (text.Contains(SecretCanary, StringComparison.Ordinal) || text.Contains(encoded, StringComparison.Ordinal)), $"Secret data leaked into {where}: {text}");
        }

        // The checks below could see a leak: the ConfigMap canary (not secret) does reach the diff of the preview.
        var control = await h.Engine().PlanAsync(h.Request("b1", "r-control"), CancellationToken.None);
        Assert.Contains(control.Targets[0].Predictions.SelectMany(p => p.Differences), d => d.Desired?.Contains(ConfigMapCanary, StringComparison.Ordinal) == true);

        foreach (var policy in new[] { "none", "update" })
        {
            var request = h.Request("b1", "r-secret-" + policy);
            request.Spec.ExistingResourcePolicy = policy;
            var preview = await h.Engine().PlanAsync(request, CancellationToken.None);
            foreach (var p in preview.Targets.SelectMany(t => t.Predictions))
            {
                AssertClean(p.Message, "a prediction");
                foreach (var d in p.Differences)
                {
                    AssertClean(d.ToString(), "a difference");
                }
            }

            var (result, outcomes) = await ExistingObjectTests.RunAsync(h, request);
            AssertClean(result.Results.ToJson(), "the results");
            AssertClean(result.Record.ToJson().ToJsonString(), "the record");
            foreach (var o in outcomes)
            {
                AssertClean(o.Message, "an outcome");
            }

            var records = h.Records();
            AssertClean(await records.ReadLogTextAsync(request.Name!, CancellationToken.None), "the stored log");
            AssertClean(string.Join("\n", (await records.ReadItemOutcomesAsync(request.Name!, CancellationToken.None)).Select(o => o.Message)), "the stored outcomes");
        }

        foreach (var entry in h.Log.Entries)
        {
            AssertClean(entry.Message + string.Join(",", entry.Fields), "the engine log");
        }

        // Under update the immutable Secret's patch is refused (a warning), and the changed Secret is patched.
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretCanary)), (string?)h.Server.Store.Get("secrets", "shop", "db")!["data"]!["password"]);
    }
}

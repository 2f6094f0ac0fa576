using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Execution;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestApiServer;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Reliability;

/// <summary>Secrets and trust: planted canaries must never appear in any output; TLS is verified unless turned off explicitly.</summary>
internal static class SecretCases
{
    private const string Category = "Secrets";
    private const string Backup = "with-secrets";

    // Each canary is distinctive, so finding it anywhere is a leak; base64 forms are searched too.
    private const string BackupSecret = "canary-secret-backup-8c1f2e";
    private const string LiveSecret = "canary-secret-live-47ad90";
    private const string StringData = "canary-stringdata-9f0b3c";
    private const string LastApplied = "canary-last-applied-5e6d7a";
    private const string SensitiveValue = "canary-configmap-sensitive-d41e";
    private const string LiveSensitiveValue = "canary-configmap-live-77b3c2";
    private const string Token = "canary-token-reliability-91af03c7";
    private const string WrongToken = "canary-wrong-token-2b7e44d1";
    private const string AwsSecret = "canary-aws-secret-key-6f1c0d9e";

    private static readonly string[] SecretCanaries = { BackupSecret, LiveSecret, StringData, LastApplied, SensitiveValue, LiveSensitiveValue };

    private static readonly string[] SensitivePatterns = { "configmaps/shop/db-*" };

    public static IEnumerable<ReliabilityCase> All()
    {
        yield return ClusterRestores();
        yield return PlanDiff();
        yield return FolderRestore();
        yield return ErrorPaths();
        yield return KubeconfigCredentials();
        yield return AwsCredentials();
        yield return ClusterTlsVerified();
        yield return ClusterTlsOff();
        yield return StorageTlsVerified();
        yield return StorageTlsOff();
    }

    /// <summary>Restores over differing live objects, first leaving them (policy none), then updating them.</summary>
    private static ReliabilityCase ClusterRestores() => new(
        "X01",
        Category,
        "Secret data (data, stringData, a last-applied annotation) and a ConfigMap marked sensitive, restored into a cluster where differing copies exist: once with policy none, once with policy update",
        "No canary in the engine log, restore log, record, results, item outcomes, resource list, callbacks or progress; the differences are reported by path only",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(SecretBackup());
            SeedLive(sandbox.Server!);
            sandbox.SnapshotFiles();

            var none = await sandbox.RunAsync(WithSensitive(sandbox.ToCluster(Backup, "x01-none")));
            var update = await sandbox.RunAsync(WithSensitive(sandbox.ToCluster(Backup, "x01-update", s => s.ExistingResourcePolicy = "update")));

            var differs = none.StoredOutcomes.FirstOrDefault(o => o.Name == "db-password")?.Message ?? string.Empty;
            probe.Observe($"Policy none: {none.Phase}, {none.OutcomeSummary()}; db-password: {differs}");
            probe.Observe($"Policy update: {update.Phase}, {update.OutcomeSummary()}; db-password: {update.StoredOutcomes.FirstOrDefault(o => o.Name == "db-password")?.Message}");
            probe.Check(differs.Contains("data.password", StringComparison.Ordinal), "the difference is not named by its path");
            var live = sandbox.Server!.Store.Get("secrets", "shop", "db-password");
            probe.Check(live?["data"]?["password"]?.ToString() == B64(BackupSecret), "the update did not restore the backed-up Secret (the canary never went through the engine)");
            Scan(probe, sandbox, none.Texts().Concat(update.Texts()));
            sandbox.CheckNothingOutside("x01-none", "x01-update");
        });

    /// <summary>Get-RestorePlan over differing live objects; a plain ConfigMap is the control that shows values.</summary>
    private static ReliabilityCase PlanDiff() => new(
        "X02",
        Category,
        "the plan's differences (Get-RestorePlan) for a Secret and a ConfigMap marked sensitive (`SensitiveObjects = configmaps/shop/db-*`) that differ from the live objects",
        "Differences name the paths only; no canary in the plan items, predictions or log; a plain ConfigMap's differences still show values",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(SecretBackup());
            SeedLive(sandbox.Server!);
            sandbox.SnapshotFiles();
            using var location = sandbox.OpenLocation();
            var engine = sandbox.Engine(location);

            var preview = await engine.PlanAsync(WithSensitive(sandbox.ToCluster(Backup, "x02")), CancellationToken.None);
            var unmarked = await engine.PlanAsync(sandbox.ToCluster(Backup, "x02"), CancellationToken.None);

            var items = RestorePlanItem.FromPreview(preview);
            string Differences(IReadOnlyList<RestorePlanItem> list, string name) => string.Join("; ", list.FirstOrDefault(i => i.Name == name)?.Differences ?? Array.Empty<string>());
            probe.Observe($"db-password: {Differences(items, "db-password")}; db-config: {Differences(items, "db-config")}; web-config (control): {Differences(items, "web-config")}");
            probe.Check(Differences(items, "web-config").Contains("live-mode", StringComparison.Ordinal), "the control ConfigMap's values are not shown: the scan would prove nothing");
            probe.Check(Differences(items, "db-config").Contains("data.dsn", StringComparison.Ordinal), "the sensitive ConfigMap's difference is not named by path");
            var withoutMark = Differences(RestorePlanItem.FromPreview(unmarked), "db-config");
            if (probe.Check(withoutMark.Contains(SensitiveValue, StringComparison.Ordinal), "unmarked, the ConfigMap's values should show like any ConfigMap's"))
            {
                probe.Observe("Unmarked, the same ConfigMap's values show, as any ConfigMap's do");
            }

            Scan(probe, sandbox, PlanTexts(preview, items));
            StorageCases.NothingStored(probe, sandbox);
        });

    /// <summary>A folder restore: the manifests hold the data (that is the restore); nothing else does.</summary>
    private static ReliabilityCase FolderRestore() => new(
        "X03",
        Category,
        "Secret data restored into a folder",
        "The data is only in the target folder's manifests (that is the restore); no canary in any log, record, result or message",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe);
            await sandbox.WriteBackupAsync(SecretBackup());
            sandbox.SnapshotFiles();

            var capture = await sandbox.RunAsync(WithSensitive(sandbox.ToFolder(Backup, "x03")));

            var manifest = sandbox.TargetFiles().FirstOrDefault(f => f.EndsWith("secret-shop-db-password.yaml", StringComparison.Ordinal));
            var inManifest = manifest is not null && File.ReadAllText(Path.Combine(sandbox.TargetFolder, manifest)).Contains(B64(BackupSecret), StringComparison.Ordinal);
            probe.Observe($"Restore {capture.Phase}: {capture.OutcomeSummary()}");
            if (probe.Check(inManifest, "the Secret manifest does not hold the data (the canary never went through the engine)"))
            {
                probe.Observe("The Secret's data is in its manifest in the target folder");
            }

            Scan(probe, sandbox, capture.Texts());
            sandbox.CheckNothingOutside("x03");
        });

    /// <summary>Secrets on every error path: undecodable JSON, a failing patch test, server refusals.</summary>
    private static ReliabilityCase ErrorPaths() => new(
        "X04",
        Category,
        "Secrets on error paths: a Secret that is not valid JSON, a JSON patch whose test on /data/token fails, a Secret the server refuses (invalid name)",
        "Each fails or is skipped with a reason; no canary in any message",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            var backup = SecretBackup()
                .AddItem("secrets", "shop", "broken", $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"broken","namespace":"shop"},"data":{"password":"{{{B64(BackupSecret)}}}"},""")
                .AddItem("secrets", "shop", "Bad_Name", $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"Bad_Name","namespace":"shop"},"data":{"password":"{{{B64(BackupSecret)}}}"}}""");
            await sandbox.WriteBackupAsync(backup);
            sandbox.SnapshotFiles();
            var request = new RestoreParameters
            {
                Backup = Backup,
                Name = "x04",
                Context = new[] { sandbox.Context! },
                KubeConfig = sandbox.KubeconfigPath,
                // The patch's own values are the user's input and are kept in the record's spec, as Velero keeps it: no canary there.
                JsonPatch = new Hashtable { ["secrets/shop/api-token"] = """[{"op":"test","path":"/data/token","value":"bm9wZQ=="},{"op":"replace","path":"/data/token","value":"eA=="}]""" },
            }.ToRequest();

            var capture = await sandbox.RunAsync(request);

            foreach (var name in new[] { "broken", "Bad_Name", "api-token" })
            {
                var outcome = capture.StoredOutcomes.FirstOrDefault(o => o.Name == name);
                probe.Observe($"{name}: {outcome?.Action.ToString() ?? "no outcome"}" + (string.IsNullOrEmpty(outcome?.Message) ? string.Empty : ", " + probe.Short(outcome!.Message!)));
                probe.Check(outcome is not null && (outcome.Action == ItemRestoreAction.Created || !string.IsNullOrEmpty(outcome.Message)), $"{name} has no outcome or no reason");
            }

            Scan(probe, sandbox, capture.Texts());
            sandbox.CheckNothingOutside("x04");
        });

    /// <summary>The kubeconfig's bearer token, a wrong token, and a client key never show.</summary>
    private static ReliabilityCase KubeconfigCredentials() => new(
        "X05",
        Category,
        "kubeconfig credentials: a bearer token (restore succeeds), a wrong bearer token (401), and a client certificate key",
        "No token or key material in any output, error or log; the 401 names the server and the cause",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true, o => o.Token = Token);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 3));
            var server = sandbox.Server!;
            sandbox.SnapshotFiles();
            var texts = new List<(string, string)>();

            var ok = await sandbox.RunAsync(sandbox.ToCluster(Backup, "x05-token"));
            texts.AddRange(ok.Texts());
            var certificate = sandbox.ToCluster(Backup, "x05-cert");
            certificate.Contexts = new[] { server.ContextName(KubeconfigAuth.ClientCertificate) };
            var cert = await sandbox.RunAsync(certificate);
            texts.AddRange(cert.Texts());
            File.WriteAllText(sandbox.KubeconfigPath!, File.ReadAllText(sandbox.KubeconfigPath!).Replace(Token, WrongToken, StringComparison.Ordinal));
            var wrong = await sandbox.RunAsync(sandbox.ToCluster(Backup, "x05-wrong"));
            texts.AddRange(wrong.Texts());

            probe.Observe($"Token: {ok.Phase}; client certificate: {cert.Phase}; wrong token: {wrong.StoredRecord?.Phase}, {probe.Short(wrong.StoredRecord?.FailureReason ?? string.Empty)}");
            probe.Check(ok.Phase == RestorePhase.Completed && cert.Phase == RestorePhase.Completed, "the restores with valid credentials did not complete");
            probe.Check(wrong.StoredRecord?.FailureReason?.Contains("Unauthorized", StringComparison.Ordinal) == true, "the 401 is not explained");
            var keyLines = server.ClientKeyPem.Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
            Scan(probe, sandbox, texts, new[] { Token, WrongToken, B64(server.ClientKeyPem) }.Concat(keyLines).ToArray());
            sandbox.CheckNothingOutside("x05-token", "x05-cert", "x05-wrong");
        });

    /// <summary>An S3 secret key on a store that refuses it.</summary>
    private static ReliabilityCase AwsCredentials() => new(
        "X06",
        Category,
        "an AWS secret access key for an S3 endpoint that rejects it",
        "The storage error names the endpoint and the bucket, never the secret key; nothing in the log either",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            var options = S3Options(sandbox, trust: true);
            sandbox.SnapshotFiles();
            var texts = new List<(string, string)>();
            Exception? error = null;
            try
            {
                using var location = StorageLocation.Open(options, sandbox.EngineLog);
                texts.Add(("location", location.ToString()));
                await location.VerifyAsync(CancellationToken.None);
                await sandbox.Engine(location).RunAsync(sandbox.ToCluster(Backup, "x06"), null, null, CancellationToken.None);
            }
            catch (Exception ex)
            {
                error = ex;
                texts.Add(("exception", ex.ToString()));
            }

            texts.Add(("options", options.ToString()));
            var storage = error as StorageException;
            probe.Observe($"{error?.GetType().Name} ({storage?.Kind}): {probe.Short(error?.Message ?? "no error")}");
            probe.Check(storage is not null && storage.Kind != StorageErrorKind.Unreachable, "expected a refusal from the endpoint, not a connection failure");
            Scan(probe, sandbox, texts, new[] { AwsSecret });
        });

    /// <summary>A kubeconfig without the cluster's CA: the connection must fail on the certificate.</summary>
    private static ReliabilityCase ClusterTlsVerified() => new(
        "X07",
        Category,
        "cluster TLS is verified by default: the kubeconfig has no CA for the server's self-signed certificate",
        "The target fails with a reason naming the TLS failure; nothing sent to the server beyond the handshake",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 3));
            RewriteKubeconfig(sandbox, insecure: false);
            sandbox.SnapshotFiles();

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, "x07"));

            var reason = capture.StoredRecord?.FailureReason ?? string.Empty;
            probe.Observe($"Restore {capture.StoredRecord?.Phase}: {probe.Short(reason)}");
            probe.Check(capture.StoredRecord?.Phase == RestorePhase.Failed && reason.Contains("TLS", StringComparison.Ordinal), "the restore did not fail on TLS");
            probe.Check(sandbox.Server!.Journal.Count == 0, "requests reached the server over an unverified connection");
            sandbox.CheckNothingOutside("x07");
        });

    /// <summary>insecure-skip-tls-verify: works, with a warning on every run.</summary>
    private static ReliabilityCase ClusterTlsOff() => new(
        "X08",
        Category,
        "cluster TLS turned off explicitly (`insecure-skip-tls-verify: true` in the kubeconfig), two runs",
        "Both restores run, and each run's log carries the warning that TLS verification is off",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 3));
            RewriteKubeconfig(sandbox, insecure: true);
            sandbox.SnapshotFiles();

            var first = await sandbox.RunAsync(sandbox.ToCluster(Backup, "x08-1"));
            var second = await sandbox.RunAsync(sandbox.ToCluster(Backup, "x08-2"));

            var warning = first.StoredLog?.Split('\n').FirstOrDefault(l => l.Contains("TLS verification is disabled", StringComparison.Ordinal));
            probe.Observe($"Runs: {first.Phase}, {second.Phase}");
            probe.Check(first.Phase == RestorePhase.Completed && second.Phase == RestorePhase.Completed, "the restores did not complete");
            if (probe.Check(warning is not null && second.StoredLog?.Contains("TLS verification is disabled", StringComparison.Ordinal) == true, "a run's log lacks the TLS warning"))
            {
                probe.Observe("Warning in each run's log: " + Regex.Match(warning!, "msg=\"([^\"]*)\"").Groups[1].Value);
            }

            sandbox.CheckNothingOutside("x08-1", "x08-2");
        });

    /// <summary>An S3 endpoint whose certificate is not trusted.</summary>
    private static ReliabilityCase StorageTlsVerified() => new(
        "X09",
        Category,
        "storage TLS is verified by default: an S3 endpoint with a self-signed certificate and no -CaBundle",
        "A storage error saying the certificate is not trusted and how to trust it; nothing written",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            var options = S3Options(sandbox, trust: false);
            sandbox.SnapshotFiles();

            using var location = StorageLocation.Open(options, sandbox.EngineLog);
            var error = await Record(() => location.VerifyAsync(CancellationToken.None));

            var storage = error as StorageException;
            probe.Observe($"{error?.GetType().Name} ({storage?.Kind}): {probe.Short(error?.Message ?? "no error")}");
            probe.Check(storage?.Kind == StorageErrorKind.Unreachable && storage.Message.Contains("not trusted", StringComparison.Ordinal), "the untrusted certificate was not refused");
            probe.Check(!sandbox.EngineLog.Warnings.Any(w => w.Contains("Certificate checks are off", StringComparison.Ordinal)), "a TLS warning without the switch");
            sandbox.CheckNothingOutside(Array.Empty<string>(), allowFallback: false);
        });

    /// <summary>-SkipCertificateCheck: connects, with a warning each time the location is opened.</summary>
    private static ReliabilityCase StorageTlsOff() => new(
        "X10",
        Category,
        "storage TLS turned off explicitly (`-SkipCertificateCheck`), two runs",
        "The TLS handshake succeeds, and each run logs the warning that certificate checks are off",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            var options = S3Options(sandbox, trust: false);
            options.SkipCertificateCheck = true;
            sandbox.SnapshotFiles();
            var errors = new List<Exception?>();

            for (var run = 0; run < 2; run++)
            {
                using var location = StorageLocation.Open(options, sandbox.EngineLog);
                errors.Add(await Record(() => location.VerifyAsync(CancellationToken.None)));
            }

            var warnings = sandbox.EngineLog.Warnings.Where(w => w.Contains("Certificate checks are off", StringComparison.Ordinal)).ToList();
            probe.Observe($"Endpoint answered: {string.Join(", ", errors.Select(e => (e as StorageException)?.Kind.ToString() ?? e?.GetType().Name ?? "ok"))}; warnings: {warnings.Count}");
            probe.Check(errors.All(e => e is not StorageException { Kind: StorageErrorKind.Unreachable }), "the connection still failed: " + errors.FirstOrDefault()?.Message);
            if (probe.Check(warnings.Count == 2, $"{warnings.Count} warnings for 2 runs"))
            {
                probe.Observe("Warning on each run: " + warnings[0]);
            }
        });

    private static VeleroBackupBuilder SecretBackup()
    {
        var lastApplied = $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db-password","namespace":"shop"},"stringData":{"password":"{{{LastApplied}}}"}}""";
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject
            {
                ["name"] = "db-password",
                ["namespace"] = "shop",
                ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = lastApplied },
            },
            ["type"] = "Opaque",
            ["data"] = new JsonObject { ["password"] = B64(BackupSecret) },
            ["stringData"] = new JsonObject { ["extra"] = StringData },
        };
        return new VeleroBackupBuilder(Backup)
            .AddItem("namespaces", string.Empty, "shop", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}""")
            .AddItem("secrets", "shop", "db-password", secret)
            .AddItem("secrets", "shop", "api-token", $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"api-token","namespace":"shop"},"type":"Opaque","data":{"token":"{{{B64(BackupSecret)}}}"}}""")
            .AddItem("configmaps", "shop", "db-config", $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"db-config","namespace":"shop"},"data":{"dsn":"{{{SensitiveValue}}}"}}""")
            .AddItem("configmaps", "shop", "web-config", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web-config","namespace":"shop"},"data":{"mode":"backup-mode"}}""");
    }

    /// <summary>Live objects of the same names with other values (the live canaries).</summary>
    private static void SeedLive(TestApiServer.TestApiServer server)
    {
        server.Store.Seed(new[]
        {
            (JsonObject)JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db-password","namespace":"shop"},"type":"Opaque","data":{"password":"{{{B64(LiveSecret)}}}"}}""")!,
            (JsonObject)JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"db-config","namespace":"shop"},"data":{"dsn":"{{{LiveSensitiveValue}}}"}}""")!,
            (JsonObject)JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web-config","namespace":"shop"},"data":{"mode":"live-mode"}}""")!,
        });
    }

    private static RestoreRequest WithSensitive(RestoreRequest request)
    {
        request.SensitiveObjects = SensitivePatterns;
        return request;
    }

    private static IEnumerable<(string Source, string Text)> PlanTexts(RestorePreview preview, IReadOnlyList<RestorePlanItem> items)
    {
        foreach (var target in preview.Targets)
        {
            yield return ("plan target", target.Error ?? string.Empty);
            foreach (var p in target.Predictions)
            {
                yield return ("prediction", p + " " + string.Join(" ", p.Differences.Select(d => d.ToString())));
            }

            foreach (var item in target.Plan?.Items ?? (IReadOnlyList<Restore.Engine.Planning.PlannedItem>)Array.Empty<Restore.Engine.Planning.PlannedItem>())
            {
                yield return ("planned item", string.Join(" ", new[] { item.ToString(), item.Reason ?? string.Empty }.Concat(item.Notes).Concat(item.Warnings.Select(w => w.Text)).Concat(item.Errors.Select(e => e.Text))));
            }
        }

        foreach (var item in items)
        {
            yield return ("plan item", string.Join(" ", new[] { item.ToString(), item.Reason ?? string.Empty }.Concat(item.Differences).Concat(item.Warnings).Concat(item.Errors).Concat(item.Notes).Concat(item.ItemActions)));
        }
    }

    /// <summary>Counts the canaries (plain or base64) found in <paramref name="texts"/> and in the engine log.</summary>
    private static void Scan(CaseProbe probe, RestoreSandbox sandbox, IEnumerable<(string Source, string Text)> texts, string[]? canaries = null)
    {
        var all = texts.Append((Source: "engine log", Text: sandbox.EngineLog.Text)).ToList();
        var leaked = 0;
        foreach (var canary in canaries ?? SecretCanaries)
        {
            var forms = new[] { canary, B64(canary) };
            var sources = all.Where(t => forms.Any(f => t.Text.Contains(f, StringComparison.Ordinal))).Select(t => t.Source).Distinct().ToList();
            if (sources.Count > 0)
            {
                leaked++;
                probe.Violation($"canary {canary} found in: {string.Join(", ", sources)}");
            }
        }

        probe.SecretsLeaked += leaked;
        probe.Observe($"Scanned {all.Count} outputs for {(canaries ?? SecretCanaries).Length} canaries: {(leaked == 0 ? "none found" : leaked + " found")}");
    }

    /// <summary>Removes the CA from the kubeconfig, optionally turning verification off.</summary>
    private static void RewriteKubeconfig(RestoreSandbox sandbox, bool insecure)
    {
        var text = File.ReadAllText(sandbox.KubeconfigPath!);
        text = Regex.Replace(text, @"certificate-authority-data: \S+", insecure ? "insecure-skip-tls-verify: true" : "certificate-authority: /nonexistent-reliability-ca.pem");
        if (!insecure)
        {
            // No CA at all: the system store does not know the test CA either.
            text = text.Replace("    certificate-authority: /nonexistent-reliability-ca.pem\n", string.Empty, StringComparison.Ordinal);
        }

        File.WriteAllText(sandbox.KubeconfigPath!, text);
    }

    /// <summary>S3 options pointing at the test API server's HTTPS port (it answers S3 requests with Kubernetes errors).</summary>
    private static StorageLocationOptions S3Options(RestoreSandbox sandbox, bool trust)
    {
        var server = sandbox.Server!;
        var options = new StorageLocationOptions
        {
            Location = "s3://velero-backups",
            Endpoint = server.Server,
            Region = "us-east-1",
            AccessKeyId = "AKIARELIABILITY0001",
            MaxRetries = 0,
        }.WithSecretAccessKey(AwsSecret);
        if (trust)
        {
            var ca = Path.Combine(sandbox.Root, "ca.pem");
            File.WriteAllText(ca, server.CaCertificatePem);
            options.CaBundlePath = ca;
        }

        return options;
    }

    private static async Task<Exception?> Record(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}

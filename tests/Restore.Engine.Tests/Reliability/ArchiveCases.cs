using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Restore.TestSupport;
using static Restore.Engine.Tests.Reliability.ArchiveForge;

namespace Restore.Engine.Tests.Reliability;

/// <summary>Hostile and broken archives, restored through <c>RestoreEngine.RunAsync</c> into a folder or a cluster.</summary>
internal static class ArchiveCases
{
    private const string Category = "Archive";
    private const string Backup = "hostile";
    private const string Restore = "r-archive";

    public static IEnumerable<ReliabilityCase> All()
    {
        // Entries that point outside the archive: the whole archive is refused, nothing is restored from it.
        yield return Refused("A01", "tar-slip: an entry named `../evil.json`", () => TarGz(t => t.AddFile("../evil.json", Bytes("{}"), Time, TarHeaderFormat.Pax)), "'../evil.json'");
        yield return Refused("A02", "tar-slip prefix trick: `../targetX/f.json` (passes a containment check that lacks the trailing separator)", () => TarGz(t => t.AddFile("../targetX/f.json", Bytes("{}"), Time, TarHeaderFormat.Pax)), "'../targetX/f.json'");
        yield return Refused("A03", "tar-slip hidden in an item path: `resources/configmaps/namespaces/shop/../../../../targetX/f.json`", () => TarGz(t => t.AddFile("resources/configmaps/namespaces/shop/../../../../targetX/f.json", Bytes(ConfigMapJson("f")), Time, TarHeaderFormat.Pax)), "'..' segment");
        yield return Refused("A04", "absolute path `/etc/cron.d/evil`", () => TarGz(t => t.AddFile("/etc/cron.d/evil", Bytes("* * * * * root sh"), Time, TarHeaderFormat.Pax)), "absolute path");
        yield return Refused("A05", "Windows absolute path `C:/Windows/evil.json`", () => TarGz(t => t.AddFile("C:/Windows/evil.json", Bytes("{}"), Time, TarHeaderFormat.Pax)), "absolute path");
        yield return Refused("A06", "entry name with a control character", () => TarGz(t => t.AddFile("resources/configmaps/namespaces/shop/bell\u0007.json", Bytes(ConfigMapJson("bell")), Time, TarHeaderFormat.Pax)), "control character");

        // Special entries are skipped with a warning; everything else is restored.
        yield return Salvaged("A07", "symbolic link to `/etc/passwd` among the items", () => TarGz(t => t.AddEntry("resources/configmaps/namespaces/shop/link.json", (byte)'2', Array.Empty<byte>(), Time, linkName: "/etc/passwd")), "ignoring symbolic link entry resources/configmaps/namespaces/shop/link.json", null);
        yield return Salvaged("A08", "hard link to `../../../../etc/shadow` among the items", () => TarGz(t => t.AddEntry("resources/configmaps/namespaces/shop/hard.json", (byte)'1', Array.Empty<byte>(), Time, linkName: "../../../../etc/shadow")), "ignoring hard link entry resources/configmaps/namespaces/shop/hard.json", null);
        yield return Salvaged("A09", "character device, block device and FIFO entries", () => TarGz(t =>
        {
            t.AddEntry("resources/configmaps/namespaces/shop/tty.json", (byte)'3', Array.Empty<byte>(), Time);
            t.AddEntry("resources/configmaps/namespaces/shop/sda.json", (byte)'4', Array.Empty<byte>(), Time);
            t.AddEntry("resources/configmaps/namespaces/shop/fifo.json", (byte)'6', Array.Empty<byte>(), Time);
        }), "ignoring character device entry resources/configmaps/namespaces/shop/tty.json", null);

        // Bounds and damage: the archive cannot be read safely to its end, so it is refused as a whole.
        yield return Refused("A10", "gzip bomb: 90 MiB of zeros in 90 KiB, every entry under the size limit", GzipBomb, "decompression bomb");
        yield return Refused("A11", "an entry whose header claims 4 GiB, above the 32 MiB entry limit", () => TarGz(t => t.AddEntry("resources/configmaps/namespaces/shop/huge.json", (byte)'0', new byte[1024], Time, sizeOverride: 4L * 1024 * 1024 * 1024)), "MaxEntrySize");
        yield return Refused("A12", "truncated gzip (the last 40 bytes missing)", () => { var whole = TarGz(null); return whole.Take(whole.Length - 40).ToArray(); }, "truncated");
        yield return Refused("A13", "truncated tar inside a well-formed gzip (cut in the middle of an item)", () =>
        {
            var tar = Tar(t => t.AddFile("resources/configmaps/namespaces/shop/cut.json", Bytes(ConfigMapJson("cut", value: new string('x', 4000))), Time), finish: false);
            var cutAt = tar.Length - (3 * 2 * 1024) - 2000;
            return GoTarWriter.GoGzip(tar.Take(cutAt).ToArray());
        }, "ends inside");

        // Item-level problems: the item fails with a reason, the others are restored.
        yield return Salvaged("A14", "duplicate entries for one item (the second copy differs)", () => TarGz(t =>
        {
            t.AddFile("resources/configmaps/namespaces/shop/dup.json", Bytes(ConfigMapJson("dup", value: "first")), Time);
            t.AddFile("resources/configmaps/namespaces/shop/dup.json", Bytes(ConfigMapJson("dup", value: "second")), Time);
        }), "duplicate entry resources/configmaps/namespaces/shop/dup.json", null, extraGood: "dup", check: (probe, sandbox, _) =>
        {
            var file = sandbox.TargetFiles().FirstOrDefault(f => f.EndsWith("configmap-shop-dup.yaml", StringComparison.Ordinal));
            var text = file is null ? string.Empty : File.ReadAllText(Path.Combine(sandbox.TargetFolder, file));
            if (probe.Check(text.Contains("first", StringComparison.Ordinal) && !text.Contains("second", StringComparison.Ordinal), "the restored duplicate is not the first copy"))
            {
                probe.Observe("The first copy was restored");
            }
        });
        yield return Salvaged("A15", "an item that is not valid JSON", () => TarGz(t => AddGood(t, "broken", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"broken" """)), null, ("broken", "error decoding"));
        yield return Salvaged("A16", "an item nested 5000 levels deep", () => TarGz(t => AddGood(t, "deep", DeepJson("deep", 5000))), null, ("deep", "depth"));
        yield return Salvaged("A17", "object names with characters Windows forbids (`:`, `?`, `*`, `<`, `|`) and the device name `con`", () => TarGz(t =>
        {
            foreach (var name in new[] { "system:node-proxier", "what?*", "a<b>c|d", "con" })
            {
                var json = $$$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"{{{name.Replace("\"", "\\\"", StringComparison.Ordinal)}}}"}}""";
                t.AddFile($"resources/clusterroles.rbac.authorization.k8s.io/cluster/{name}.json", Bytes(json), Time);
            }
        }), null, null, check: (probe, sandbox, capture) =>
        {
            var roles = capture.StoredOutcomes.Where(o => o.Resource == "clusterroles.rbac.authorization.k8s.io").ToList();
            probe.Check(roles.Count == 4 && roles.All(o => o.Action == ItemRestoreAction.Created), $"expected 4 ClusterRoles created, got {string.Join(", ", roles.Select(o => o.Name + ":" + o.Action))}");
            var bad = sandbox.TargetFiles().Where(f => f.Split('/').Any(IsUnsafeOnWindows)).ToList();
            if (probe.Check(bad.Count == 0, "file names Windows cannot hold: " + string.Join(", ", bad)))
            {
                probe.Observe("All 4 ClusterRoles written under names Windows accepts, e.g. " + sandbox.TargetFiles().First(f => f.Contains("system", StringComparison.Ordinal)).Split('/').Last());
            }
        });
        yield return Salvaged("A18", "an object whose metadata.name climbs out of the folder (`../../targetX/escape`)", () => TarGz(t => AddGood(t, "escape", ConfigMapJson("../../targetX/escape"))), null, null, check: (probe, sandbox, capture) =>
        {
            var escaped = capture.StoredOutcomes.FirstOrDefault(o => o.Name.Contains("escape", StringComparison.Ordinal));
            var file = sandbox.TargetFiles().FirstOrDefault(f => f.Contains("escape", StringComparison.Ordinal));
            probe.Check(escaped is not null && (file is not null || escaped.Action == ItemRestoreAction.Failed), "the climbing object has no outcome or file");
            probe.Observe(file is not null ? $"The object was written inside the folder as {file.Split('/').Last()}" : $"The object failed: {escaped?.Message}");
        });
        yield return KindMismatch();
    }

    /// <summary>The archive must be refused as a whole: restore PartiallyFailed with a Velero error naming the problem, nothing restored.</summary>
    private static ReliabilityCase Refused(string id, string description, Func<byte[]> tarball, string mustName) => new(
        id,
        Category,
        description,
        $"The archive is refused with an error naming the problem ({mustName}); nothing from it is restored; nothing written outside the work area",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe);
            await sandbox.WriteBackupAsync(new VeleroBackupBuilder(Backup).WithTarballBytes(tarball()));
            sandbox.SnapshotFiles();

            var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore));

            if (!probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}"))
            {
                return;
            }

            var error = capture.StoredResults?.Errors.Velero.FirstOrDefault() ?? string.Empty;
            probe.Observe($"Restore {capture.Phase}: {error}");
            probe.Check(capture.StoredRecord?.Phase is RestorePhase.PartiallyFailed or RestorePhase.Failed, $"the stored record's phase is {capture.StoredRecord?.Phase ?? "missing"}");
            probe.Check(error.Contains(mustName, StringComparison.Ordinal), $"the error does not name the problem '{mustName}': {error}");
            probe.Check(capture.StoredRecord?.FailureReason?.Contains(mustName, StringComparison.Ordinal) == true, $"the record's failure reason does not name the problem: {capture.StoredRecord?.FailureReason}");
            var restored = sandbox.TargetFiles();
            if (probe.Check(restored.Count == 0, "items were restored from a refused archive: " + string.Join(", ", restored)))
            {
                probe.Observe("Nothing restored from the refused archive");
            }

            sandbox.CheckNothingOutside(Restore);
        });

    /// <summary>The archive is read; the hostile part is skipped with a warning or fails alone; the six good ConfigMaps are restored.</summary>
    private static ReliabilityCase Salvaged(string id, string description, Func<byte[]> tarball, string? warning, (string Name, string Reason)? failed, string? extraGood = null, Action<CaseProbe, RestoreSandbox, RunCapture>? check = null) => new(
        id,
        Category,
        description,
        (warning is not null ? "Skipped with a warning naming the entry" : failed is not null ? $"The item `{failed.Value.Name}` fails with a reason ({failed.Value.Reason})" : "Restored safely") + "; the good items are restored; nothing written outside the work area",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe);
            await sandbox.WriteBackupAsync(new VeleroBackupBuilder(Backup).WithTarballBytes(tarball()));
            sandbox.SnapshotFiles();

            var capture = await sandbox.RunAsync(sandbox.ToFolder(Backup, Restore));

            if (!probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}"))
            {
                return;
            }

            probe.Observe($"Restore {capture.Phase}: {capture.OutcomeSummary()}");
            var goods = GoodNames.Concat(extraGood is null ? Array.Empty<string>() : new[] { extraGood }).ToList();
            probe.ItemsLost = CountLostInFolder(probe, sandbox, capture, goods);
            if (warning is not null)
            {
                var logged = capture.StoredLog?.Contains(warning, StringComparison.Ordinal) == true;
                if (probe.Check(logged, $"the restore log lacks the warning '{warning}'"))
                {
                    probe.Observe($"Warning in the restore log: {warning}");
                }
            }

            if (failed is { } f)
            {
                var outcome = capture.StoredOutcomes.FirstOrDefault(o => o.Name == f.Name);
                var message = outcome?.Message ?? string.Empty;
                probe.Check(outcome?.Action == ItemRestoreAction.Failed, $"the item {f.Name} ended {outcome?.Action.ToString() ?? "without an outcome"}");
                probe.Check(message.Contains(f.Reason, StringComparison.Ordinal), $"the item {f.Name}'s message does not give the reason '{f.Reason}': {message}");
                probe.Observe($"{f.Name}: {probe.Short(message)}");
                probe.Check(capture.Phase == RestorePhase.PartiallyFailed, $"phase {capture.Phase}, expected PartiallyFailed");
            }
            else
            {
                probe.Check(capture.Phase == RestorePhase.Completed, $"phase {capture.Phase}, expected Completed");
            }

            check?.Invoke(probe, sandbox, capture);
            sandbox.CheckNothingOutside(Restore);
        });

    /// <summary>A Secret stored under the configmaps directory, restored with a filter that admits only ConfigMaps.</summary>
    private static ReliabilityCase KindMismatch() => new(
        "A19",
        Category,
        "an item whose kind disagrees with its path: a Secret under `resources/configmaps/`, restored into a cluster with `IncludedResources = configmaps`",
        "The item fails with a reason naming both kinds; no Secret is created; the good ConfigMaps are restored",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            const string sneaky = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"sneaky","namespace":"shop"},"data":{"token":"c25lYWt5"}}""";
            await sandbox.WriteBackupAsync(new VeleroBackupBuilder(Backup).WithTarballBytes(TarGz(t => AddGood(t, "sneaky", sneaky))));
            sandbox.SnapshotFiles();

            var capture = await sandbox.RunAsync(sandbox.ToCluster(Backup, Restore, s => s.IncludedResources = new() { "configmaps" }));

            if (!probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}: {capture.Error?.Message}"))
            {
                return;
            }

            probe.Observe($"Restore {capture.Phase}: {capture.OutcomeSummary()}");
            var server = sandbox.Server!;
            probe.Check(server.Store.Get("secrets", "shop", "sneaky") is null, "a Secret was created from the configmaps directory, past the resource filter");
            var outcome = capture.StoredOutcomes.FirstOrDefault(o => o.Name == "sneaky");
            probe.Check(outcome?.Action == ItemRestoreAction.Failed, $"sneaky ended {outcome?.Action.ToString() ?? "without an outcome"}");
            probe.Check(outcome?.Message?.Contains("Secret", StringComparison.Ordinal) == true && outcome.Message.Contains("configmaps", StringComparison.Ordinal), $"the reason does not name both kinds: {outcome?.Message}");
            probe.Observe($"sneaky: {probe.Short(outcome?.Message ?? string.Empty)}");
            probe.Observe(server.Store.Get("secrets", "shop", "sneaky") is null ? "No Secret created" : "A Secret was created");
            var lost = 0;
            foreach (var name in GoodNames)
            {
                if (server.Store.Get("configmaps", "shop", name) is null && !HasReason(capture, name))
                {
                    lost++;
                    probe.Violation($"{name} is neither in the cluster nor reported");
                }
            }

            probe.ItemsLost = lost;
            sandbox.CheckNothingOutside(Restore);
        });

    /// <summary>Good items that are neither written nor reported Failed/Skipped with a reason.</summary>
    internal static int CountLostInFolder(CaseProbe probe, RestoreSandbox sandbox, RunCapture capture, IReadOnlyList<string> names)
    {
        var files = sandbox.TargetFiles();
        var lost = 0;
        foreach (var name in names)
        {
            var written = files.Any(f => f.EndsWith($"configmap-{Namespace}-{name}.yaml", StringComparison.Ordinal));
            if (!written && !HasReason(capture, name))
            {
                lost++;
                probe.Violation($"{name} was neither restored nor reported");
            }
        }

        return lost;
    }

    internal static bool HasReason(RunCapture capture, string name) =>
        capture.StoredOutcomes.Any(o => o.Name == name && o.Action is ItemRestoreAction.Failed or ItemRestoreAction.Skipped && !string.IsNullOrEmpty(o.Message));

    private static bool IsUnsafeOnWindows(string segment)
    {
        var stem = segment.Split('.')[0];
        return WindowsIllegal.Any(c => segment.Contains(c, StringComparison.Ordinal))
            || new[] { "CON", "PRN", "AUX", "NUL", "COM1", "LPT1" }.Contains(stem, StringComparer.OrdinalIgnoreCase)
            || segment.EndsWith('.') || segment.EndsWith(' ');
    }
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Cluster;
using Restore.Engine.Execution;
using Restore.Engine.Storage;
using Restore.PowerShell.Infrastructure;

namespace Restore.Engine.Tests.Reliability;

/// <summary>
/// Bad New-Restore input. Each case goes the cmdlet's way without PowerShell: <see cref="RestoreParameters.ToRequest"/>,
/// then the location check, <c>DescribeAsync</c> (-WhatIf) and <c>RunAsync</c>; the exception is mapped to the error id and
/// category New-Restore gives it (<see cref="CmdletErrors"/>). Nothing may reach storage, the cluster or the folder.
/// </summary>
internal static class InputCases
{
    private const string Category = "Input";
    private const string Backup = "nightly";
    private const string Restore = "r-input";

    public static IEnumerable<ReliabilityCase> All()
    {
        yield return Case("I01", "-IncludeNamespace with an invalid glob `shop[`", p => p.IncludeNamespace = new[] { "shop[" }, "NewRestoreInvalidArgument", "InvalidArgument", "shop[");
        yield return Case("I02", "-ExcludeNamespace with an invalid regular expression `/(unclosed/`", p => p.ExcludeNamespace = new[] { "/(unclosed/" }, "NewRestoreInvalidArgument", "InvalidArgument", "/(unclosed/");
        yield return Case("I03", "-IncludeResource with an invalid glob `config[maps`", p => p.IncludeResource = new[] { "config[maps" }, "NewRestoreInvalidArgument", "InvalidArgument", "config[maps");
        yield return Case("I04", "-LabelSelector that is malformed: `app in (web,api`", p => p.LabelSelector = new[] { "app in (web,api" }, "NewRestoreInvalidArgument", "InvalidArgument", "-LabelSelector");
        yield return Case("I05", "-NamespaceMapping onto a namespace that is itself a mapped source (`shop`→`web`, `web`→`old`)", p => p.NamespaceMapping = new Hashtable { ["shop"] = "web", ["web"] = "old" }, "NewRestoreInvalidArgument", "InvalidArgument", "mixed up");
        yield return Case("I06", "-NamespaceMapping onto an invalid namespace name `Shop_Copy`", p => p.NamespaceMapping = new Hashtable { ["shop"] = "Shop_Copy" }, "NewRestoreInvalidArgument", "InvalidArgument", "Shop_Copy");
        yield return Case("I07", "conflicting parameters: -ToDirectory together with -Context", p => p.ToDirectory = Path.Combine(Path.GetTempPath(), "restore-conflict-" + Guid.NewGuid().ToString("N")), "NewRestoreInvalidArgument", "InvalidArgument", "-ToDirectory and -Context");
        yield return Case("I08", "conflicting parameters: a manifest with both backupName and scheduleName", p =>
        {
            p.Backup = null;
            p.ManifestSource = "restore.yaml";
            p.ManifestText = "apiVersion: velero.io/v1\nkind: Restore\nmetadata:\n  name: both\nspec:\n  backupName: nightly\n  scheduleName: daily\n";
        }, "NewRestoreInvalidArgument", "InvalidArgument", "not both");
        yield return Case("I09", "-IncludeResource and -ExcludeResource naming the same resource", p =>
        {
            p.IncludeResource = new[] { "configmaps" };
            p.ExcludeResource = new[] { "configmaps" };
        }, "NewRestoreInvalidArgument", "InvalidArgument", "configmaps");
        yield return Case("I10", "-IncludeResource naming a resource that is never restorable (`nodes`)", p => p.IncludeResource = new[] { "nodes" }, "NewRestoreInvalidArgument", "InvalidArgument", "non-restorable");
        yield return UnknownResource();
        yield return Case("I12", "-Context naming a context the kubeconfig does not have", p => p.Context = new[] { "no-such-context" }, "NewRestoreContextNotFound", "ObjectNotFound", "no-such-context");
        yield return Case("I13", "-Manifest that is not YAML", p =>
        {
            p.Backup = null;
            p.ManifestSource = "restore.yaml";
            p.ManifestText = "apiVersion: velero.io/v1\nkind: Restore\nspec: [unclosed\n";
        }, "NewRestoreManifestInvalid", "InvalidArgument", "restore.yaml");
        yield return Case("I14", "-Manifest holding a Backup instead of a Restore", p =>
        {
            p.Backup = null;
            p.ManifestSource = "backup.yaml";
            p.ManifestText = "apiVersion: velero.io/v1\nkind: Backup\nmetadata:\n  name: x\nspec: {}\n";
        }, "NewRestoreManifestInvalid", "InvalidArgument", "Backup");
        yield return Case("I15", "-Name that is not a Kubernetes name (`Nightly_Restore`)", p => p.Name = "Nightly_Restore", "NewRestoreInvalidArgument", "InvalidArgument", "Nightly_Restore");
        yield return Case("I16", "-Name with a path in it (`../../backups/nightly`)", p => p.Name = "../../backups/nightly", "NewRestoreInvalidArgument", "InvalidArgument", "../../backups/nightly");
        yield return Case("I17", "-Backup naming a backup that does not exist", p => p.Backup = "no-such-backup", "NewRestoreBackupNotFound", "ObjectNotFound", "no-such-backup");
        yield return Case("I18", "-Backup with a path in it (`../nightly`)", p => p.Backup = "../nightly", "NewRestoreBackupNotFound", "ObjectNotFound", "../nightly");
        yield return Case("I19", "-ExistingResourcePolicy with an unknown value (`merge`)", p => p.ExistingResourcePolicy = "merge", "NewRestoreInvalidArgument", "InvalidArgument", "merge");
        yield return Case("I20", "-ItemOperationTimeout that is not a duration (`ten minutes`)", p => p.ItemOperationTimeout = "ten minutes", "NewRestoreInvalidArgument", "InvalidArgument", "ten minutes");
        yield return Case("I21", "-Parallel below zero", p => p.Parallel = -1, "NewRestoreInvalidArgument", "InvalidArgument", "-Parallel");
        yield return Case("I22", "-ResourceModifier document with an invalid rule", p => p.ResourceModifierDocument = "version: v1\nresourceModifierRules:\n- conditions:\n    groupResource: configmaps\n  patches:\n  - operation: explode\n    path: /data\n", "NewRestoreResourceModifierInvalid", "InvalidData", "explode");
        yield return Case("I23", "-JsonPatch whose patch is not JSON", p => p.JsonPatch = new Hashtable { ["configmaps/shop/*"] = "[{\"op\":\"add\"" }, "NewRestoreInvalidArgument", "InvalidArgument", "patches");
        yield return Case("I24", "-Label that is not a Kubernetes label (`team=a b`)", p => p.Label = new Hashtable { ["team"] = "a b" }, "NewRestoreInvalidArgument", "InvalidArgument", "-Label");
        yield return Case("I25", "-ToDirectory pointing at a folder that is not empty, without -Force", p =>
        {
            p.Context = null;
            p.ToDirectory = NonEmptyFolder();
        }, "NewRestoreTargetUnusable", "InvalidArgument", "not empty");
    }

    private static ReliabilityCase Case(string id, string description, Action<RestoreParameters> bad, string errorId, string category, string mustName) => new(
        id,
        Category,
        description,
        $"Terminating error `{errorId}` ({category}) naming `{mustName}`; nothing written to storage, the cluster or a folder",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 3));
            sandbox.SnapshotFiles();
            var parameters = new RestoreParameters
            {
                Backup = Backup,
                Name = Restore,
                Context = new[] { sandbox.Context! },
                KubeConfig = sandbox.KubeconfigPath,
            };
            bad(parameters);
            probe.Mask(parameters.ToDirectory, "<folder>");

            var error = await NewRestoreAsync(sandbox, parameters);

            var (actualId, actualCategory) = error is null ? ("(none)", "(none)") : CmdletErrors.For("NewRestore", error);
            probe.Observe($"`{actualId}` ({actualCategory}): {probe.Short(error?.Message ?? "the restore ran")}");
            probe.Check(actualId == errorId && actualCategory == category, $"expected {errorId} ({category}), got {actualId} ({actualCategory}) from {error?.GetType().Name}");
            probe.Check(error?.Message.Contains(mustName, StringComparison.Ordinal) == true, $"the message does not name '{mustName}'");
            StorageCases.NothingStored(probe, sandbox);
            if (parameters.ToDirectory is { } folder && !folder.StartsWith(sandbox.Root, StringComparison.Ordinal))
            {
                var created = Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(f => !f.EndsWith("keep.txt", StringComparison.Ordinal));
                probe.Check(!created, "files were written into -ToDirectory");
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        });

    /// <summary>
    /// Velero keeps a resource name it cannot resolve and restores nothing for it: a custom resource may be known only to
    /// the target cluster, so the name cannot be refused before the restore starts. It must not pass silently either.
    /// </summary>
    private static ReliabilityCase UnknownResource() => new(
        "I11",
        Category,
        "-IncludeResource naming an unknown resource (`deploymentz`)",
        "Not refused (Velero keeps unresolvable names: a custom resource may exist only in the target cluster); the restore changes nothing and warns that the include matches no resource in the backup",
        async probe =>
        {
            await using var sandbox = await RestoreSandbox.CreateAsync(probe, cluster: true);
            await sandbox.WriteBackupAsync(Backups.ConfigMaps(Backup, 3));
            sandbox.SnapshotFiles();
            var request = new RestoreParameters { Backup = Backup, Name = Restore, Context = new[] { sandbox.Context! }, KubeConfig = sandbox.KubeconfigPath, IncludeResource = new[] { "deploymentz" } }.ToRequest();

            var capture = await sandbox.RunAsync(request);

            var warning = capture.StoredResults?.Warnings.Velero.FirstOrDefault(w => w.Contains("deploymentz", StringComparison.Ordinal));
            probe.Observe($"Restore {capture.Phase}: {capture.OutcomeSummary()}; warning: {warning ?? "none"}");
            probe.Check(capture.Error is null, $"the restore threw {capture.Error?.GetType().Name}");
            probe.Check(warning is not null, "no warning names the include that matches nothing");
            var writes = sandbox.ClusterWrites();
            probe.Check(writes.Count == 0, "the cluster changed: " + string.Join(", ", writes.Select(w => w.Method + " " + w.Path)));
            sandbox.CheckNothingOutside(Restore);
        });

    /// <summary>What New-Restore does, minus PowerShell: map the parameters, check the location, -WhatIf, run. Returns the first exception.</summary>
    private static async Task<Exception?> NewRestoreAsync(RestoreSandbox sandbox, RestoreParameters parameters)
    {
        try
        {
            var request = parameters.ToRequest();
            using var location = sandbox.OpenLocation();
            await location.VerifyAsync(CancellationToken.None);
            var engine = sandbox.Engine(location);
            await engine.DescribeAsync(request, CancellationToken.None);
            await engine.RunAsync(request, null, null, CancellationToken.None);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static string NonEmptyFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "restore-nonempty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "precious");
        return folder;
    }
}

/// <summary>
/// The error id and category New-Restore gives an engine exception: its <see cref="FailureKind"/> (what the engine's
/// door, <see cref="RestoreEngine"/>, turns it into) looked up in the cmdlets' own table, <see cref="FailureErrors"/>.
/// </summary>
internal static class CmdletErrors
{
    public static (string Id, string Category) For(string prefix, Exception error)
    {
        if (EngineFailures.Translate(error) is not { } failure)
        {
            return ("(not mapped: " + error.GetType().Name + ")", "NotSpecified");
        }

        var (suffix, category) = FailureErrors.For(failure.Kind);
        return (prefix + suffix, category.ToString());
    }
}

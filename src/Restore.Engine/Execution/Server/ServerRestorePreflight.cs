using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution.Server;

/// <summary>
/// What Velero needs before a Restore is created in a cluster (docs/velero-compatibility.md#server-restores): its CRDs
/// and namespace, the backup as a synced Backup object, that backup's BackupStorageLocation Available (and the same
/// bucket and prefix as -StorageLocation when one was given), no plugin ConfigMap in the way, and the name free.
/// Each check that fails throws a <see cref="ServerRestoreException"/> that says what to do.
/// </summary>
internal static class ServerRestorePreflight
{
    public static async Task CheckAsync(ServerRestoreTarget target, string name, string veleroNamespace, StorageAddress? location, string? locationText, IEngineLog log, CancellationToken cancellationToken)
    {
        var client = target.Client;
        var context = target.Context;
        var discovery = await client.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        foreach (var needed in new[] { VeleroServerApi.Restores, VeleroServerApi.Backups, VeleroServerApi.BackupStorageLocations })
        {
            if (discovery.FindByGroupResource(needed.Resource + "." + needed.Group) is null)
            {
                throw new ServerRestoreException(
                    ServerRestoreProblem.VeleroNotInstalled,
                    $"Velero is not installed in cluster '{context}': it serves no {needed.Resource}.velero.io (Velero's CRDs are missing). Install Velero there, or restore with the client (leave out -Server).",
                    context);
            }
        }

        if (await client.TryGetAsync(VeleroServerApi.Namespaces, null, veleroNamespace, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ServerRestoreException(
                ServerRestoreProblem.VeleroNotInstalled,
                $"Cluster '{context}' has Velero's CRDs but no namespace '{veleroNamespace}': give the namespace Velero runs in with -VeleroNamespace.",
                context);
        }

        var backup = await ResolveBackupAsync(target, veleroNamespace, log, cancellationToken).ConfigureAwait(false);
        if (backup is not null)
        {
            await CheckLocationAsync(target, backup, veleroNamespace, location, locationText, cancellationToken).ConfigureAwait(false);
        }

        await CheckConfigMapsAsync(target, veleroNamespace, cancellationToken).ConfigureAwait(false);

        if (await client.TryGetAsync(VeleroServerApi.Restores, veleroNamespace, name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            throw new ServerRestoreException(
                ServerRestoreProblem.NameInUse,
                $"Cluster '{context}' already has a Restore '{name}' in namespace '{veleroNamespace}' (phase {ServerRestoreTarget.PhaseOf(existing)}): choose another -Name.",
                name);
        }

        try
        {
            target.CreatedBy = (await client.WhoAmIAsync(cancellationToken).ConfigureAwait(false)).UserName;
        }
        catch (KubernetesApiException)
        {
            // Who created it is a courtesy; a cluster that will not say does not stop the restore.
        }
    }

    /// <summary>
    /// The Backup object the restore uses: the named one, or for a schedule the newest Completed (or, with
    /// AllowPartiallyFailed, PartiallyFailed) one, chosen as Velero's CLI chooses; null when Velero itself is left to
    /// choose from the schedule's backups and none is Completed (its validation then says so).
    /// </summary>
    private static async Task<JsonObject?> ResolveBackupAsync(ServerRestoreTarget target, string veleroNamespace, IEngineLog log, CancellationToken cancellationToken)
    {
        var spec = target.Spec;
        var context = target.Context;
        if (!string.IsNullOrEmpty(spec.BackupName))
        {
            var backup = await target.Client.TryGetAsync(VeleroServerApi.Backups, veleroNamespace, spec.BackupName!, cancellationToken).ConfigureAwait(false);
            return backup ?? throw new ServerRestoreException(
                ServerRestoreProblem.BackupNotSynced,
                $"The Velero server in cluster '{context}' does not know backup '{spec.BackupName}': there is no Backup object of that name in namespace '{veleroNamespace}'. "
                + "Velero restores only backups its backup sync has imported from one of its BackupStorageLocations; wait for the sync, add the location to that Velero, or restore with the client (leave out -Server).",
                spec.BackupName);
        }

        var schedule = spec.ScheduleName ?? string.Empty;
        var ofSchedule = await target.Client.ListAsync(VeleroServerApi.Backups, veleroNamespace, VeleroServerApi.ScheduleNameLabel + "=" + schedule, cancellationToken).ConfigureAwait(false);
        if (ofSchedule.Count == 0)
        {
            throw new ServerRestoreException(
                ServerRestoreProblem.BackupNotSynced,
                $"The Velero server in cluster '{context}' knows no backup of schedule '{schedule}' (no Backup object labelled {VeleroServerApi.ScheduleNameLabel}={schedule} in namespace '{veleroNamespace}').",
                schedule);
        }

        // Newest first by start time, as Velero sorts (docs/velero-compatibility.md#schedule-selection).
        var ordered = ofSchedule.OrderByDescending(b => StartOf(b)).ToList();
        var accepted = target.Request.AllowPartiallyFailed ? new[] { "Completed", "PartiallyFailed" } : new[] { "Completed" };
        var chosen = ordered.FirstOrDefault(b => accepted.Contains(PhaseOf(b), StringComparer.Ordinal));
        if (chosen is not null && target.Request.AllowPartiallyFailed)
        {
            // As Velero's CLI does for --allow-partially-failed: send the backup it chose, not the schedule.
            spec.BackupName = NameOf(chosen);
            spec.ScheduleName = null;
            log.Info($"Cluster {context}: restoring backup {spec.BackupName}, the newest eligible backup of schedule {schedule}", ("backup", spec.BackupName!));
        }

        return chosen;
    }

    private static async Task CheckLocationAsync(ServerRestoreTarget target, JsonObject backup, string veleroNamespace, StorageAddress? location, string? locationText, CancellationToken cancellationToken)
    {
        var context = target.Context;
        var backupName = NameOf(backup);
        var bslName = (backup["spec"] as JsonObject)?["storageLocation"]?.GetValue<string>();
        var bsl = string.IsNullOrEmpty(bslName) ? null : await target.Client.TryGetAsync(VeleroServerApi.BackupStorageLocations, veleroNamespace, bslName!, cancellationToken).ConfigureAwait(false);
        if (bsl is null)
        {
            throw new ServerRestoreException(
                ServerRestoreProblem.LocationMismatch,
                $"Backup '{backupName}' in cluster '{context}' names BackupStorageLocation '{bslName}', which that Velero does not have: it cannot read the backup.",
                backupName);
        }

        if (location is not null && !StorageLocationMatch.Matches(bsl, location))
        {
            throw new ServerRestoreException(
                ServerRestoreProblem.LocationMismatch,
                $"Backup '{backupName}' in cluster '{context}' is in Velero's BackupStorageLocation '{bslName}' ({StorageLocationMatch.Describe(bsl)}), not in -StorageLocation '{locationText}'. "
                + "Give -StorageLocation for that bucket and prefix, or leave -StorageLocation out to use the cluster's own locations.",
                backupName);
        }

        var phase = (bsl["status"] as JsonObject)?["phase"]?.GetValue<string>();
        if (!string.Equals(phase, "Available", StringComparison.Ordinal))
        {
            throw new ServerRestoreException(
                ServerRestoreProblem.LocationUnavailable,
                $"The BSL {bslName} is unavailable, cannot retrieve the backup (cluster '{context}', phase '{phase ?? "not validated yet"}'): Velero would refuse the restore. Check the location's credentials and bucket, then try again.",
                bslName);
        }
    }

    private static async Task CheckConfigMapsAsync(ServerRestoreTarget target, string veleroNamespace, CancellationToken cancellationToken)
    {
        foreach (var map in target.ConfigMaps)
        {
            var labels = (map["metadata"] as JsonObject)?["labels"] as JsonObject;
            var plugin = ServerRestoreObjects.Plugins.FirstOrDefault(p => labels?.ContainsKey(p.Plugin) == true).Plugin;
            if (plugin is null)
            {
                continue;
            }

            // Velero's plugin reads the one ConfigMap with its label and fails when there are more (docs/velero-compatibility.md#server-restores).
            var selector = VeleroServerApi.PluginConfigLabel + "," + plugin + "=" + VeleroServerApi.RestoreItemActionKind;
            var existing = await target.Client.ListAsync(VeleroServerApi.ConfigMaps, veleroNamespace, selector, cancellationToken).ConfigureAwait(false);
            if (existing.Count > 0)
            {
                throw new ServerRestoreException(
                    ServerRestoreProblem.PluginConfigConflict,
                    $"Cluster '{target.Context}' already has the ConfigMap {veleroNamespace}/{NameOf(existing[0])} for Velero's {plugin} plugin, which reads only one: "
                    + "put the mapping into that ConfigMap (and leave the parameter out), or delete it, or wait for the restore that created it to end.",
                    NameOf(existing[0]));
            }
        }
    }

    private static DateTimeOffset StartOf(JsonObject backup) =>
        (backup["status"] as JsonObject)?["startTimestamp"]?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : DateTimeOffset.MinValue;

    private static string PhaseOf(JsonObject backup) => (backup["status"] as JsonObject)?["phase"]?.GetValue<string>() ?? string.Empty;

    internal static string NameOf(JsonObject obj) => (obj["metadata"] as JsonObject)?["name"]?.GetValue<string>() ?? string.Empty;
}

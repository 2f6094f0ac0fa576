using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Restore.Engine.Common;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>
/// Plugins named in the backup: a backup item action that started an asynchronous operation for an item is
/// recorded in the backup's item operations file. Its restore side runs only in a Velero server, so the client
/// restores such items as stored and warns, naming <c>New-Restore -Server</c>
/// (docs/velero-compatibility.md#plugins-named-in-the-backup).
/// </summary>
internal sealed partial class PlanSession
{
    private Dictionary<string, List<BackupItemOperation>>? pluginOperations;
    private readonly SortedDictionary<string, int> pluginItemCounts = new(StringComparer.Ordinal);

    private static string OperationKey(string groupResource, string ns, string name) => groupResource + "\n" + ns + "\n" + name;

    private Dictionary<string, List<BackupItemOperation>> PluginOperations =>
        pluginOperations ??= request.BackupVolumes.ItemOperations
            .Where(o => !o.IsBuiltIn && o.BackupItemAction.Length > 0)
            .GroupBy(o => OperationKey(o.GroupResource, o.Namespace, o.Name), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    /// <summary>Warns on an item that a plugin outside Velero's built-in actions acted on at backup time.</summary>
    private void WarnPluginOperations(PlannedItem item)
    {
        if (PluginOperations.Count == 0
            || !PluginOperations.TryGetValue(OperationKey(item.GroupResource, item.SourceNamespace, item.Name), out var operations))
        {
            return;
        }

        foreach (var plugin in operations.GroupBy(o => o.BackupItemAction, StringComparer.Ordinal))
        {
            var first = plugin.First();
            var operation = first.OperationId.Length == 0 ? string.Empty : $" (operation {first.OperationId}{(first.Phase.Length == 0 ? string.Empty : ", " + first.Phase)})";
            var text = $"Velero plugin \"{plugin.Key}\" acted on this item when it was backed up{operation}; "
                + "a plugin's restore actions run only in the Velero server, so the item is restored as stored. "
                + "To have the plugin restore it, restore through the Velero server (New-Restore -Server) in a cluster where the plugin is installed";

            // Ours, like the volume data warnings: in the results, not counted by Velero's skipped/failed rule.
            AddWarning(item, ResultMessage.ForItem(item.TargetNamespace, text), counts: false);
            pluginItemCounts[plugin.Key] = pluginItemCounts.TryGetValue(plugin.Key, out var n) ? n + 1 : 1;
        }
    }

    /// <summary>One plan note naming every such plugin, so a plan read at a glance says what the client leaves out.</summary>
    private void NotePluginsNamedInBackup()
    {
        if (pluginItemCounts.Count == 0)
        {
            return;
        }

        var named = string.Join(", ", pluginItemCounts.Select(p => string.Format(CultureInfo.InvariantCulture, "\"{0}\" ({1} item{2})", p.Key, p.Value, p.Value == 1 ? string.Empty : "s")));
        var note = $"Velero plugins acted on items of this backup when it was backed up: {named}. The client restores those items as stored; "
            + "to have the plugins restore them, restore through the Velero server (New-Restore -Server) in a cluster where they are installed";
        notes.Add(note);
        log.Info(note);
    }
}

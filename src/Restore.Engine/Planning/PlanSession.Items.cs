using System;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Actions;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>The per-item pipeline: Velero's <c>restoreItem</c> up to the create (docs/velero-compatibility.md#item-steps).</summary>
internal sealed partial class PlanSession
{
    private const string RestoreStatusAnnotation = "velero.io/restore-status";
    private const string VolumeSnapshotContentsResource = "volumesnapshotcontents.snapshot.storage.k8s.io";
    private PersistentVolumeRestorer? volumes;

    private PersistentVolumeRestorer Volumes => volumes ??= new PersistentVolumeRestorer(actionOptions, request.Cluster, request.CloneNameFactory);

    /// <summary>
    /// Plans one item (and, through its actions, its additional items). <paramref name="targetNamespace"/> is the
    /// mapped namespace, empty for cluster-scoped items; <paramref name="original"/> is the file content, from which
    /// the actions' unchanged copy is read.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private void RestoreItem(JsonObject obj, ReadOnlyMemory<byte> original, string gr, string targetNamespace, string path, PlanTier tier, string? parentId)
    {
        var name = PlanObjects.Name(obj);
        var objectNamespace = PlanObjects.Namespace(obj);
        var item = NewPlannedItem(gr, objectNamespace, targetNamespace, name, path, PlanObjects.GetString(obj, "apiVersion"), PlanObjects.GetString(obj, "kind"), parentId);
        var resourceId = item.ResourceId;
        var mustHave = MustHave.Contains(gr);
        if (!PassesFilters(item, gr, objectNamespace, targetNamespace, mustHave, tier))
        {
            return;
        }

        // 4. Completed pods and jobs are neither restored nor listed.
        var completed = PlanObjects.IsCompleted(obj, gr, out var completionError);
        if (completionError is not null)
        {
            Fail(item, ResultMessage.ForItem(targetNamespace, $"error checking completion of \"{resourceId}\": {completionError}"), recorded: false, tier);
            return;
        }

        if (completed)
        {
            Skip(item, gr == "pods" ? "the pod has completed (phase Succeeded or Failed)" : "the job has completed (status.completionTime is set)", recorded: false, tier);
            return;
        }

        if (!IsFirstOfItsKey(item, targetNamespace, name, tier))
        {
            return;
        }

        // From here on the item is in the resource list: skipped, failed or created.
        WarnPluginOperations(item);

        // 6. Mirror pods belong to their node.
        if (gr == "pods" && !string.IsNullOrEmpty(PlanObjects.Annotation(obj, "kubernetes.io/config.mirror")))
        {
            Skip(item, "mirror pods are not restored", recorded: true, tier);
            return;
        }

        // VolumeSnapshotContents go on to their action, which pre-provisions them from the snapshot handle (docs/velero-compatibility.md#csi-snapshots).
        if (mustHave && gr != VolumeSnapshotContentsResource)
        {
            item.AddNote($"{gr} items hold volume data that only Velero's server-side data movers can restore: New-Restore -Server lets the cluster's Velero restore it");
            Skip(item, "cannot restore data client-side", recorded: true, tier);
            return;
        }

        // 7. PersistentVolumes: restore, rename or leave to the claim (before the metadata reset).
        if (gr == "persistentvolumes" && !PlanPersistentVolume(obj, item, tier))
        {
            return;
        }

        // 8. Save the status, then reset metadata and status.
        obj.TryGetPropertyValue("status", out var savedStatus);
        if (PlanObjects.ResetMetadataAndStatus(obj) is string resetError)
        {
            Fail(item, ResultMessage.ForItem(targetNamespace, resetError), recorded: true, tier);
            return;
        }

        // 9. Restore item actions, in registry order.
        if (!RunActions(obj, original, item, gr, objectNamespace, targetNamespace, resourceId, tier))
        {
            return;
        }

        // 10. Claims: binding annotations, re-provisioned and renamed volumes.
        if (gr == "persistentvolumeclaims")
        {
            Volumes.ApplyToClaim(obj);
        }

        // 11. Resource modifiers, then our inline patches; errors do not stop the item.
        foreach (var error in ApplyModifiers(ref obj, gr, objectNamespace, item.SourceNamespace, name))
        {
            AddError(item, ResultMessage.ForItem(targetNamespace, error));
        }

        // 12. Target namespace and restore labels.
        if (targetNamespace.Length > 0)
        {
            if (obj["metadata"] is not JsonObject metadata)
            {
                metadata = new JsonObject();
                obj["metadata"] = metadata;
            }

            metadata["namespace"] = targetNamespace;
        }

        PlanObjects.AddRestoreLabels(obj, restoreLabel, backupLabel);
        if (gr == "pods")
        {
            // The plan says which exec hooks the pod will get (docs/velero-compatibility.md#restore-hooks).
            foreach (var hook in actionOptions.Hooks.ExecHooks(obj))
            {
                item.AddNote($"post-restore exec {hook.Describe()} (runs once the container is {(hook.WaitForReady ? "ready" : "running")}; onError {hook.OnError})");
            }
        }

        // 13. The group-resource the object is sent as (an action may change its group or kind).
        if (!ResolveTarget(PlanObjects.GetString(obj, "apiVersion") ?? string.Empty, PlanObjects.GetString(obj, "kind") ?? string.Empty, item, gr, resourceId, tier))
        {
            return;
        }

        // 15. Status comes back only when the spec and the object's annotation say so.
        if (savedStatus is not null && ShouldRestoreStatus(obj, gr))
        {
            item.RestoreStatus = true;
            item.StatusUtf8 = PlannedItem.Serialize(savedStatus);
        }

        item.WaitForEstablished = item.TargetGroupResource == CrdResource;
        item.TargetName = PlanObjects.Name(obj);
        item.Decision = PlanDecision.Create;
        item.ResourceListAction = "created";
        item.SetObject(obj);
        Emit(item, tier);
    }

    private bool PlanPersistentVolume(JsonObject obj, PlannedItem item, PlanTier tier)
    {
        var decision = Volumes.Decide(obj);
        foreach (var warning in decision.Warnings)
        {
            // Our warnings about volume data: in the results, but not counted by Velero's skipped/failed rule.
            AddWarning(item, ResultMessage.ForItem(string.Empty, warning), counts: false);
        }

        if (decision.Kind == PersistentVolumeRestoreKind.Reprovision)
        {
            Skip(item, decision.Reason, recorded: true, tier);
            return false;
        }

        item.TargetName = decision.Name;
        if (!decision.DataRestored && decision.Warnings.Count > 0)
        {
            item.AddNote(decision.Reason);
        }

        return true;
    }

    [MethodImpl(HotPath.Optimize)]
    private bool RunActions(JsonObject obj, ReadOnlyMemory<byte> original, PlannedItem item, string gr, string sourceNamespace, string targetNamespace, string resourceId, PlanTier tier)
    {
        // The unchanged copy is decoded only if an action reads it, once for all the item's actions.
        JsonObject? fromBackup = null;
        JsonObject ReadFromBackup() => fromBackup ??= JsonNode.Parse(original.Span) as JsonObject ?? new JsonObject();
        foreach (var action in request.Actions.For(gr))
        {
            var context = new RestoreItemActionContext(obj, ReadFromBackup, gr, sourceNamespace, targetNamespace, actionOptions, request.Cluster)
            {
                RestoredServiceAccounts = RestoredServiceAccounts,
            };
            RestoreItemActionResult result;
            try
            {
                result = action.Execute(context);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Fail(item, ResultMessage.ForItem(targetNamespace, $"error preparing {resourceId}: {ex.Message}"), recorded: true, tier);
                return false;
            }

            item.AddAction(action.Name);
            foreach (var warning in context.Warnings)
            {
                AddWarning(item, ResultMessage.ForItem(targetNamespace, warning));
            }

            foreach (var note in context.Notes)
            {
                item.AddNote(note);
            }

            if (result.Skip)
            {
                Skip(item, result.SkipReason ?? $"skipped by the restore item action {action.Name}", recorded: true, tier);
                return false;
            }

            foreach (var additional in result.AdditionalItems)
            {
                PlanAdditionalItem(additional, item, targetNamespace, resourceId, tier);
            }
        }

        return true;
    }

    /// <summary>An additional item is read from the unversioned path and restored recursively, bypassing label selectors (docs/velero-compatibility.md#filter-bypass).</summary>
    private void PlanAdditionalItem(AdditionalItem additional, PlannedItem parent, string parentTargetNamespace, string parentId, PlanTier tier)
    {
        var path = BackupContents.ItemPath(additional.GroupResource, additional.Namespace, additional.Name);
        var id = additional.Namespace.Length == 0 ? $"{additional.GroupResource}/{additional.Name}" : $"{additional.GroupResource}/{additional.Namespace}/{additional.Name}";
        if (!contents.TryGetFile(path, out var bytes))
        {
            AddWarning(parent, ResultMessage.ForItem(additional.Namespace, $"stat {path}: no such file or directory"));
            return;
        }

        // Velero leaves a claim pointing at a snapshot the resource filter keeps out: it stays Pending, silently (docs/velero-compatibility.md#csi-snapshots).
        if (additional.GroupResource == KnownGroupResources.VolumeSnapshots && parent.GroupResource == KnownGroupResources.PersistentVolumeClaims && !IncludesResource(additional.GroupResource))
        {
            var why = $"claim {parentTargetNamespace}/{parent.Name} is provisioned from VolumeSnapshot {additional.Name}, which the resource filter excludes: the claim stays Pending until that snapshot exists; include {KnownGroupResources.VolumeSnapshots} to restore it";
            AddWarning(parent, ResultMessage.ForItem(parentTargetNamespace, why));
            parent.AddNote(why);
        }

        JsonObject? obj;
        try
        {
            obj = JsonNode.Parse(bytes.Span) as JsonObject ?? throw new JsonException("the item is not a JSON object");
            _ = obj.Count;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            AddError(parent, ResultMessage.ForItem(parentTargetNamespace, $"error restoring additional item {id}: {ex.Message}"));
            return;
        }

        try
        {
            RestoreItem(obj, bytes, additional.GroupResource, Target(additional.Namespace), path, tier, parentId);
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            AddError(parent, ResultMessage.ForItem(parentTargetNamespace, $"error restoring additional item {id}: error decoding \"{path}\": {DecodeMessage(ex)}"));
        }
    }

    [MethodImpl(HotPath.Optimize)]
    private bool ResolveTarget(string apiVersion, string kind, PlannedItem item, string gr, string resourceId, PlanTier tier)
    {
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? string.Empty : apiVersion.Substring(0, slash);
        var dot = gr.IndexOf('.');
        var resource = dot < 0 ? gr : gr.Substring(0, dot);
        var served = catalog.FindByKind(apiVersion, kind);
        if (kind != item.Kind)
        {
            if (served is null)
            {
                var gvk = $"{(apiVersion.Length == 0 ? "/" : apiVersion)}, Kind={kind}";
                Fail(item, ResultMessage.ForItem(item.TargetNamespace, $"error getting GVR for {gvk}: no matches for kind \"{kind}\" in version \"{apiVersion}\""), recorded: true, tier);
                return false;
            }

            resource = served.Resource;
        }
        else if (served is not null && (served.Resource != resource || served.Group != (dot < 0 ? string.Empty : gr.Substring(dot + 1))))
        {
            // Velero sends an item to the resource its directory names, so a Secret filed under configmaps/ is refused
            // by the server. Sending it by its kind would slip it past the resource filters: refuse it here instead.
            var servedName = served.Group.Length == 0 ? served.Resource : served.Resource + "." + served.Group;
            Fail(item, ResultMessage.ForItem(item.TargetNamespace, $"error restoring {resourceId}: the item is a {kind} ({servedName}) but its path {item.Path} holds {gr}; it is not restored as either"), recorded: true, tier);
            return false;
        }

        item.TargetGroupResource = group.Length == 0 ? resource : resource + "." + group;
        if (served is null)
        {
            if (request.CatalogIsLive)
            {
                var versions = catalog.GetServedVersions(group);
                if (catalog.FindByGroupResource(item.TargetGroupResource) is not null && versions.Count > 0)
                {
                    item.AddNote($"the cluster serves {item.TargetGroupResource} at {string.Join(", ", versions)} but not at {apiVersion}; use -EnableApiGroupVersions (spec.enableApiGroupVersions) to restore at a served version");
                }

                Fail(item, ResultMessage.ForItem(item.TargetNamespace, $"error restoring {resourceId}: the server could not find the requested resource"), recorded: true, tier);
                return false;
            }

            item.AddNote($"the offline resource catalog does not know {apiVersion}/{kind}; the target cluster must serve it (or the backup must hold its CustomResourceDefinition)");
        }

        return true;
    }

    private PlannedItem NewPlannedItem(string gr, string objectNamespace, string targetNamespace, string name, string path, string? apiVersion, string? kind, string? parentId) =>
        new(gr, targetNamespace.Length > 0 ? objectNamespace : string.Empty, name)
        {
            Path = path,
            TargetNamespace = targetNamespace,
            ApiVersion = typeNames.Get(apiVersion ?? string.Empty),
            Kind = typeNames.Get(kind ?? string.Empty),
            IsAdditionalItem = parentId is not null,
            AdditionalItemOf = parentId,
        };

    /// <summary>Steps 1-3: the filters again (additional items reach this point without the collection's checks) and the target namespace.</summary>
    private bool PassesFilters(PlannedItem item, string gr, string objectNamespace, string targetNamespace, bool mustHave, PlanTier tier)
    {
        if (!IncludesResource(gr) && !mustHave)
        {
            Exclude(item, $"the resource {gr} is excluded by the restore's resource filter", tier);
            return false;
        }

        if (targetNamespace.Length > 0)
        {
            if (!IncludesNamespace(objectNamespace) && !mustHave)
            {
                Exclude(item, $"the namespace {objectNamespace} is not included by the restore's namespace filter", tier);
                return false;
            }

            if (!mustHave)
            {
                EnsureNamespace(objectNamespace, targetNamespace, tier, fromNamespaceItem: false);
            }
        }
        else if (spec.IncludeClusterResources == false)
        {
            Exclude(item, "includeClusterResources is false, so no cluster-scoped item is restored", tier);
            return false;
        }

        return true;
    }

    /// <summary>Step 5: de-duplication on (apiVersion/Kind of the backup object, target namespace, name).</summary>
    private bool IsFirstOfItsKey(PlannedItem item, string targetNamespace, string name, PlanTier tier)
    {
        if (restoredKeys.Add(new ObjectKey(typeNames.Get(item.ResourceListKey), targetNamespace, name)))
        {
            return true;
        }

        Skip(item, $"{item.ResourceId} is already restored earlier in this restore", recorded: false, tier);
        return false;
    }

    private bool ShouldRestoreStatus(JsonObject obj, string gr)
    {
        var should = statusFilter?.ShouldInclude(gr) ?? false;
        var annotation = PlanObjects.Annotation(obj, RestoreStatusAnnotation);
        switch (annotation?.Trim().ToLowerInvariant())
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                return should;
        }
    }
}

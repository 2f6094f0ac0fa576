using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using Restore.Engine.Actions;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>One planning run: the filters, the walk over the ordered resources, and the per-item pipeline.</summary>
internal sealed partial class PlanSession
{
    private const string NamespacesResource = "namespaces";
    private const string CrdResource = "customresourcedefinitions.apiextensions.k8s.io";
    private const string ServiceAccountsResource = "serviceaccounts";

    // Must-have resources bypass every filter but the cluster-scope rule (docs/velero-compatibility.md#must-have, ≥1.17 list).
    private static readonly HashSet<string> MustHave = new(StringComparer.Ordinal) { "datauploads.velero.io", "volumesnapshotcontents.snapshot.storage.k8s.io" };

    private readonly RestorePlanRequest request;
    private readonly RestorePlan plan;
    private readonly CancellationToken cancellationToken;
    private readonly RestoreSpec spec;
    private readonly BackupContents contents;
    private readonly IResourceCatalog catalog;
    private readonly IEngineLog log;
    private readonly RestoreResults results = new();
    private readonly List<PlanTier> tiers = new();
    private readonly List<ResourceOrderEntry> order = new();
    private readonly List<string> notes = new();
    private readonly HashSet<ObjectKey> restoredKeys = new();
    private readonly StringPool typeNames = new();
    private readonly HashSet<string> ensuredNamespaces = new(StringComparer.Ordinal);
    private readonly HashSet<string> accountedResources = new(StringComparer.Ordinal);
    private readonly HashSet<string> pvsToProvision = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> renamedPvs = new(StringComparer.Ordinal);
    private readonly Queue<PlannedItem> output = new();
    private readonly Dictionary<string, string> namespaceMapping;
    private readonly string backupName;
    private readonly string backupLabel;
    private readonly string restoreLabel;
    private readonly Dictionary<string, bool> resourceDecisions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> namespaceDecisions = new(StringComparer.Ordinal);
    private readonly YoungGenerationLimit youngGeneration = new();
    private readonly Dictionary<string, List<string>> createdServiceAccounts = new(StringComparer.Ordinal);
    private ResourceFilter resourceFilter = null!;
    private ResourceFilter? statusFilter;
    private NamespaceFilter namespaceFilter = null!;
    private LabelSelector selector = LabelSelector.Everything;
    private List<LabelSelector> orSelectors = new();
    private List<ObjectSelector> objectSelectors = new();
    private IReadOnlyDictionary<string, ChosenGroupVersion> chosenVersions = new Dictionary<string, ChosenGroupVersion>();
    private RestoreActionOptions actionOptions = null!;
    private int nextOrder = 1;

    public PlanSession(RestorePlanRequest request, RestorePlan plan, CancellationToken cancellationToken)
    {
        this.request = request;
        this.plan = plan;
        this.cancellationToken = cancellationToken;
        spec = plan.Spec;
        contents = request.Contents;
        catalog = request.Catalog;
        log = request.Log;
        namespaceMapping = spec.NamespaceMapping ?? new Dictionary<string, string>(StringComparer.Ordinal);
        backupName = spec.BackupName ?? string.Empty;
        backupLabel = RestoreLabels.GetValidName(backupName);
        restoreLabel = RestoreLabels.GetValidName(request.RestoreName);
    }

    /// <summary>Runs the plan, yielding items in plan order.</summary>
    public IEnumerable<PlannedItem> Run()
    {
        plan.Results = results;
        plan.Tiers = tiers;
        plan.ResourceOrder = order;
        plan.Notes = notes;
        if (!Prepare())
        {
            Finish();
            yield break;
        }

        // Pass 1: CustomResourceDefinitions alone, so their custom resources can be resolved in pass 2 (docs/velero-compatibility.md#restore-passes).
        var processed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in RunPass(ResourcePriorities.CustomResourceDefinitionsOnly, includeAllResources: false, processed))
        {
            yield return item;
        }

        foreach (var item in RunPass(ResourcePriorities.FromRestoreSpec(spec.ResourcePriorities), includeAllResources: true, processed))
        {
            yield return item;
        }

        // Every backup resource is reached by the walk; this only guards against a resource the order never names.
        foreach (var gr in contents.GroupResources.Where(g => !accountedResources.Contains(g)).ToList())
        {
            foreach (var entry in contents.GetItems(gr))
            {
                Exclude(NewItem(entry), "the resource was not reached by the restore order", null);
            }

            while (output.Count > 0)
            {
                yield return output.Dequeue();
            }
        }

        WarnUnmatchedItemFilters();
        Finish();
    }

    private bool Prepare()
    {
        resourceFilter = ResourceFilter.Create(spec.IncludedResources, spec.ExcludedResources, catalog);
        statusFilter = spec.RestoreStatus is null ? null : ResourceFilter.Create(spec.RestoreStatus.IncludedResources, spec.RestoreStatus.ExcludedResources, catalog);
        objectSelectors = (spec.Objects ?? new List<string>()).Select(p => ObjectSelector.TryParse(p, catalog, out var s, out _) ? s! : null).Where(s => s is not null).Select(s => s!).ToList();
        actionOptions = request.ActionOptions ?? new RestoreActionOptions
        {
            NamespaceMapping = namespaceMapping,
            PreserveNodePorts = spec.PreserveNodePorts == true,
            RestorePersistentVolumes = spec.RestorePVs,
            StorageClassMapping = spec.StorageClassMapping ?? new Dictionary<string, string>(),
            ImageMapping = spec.ImageMapping ?? new Dictionary<string, string>(),
            NodeMapping = spec.NodeMapping ?? new Dictionary<string, string>(),
            RestoreUid = request.RestoreUid,
            CsiActionsEnabled = request.CsiActionsEnabled,
            BackupVolumes = request.BackupVolumes,
            Hooks = RestoreHookRules.From(spec.Hooks),
        };
        PrepareModifiers();

        // An invalid selector stops a Velero restore before anything is restored (docs/velero-compatibility.md#label-selectors).
        try
        {
            selector = spec.LabelSelector is null ? LabelSelector.Everything : LabelSelector.FromJson(RestoreSpecJson.WriteSelector(spec.LabelSelector));
            orSelectors = (spec.OrLabelSelectors ?? new List<LabelSelectorSpec?>())
                .Select(s => s is null ? LabelSelector.Nothing : LabelSelector.FromJson(RestoreSpecJson.WriteSelector(s)))
                .ToList();
        }
        catch (FormatException ex)
        {
            return Stop(ex.Message);
        }

        if (!contents.HasResources)
        {
            results.Warnings.AddVelero("zero items to be restored: directory \"resources\": does not exist");
            plan.StoppedReason = "the backup has no resources";
            return false;
        }

        foreach (var warning in contents.Warnings)
        {
            log.Warning(warning);
        }

        namespaceFilter = NamespaceFilter.Create(spec.IncludedNamespaces, spec.ExcludedNamespaces, spec.NamespaceMatching ?? NamespaceMatching.Glob, contents.GetAllNamespaces(), out var wildcardError, out var wildcardWarning);
        if (wildcardError is not null)
        {
            return Stop(wildcardError);
        }

        if (wildcardWarning is not null)
        {
            results.Warnings.AddVelero(wildcardWarning);
            notes.Add(wildcardWarning);
        }

        WarnUnmatchedListFilters(namespaceIncludesWarned: wildcardWarning is not null);

        if (spec.EnableApiGroupVersions == true && ApiGroupVersionChooser.AppliesTo(request.BackupFormatVersion))
        {
            var target = catalog is LayeredResourceCatalog layered ? layered.Primary : catalog;
            chosenVersions = ApiGroupVersionChooser.Choose(contents, target, spec.ApiGroupVersionPriorities, log);
            plan.ChosenVersions = chosenVersions;
            foreach (var pair in chosenVersions.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                // Say so where the choice changes something or the user asked: the other resources keep the backup's version.
                var asked = spec.ApiGroupVersionPriorities?.ContainsKey(pair.Key) == true;
                if (asked || !pair.Value.Directory.EndsWith(ApiGroupVersionChooser.PreferredSuffix, StringComparison.Ordinal))
                {
                    notes.Add($"API group versions: {pair.Key} is restored at {pair.Value.Version} ({ApiGroupVersionChooser.DescribeRule(pair.Value.Rule)})");
                }
            }
        }
        else if (spec.EnableApiGroupVersions == true)
        {
            notes.Add($"enableApiGroupVersions has no effect: the backup's format version \"{request.BackupFormatVersion}\" is older than 1.1.0, so every item is read at its stored version");
        }

        log.Info($"Starting restore of backup {backupName}", ("restore", request.RestoreName));
        return true;
    }

    private bool Stop(string veleroError)
    {
        results.Errors.AddVelero(veleroError);
        plan.StoppedReason = veleroError;
        log.Error(veleroError);
        return false;
    }

    private IEnumerable<PlannedItem> RunPass(ResourcePriorities priorities, bool includeAllResources, HashSet<string> processed)
    {
        var selected = Collect(priorities, includeAllResources, processed);
        while (output.Count > 0)
        {
            yield return output.Dequeue();
        }

        foreach (var resource in selected)
        {
            var tier = new PlanTier(tiers.Count, resource.GroupResource, includeAllResources ? resource.Group : PriorityGroup.CustomResourceDefinitions);
            tiers.Add(tier);
            foreach (var item in resource.Items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                youngGeneration.Tick();
                ProcessSelected(resource.GroupResource, item, tier);
                while (output.Count > 0)
                {
                    yield return output.Dequeue();
                }
            }
        }
    }

    /// <summary>Velero's <c>getOrderedResourceCollection</c>: resolve, de-duplicate, filter and select (docs/velero-compatibility.md#resource-order).</summary>
    private List<SelectedResource> Collect(ResourcePriorities priorities, bool includeAllResources, HashSet<string> processed)
    {
        var entries = includeAllResources
            ? priorities.OrderFor(contents.GroupResources)
            : priorities.High.Select(h => (h, PriorityGroup.CustomResourceDefinitions)).ToArray();
        var selected = new List<SelectedResource>();
        foreach (var (entry, group) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gr = ResourceFilter.Resolve(entry, catalog);
            if (processed.Contains(gr))
            {
                order.Add(new ResourceOrderEntry(entry, gr, group, "already processed"));
                continue;
            }

            var inBackup = contents.GroupResources.Contains(gr);
            if (!IncludesResource(gr) && !MustHave.Contains(gr))
            {
                order.Add(new ResourceOrderEntry(entry, gr, group, "excluded"));
                if (inBackup && accountedResources.Add(gr))
                {
                    var reason = RestoreValidator.NonRestorableResources.Contains(gr)
                        ? $"{gr} is a non-restorable resource"
                        : $"the resource {gr} is excluded by the restore's resource filter";
                    foreach (var e in contents.GetItems(gr))
                    {
                        Exclude(NewItem(e), reason, null);
                    }
                }

                continue;
            }

            if (!inBackup)
            {
                order.Add(new ResourceOrderEntry(entry, gr, group, "not in backup"));
                continue;
            }

            order.Add(new ResourceOrderEntry(entry, gr, group, "selected"));
            accountedResources.Add(gr);
            var resource = new SelectedResource(gr, group);

            // Items come sorted by namespace, then name: walk the buckets in one pass.
            var all = contents.GetItems(gr);
            for (var start = 0; start < all.Count;)
            {
                var end = start;
                while (end < all.Count && all[end].Namespace == all[start].Namespace)
                {
                    end++;
                }

                SelectBucket(resource, all[start].Namespace, all, start, end);
                start = end;
            }

            selected.Add(resource);
            processed.Add(gr);
        }

        return selected;
    }

    [MethodImpl(HotPath.Optimize)]
    private void SelectBucket(SelectedResource resource, string ns, IReadOnlyList<BackupItemEntry> all, int start, int end)
    {
        var gr = resource.GroupResource;
        var items = new ArraySegmentList(all, start, end);
        string? reason = null;
        if (ns.Length > 0 && !IncludesNamespace(ns) && !MustHave.Contains(gr))
        {
            reason = $"the namespace {ns} is not included by the restore's namespace filter";
        }
        else if (ns.Length == 0 && spec.IncludeClusterResources == false)
        {
            reason = "includeClusterResources is false, so no cluster-scoped item is restored";
        }
        else if (ns.Length == 0 && spec.IncludeClusterResources != true && !namespaceFilter.IncludeEverything)
        {
            reason = gr == NamespacesResource
                ? "namespace objects are cluster-scoped and only some namespaces are included; a namespace is still created when an item is restored into it"
                : "cluster-scoped items are restored automatically only when every namespace is included; set includeClusterResources to true to restore them";
        }

        if (reason is not null)
        {
            log.Info(ns.Length > 0 ? $"Skipping namespace {ns}" : $"Skipping resource {gr} because it's cluster-scoped", ("resource", gr));
            foreach (var e in items)
            {
                Exclude(NewItem(e), reason, null);
            }

            return;
        }

        var targetNs = Target(ns);
        var directory = chosenVersions.TryGetValue(gr, out var chosen) ? chosen.Directory : null;

        // Labels, kind and apiVersion are only read from each file when a selector can exclude items.
        var selectsItems = !selector.IsEverything || orSelectors.Count > 0 || objectSelectors.Count > 0;
        foreach (var e in items)
        {
            // The path string is built only for a message or a planned item: kept for every selected item, it was a
            // large part of the plan's memory.
            string Path() => directory is null ? e.Path : VersionedPath(e, directory);
            ReadOnlyMemory<byte> bytes;
            if (directory is null)
            {
                bytes = e.Content;
            }
            else if (!contents.TryGetVersionedCopy(e, directory, out bytes))
            {
                var path = Path();
                Fail(NewItem(e, path), ResultMessage.ForItem(targetNs, $"error decoding \"{path}\": open {path}: no such file or directory"), recorded: false);
                continue;
            }

            if (!ItemHeader.TryRead(bytes.Span, out var header, out var error, readDetails: selectsItems))
            {
                var path = Path();
                Fail(NewItem(e, path), ResultMessage.ForItem(targetNs, $"error decoding \"{path}\": {error}"), recorded: false);
                continue;
            }

            if (!MustHave.Contains(gr))
            {
                NoteItemFilters(gr, e, header);
                var why = SelectorMismatch(gr, e, header);
                if (why is not null)
                {
                    var excluded = NewItem(e, Path());
                    excluded.ApiVersion = header.ApiVersion;
                    excluded.Kind = header.Kind;
                    Exclude(excluded, why, null);
                    continue;
                }
            }

            resource.Items.Add(new SelectedItem(e, directory, targetNs, bytes));
        }
    }

    private string? SelectorMismatch(string gr, BackupItemEntry e, ItemHeader header)
    {
        if (!selector.Matches(header.Labels))
        {
            return "its labels do not match the restore's labelSelector";
        }

        if (orSelectors.Count > 0 && !orSelectors.Any(s => s.Matches(header.Labels)))
        {
            return "its labels match none of the restore's orLabelSelectors";
        }

        if (!ObjectSelector.AnyMatches(objectSelectors, gr, e.Namespace, e.Name))
        {
            return "it matches none of the restore's object patterns";
        }

        return null;
    }

    /// <summary>Velero's <c>processSelectedResource</c> for one item (docs/velero-compatibility.md#restore-passes step 8).</summary>
    [MethodImpl(HotPath.Optimize)]
    private void ProcessSelected(string gr, SelectedItem selected, PlanTier tier)
    {
        var entry = selected.Entry;
        if (gr == NamespacesResource)
        {
            // A namespace item only makes sure its (mapped) namespace exists.
            var target = Target(entry.Name);
            if (!EnsureNamespace(entry.Name, target, tier, fromNamespaceItem: true))
            {
                var item = NewItem(entry, selected.Path);
                item.TargetName = target;
                Skip(item, $"the namespace {target} is already ensured earlier in the plan", recorded: false, tier);
            }

            return;
        }

        if (entry.Namespace.Length > 0 && !MustHave.Contains(gr))
        {
            EnsureNamespace(entry.Namespace, selected.TargetNamespace, tier, fromNamespaceItem: false);
        }

        try
        {
            if (TryPlanPlain(gr, selected, tier))
            {
                return;
            }

            JsonObject obj;
            try
            {
                obj = JsonNode.Parse(selected.Bytes.Span) as JsonObject ?? throw new JsonException("the item is not a JSON object");
                _ = obj.Count; // materialises the properties, so duplicate keys fail here
            }
            catch (Exception ex) when (IsDecodeFailure(ex))
            {
                Fail(NewItem(entry, selected.Path), ResultMessage.ForItem(selected.TargetNamespace, $"error decoding \"{selected.Path}\": {ex.Message}"), recorded: false);
                return;
            }

            RestoreItem(obj, selected.Bytes, gr, selected.TargetNamespace, selected.Path, tier, parentId: null);
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            // Some JSON the reader takes is refused later, when a nested part is read or the object is written back
            // (a lone surrogate escape, for one). It fails this item, not the restore (docs/velero-compatibility.md#undecodable-items).
            Fail(NewItem(entry, selected.Path), ResultMessage.ForItem(selected.TargetNamespace, $"error decoding \"{selected.Path}\": {DecodeMessage(ex)}"), recorded: false);
        }
    }

    private static bool IsDecodeFailure(Exception ex) => ex is JsonException or InvalidOperationException or ArgumentException;

    /// <summary>The innermost message: the serializer's own ("could not be serialized. Path: $.") says nothing of the cause.</summary>
    private static string DecodeMessage(Exception ex)
    {
        while (ex is JsonException && ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }

    /// <summary>Queues a namespace ensure step unless the target is already ensured; returns whether one was queued.</summary>
    private bool EnsureNamespace(string sourceNamespace, string targetNamespace, PlanTier tier, bool fromNamespaceItem)
    {
        if (!ensuredNamespaces.Add(targetNamespace))
        {
            return false;
        }

        var ns = PlanObjects.BuildNamespace(contents, sourceNamespace, targetNamespace, out var path);
        var item = new PlannedItem(NamespacesResource, string.Empty, sourceNamespace)
        {
            ApiVersion = "v1",
            Kind = "Namespace",
            TargetNamespace = string.Empty,
            TargetName = targetNamespace,
            IsNamespace = true,
            Path = path,
            ResourceListAction = "created",
        };
        if (!fromNamespaceItem && path is null)
        {
            item.AddNote($"the backup has no copy of namespace {sourceNamespace}; a bare namespace is created if it does not exist");
        }

        item.SetObject(ns);
        Emit(item, tier);
        return true;
    }

    private void Finish()
    {
        NotePluginsNamedInBackup();
        var s = plan.Summary;
        s.Warnings = results.Warnings.Count;
        s.Errors = results.Errors.Count;
        log.Info("planning completed", ("create", s.ToCreate.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("warnings", s.Warnings.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("errors", s.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    // Filter answers are cached: a restore asks the same few questions for every item.
    private bool IncludesResource(string gr)
    {
        if (!resourceDecisions.TryGetValue(gr, out var include))
        {
            include = resourceFilter.ShouldInclude(gr);
            resourceDecisions[gr] = include;
        }

        return include;
    }

    private bool IncludesNamespace(string ns)
    {
        if (!namespaceDecisions.TryGetValue(ns, out var include))
        {
            include = namespaceFilter.ShouldInclude(ns);
            namespaceDecisions[ns] = include;
        }

        return include;
    }

    private void NoteCreatedServiceAccount(PlannedItem item)
    {
        if (!createdServiceAccounts.TryGetValue(item.TargetNamespace, out var names))
        {
            names = new List<string>();
            createdServiceAccounts.Add(item.TargetNamespace, names);
        }

        names.Add(item.TargetName);
    }

    /// <summary>ServiceAccounts planned for creation so far in a target namespace (the Secret action asks).</summary>
    private IReadOnlyCollection<string> RestoredServiceAccounts(string targetNamespace) =>
        createdServiceAccounts.TryGetValue(targetNamespace ?? string.Empty, out var names) ? names : Array.Empty<string>();

    private string Target(string sourceNamespace) =>
        sourceNamespace.Length > 0 && namespaceMapping.TryGetValue(sourceNamespace, out var t) ? t : sourceNamespace;

    private static string VersionedPath(BackupItemEntry e, string directory) =>
        BackupContents.ItemDirectory(e.GroupResource, directory, e.Namespace) + e.FileName;

    private PlannedItem NewItem(BackupItemEntry e, string? path = null) =>
        new(e.GroupResource, e.Namespace, e.Name) { Path = path ?? e.Path, TargetNamespace = Target(e.Namespace) };

    /// <summary>Records an item the filters leave out (no resource-list entry).</summary>
    private void Exclude(PlannedItem item, string reason, PlanTier? tier)
    {
        item.Decision = PlanDecision.Excluded;
        item.Reason = reason;
        item.ResourceListAction = null;
        plan.Summary.Excluded++;
        if (tier is not null)
        {
            item.TierIndex = tier.Index;
            item.TierName = tier.GroupResource;
            item.PriorityGroup = tier.PriorityGroup;
        }

        if (request.IncludeExcludedItems)
        {
            output.Enqueue(item);
        }
    }

    /// <summary>Marks an item skipped; a listed item is <c>skipped</c> without Velero warnings or errors, else <c>failed</c> (docs/velero-compatibility.md#item-steps step 5).</summary>
    private void Skip(PlannedItem item, string reason, bool recorded, PlanTier? tier)
    {
        item.Decision = PlanDecision.Skipped;
        item.Reason = reason;
        item.ResourceListAction = recorded ? (item.VeleroMessageCount == 0 ? "skipped" : "failed") : null;
        plan.Summary.Skipped++;
        Emit(item, tier);
    }

    private void Fail(PlannedItem item, ResultMessage error, bool recorded, PlanTier? tier = null)
    {
        AddError(item, error);
        item.Decision = PlanDecision.Failed;
        item.Reason = error.Text;
        item.ResourceListAction = recorded ? "failed" : null;
        plan.Summary.Failed++;
        Emit(item, tier);
    }

    private void AddError(PlannedItem item, ResultMessage error)
    {
        item.AddError(error);
        item.VeleroMessageCount++;
        results.Errors.Add(error);
    }

    private void AddWarning(PlannedItem item, ResultMessage warning, bool counts = true)
    {
        item.AddWarning(warning);
        if (counts)
        {
            item.VeleroMessageCount++;
        }

        results.Warnings.Add(warning);
    }

    [MethodImpl(HotPath.Optimize)]
    private void Emit(PlannedItem item, PlanTier? tier)
    {
        if (tier is not null)
        {
            item.TierIndex = tier.Index;
            item.TierName = tier.GroupResource;
            item.PriorityGroup = tier.PriorityGroup;
        }

        if (item.Decision == PlanDecision.Create)
        {
            item.Order = nextOrder++;
            if (item.IsNamespace)
            {
                plan.Summary.NamespacesToEnsure++;
            }
            else
            {
                plan.Summary.ToCreate++;
                if (item.TargetGroupResource == ServiceAccountsResource)
                {
                    NoteCreatedServiceAccount(item);
                }
            }

            if (tier is not null)
            {
                tier.ItemCount++;
            }
        }

        if (item.ResourceListAction is not null)
        {
            plan.Summary.ResourceListEntries++;
        }

        output.Enqueue(item);
    }

    private readonly struct ArraySegmentList : IEnumerable<BackupItemEntry>
    {
        private readonly IReadOnlyList<BackupItemEntry> list;
        private readonly int start;
        private readonly int end;

        public ArraySegmentList(IReadOnlyList<BackupItemEntry> list, int start, int end)
        {
            this.list = list;
            this.start = start;
            this.end = end;
        }

        public IEnumerator<BackupItemEntry> GetEnumerator()
        {
            for (var i = start; i < end; i++)
            {
                yield return list[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class SelectedResource
    {
        public SelectedResource(string groupResource, PriorityGroup group)
        {
            GroupResource = groupResource;
            Group = group;
        }

        public string GroupResource { get; }

        public PriorityGroup Group { get; }

        public List<SelectedItem> Items { get; } = new();
    }

    private sealed class SelectedItem
    {
        private readonly string? versionDirectory;

        public SelectedItem(BackupItemEntry entry, string? versionDirectory, string targetNamespace, ReadOnlyMemory<byte> bytes)
        {
            Entry = entry;
            this.versionDirectory = versionDirectory;
            TargetNamespace = targetNamespace;
            Bytes = bytes;
        }

        public BackupItemEntry Entry { get; }

        /// <summary>The file the item is read from (its version directory's copy when a version was chosen).</summary>
        public string Path => versionDirectory is null ? Entry.Path : VersionedPath(Entry, versionDirectory);

        public string TargetNamespace { get; }

        public ReadOnlyMemory<byte> Bytes { get; }
    }
}

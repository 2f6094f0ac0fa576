using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Velero;

namespace Restore.Engine.Planning;

/// <summary>What the plan does with an item.</summary>
internal enum PlanDecision
{
    /// <summary>Send the object to the cluster (for a namespace: make sure it exists).</summary>
    Create,

    /// <summary>Left out by the restore's filters (resources, namespaces, cluster scope, selectors, <c>-Object</c>).</summary>
    Excluded,

    /// <summary>Passed the filters but is not restored (completed pod, mirror pod, already restored, skipped by an action, volume data that cannot be restored client-side…).</summary>
    Skipped,

    /// <summary>Cannot be restored: undecodable file, action error, unknown kind on the target.</summary>
    Failed,
}

/// <summary>
/// One step of a restore plan: an item of the backup (or a namespace to ensure) and what happens to it.
/// The object to send is kept as compact UTF-8 JSON (<see cref="ObjectUtf8"/>), one copy per item.
/// </summary>
internal sealed class PlannedItem
{
    // Most items have no messages: the lists are created on first use.
    private List<ResultMessage>? warnings;
    private List<ResultMessage>? errors;
    private List<string>? notes;
    private List<string>? actions;

    internal PlannedItem(string groupResource, string sourceNamespace, string name)
    {
        GroupResource = groupResource;
        TargetGroupResource = groupResource;
        SourceNamespace = sourceNamespace;
        Name = name;
        TargetName = name;
        TargetNamespace = sourceNamespace;
    }

    /// <summary>Position in the plan, from 1; 0 for items that are not restored (excluded, skipped without a record).</summary>
    public int Order { get; internal set; }

    /// <summary>Group-resource as found in the backup (<c>deployments.apps</c>).</summary>
    public string GroupResource { get; }

    /// <summary>Group-resource the object is sent as (differs when an action changed its kind or group).</summary>
    public string TargetGroupResource { get; internal set; }

    /// <summary><c>apiVersion</c> of the backed-up object; empty when it could not be read.</summary>
    public string ApiVersion { get; internal set; } = string.Empty;

    /// <summary><c>kind</c> of the backed-up object; empty when it could not be read.</summary>
    public string Kind { get; internal set; } = string.Empty;

    /// <summary>Namespace in the backup; empty for cluster-scoped items (and for namespaces themselves).</summary>
    public string SourceNamespace { get; }

    /// <summary>Name in the backup.</summary>
    public string Name { get; }

    /// <summary>Namespace the item is restored into (after mapping); empty for cluster-scoped items.</summary>
    public string TargetNamespace { get; internal set; }

    /// <summary>Name the object is created with (differs for renamed PersistentVolumes and mapped namespaces).</summary>
    public string TargetName { get; internal set; }

    /// <summary>The decision.</summary>
    public PlanDecision Decision { get; internal set; } = PlanDecision.Create;

    /// <summary>Why the item is excluded, skipped or failed; null for <see cref="PlanDecision.Create"/>.</summary>
    public string? Reason { get; internal set; }

    /// <summary>
    /// What Velero would write for this item in the restored resource list (docs/velero-compatibility.md#resource-list) if the cluster accepts the
    /// create: <c>created</c>, <c>skipped</c> or <c>failed</c>; null when the item is not listed at all (filtered,
    /// completed, duplicate, undecodable).
    /// </summary>
    public string? ResourceListAction { get; internal set; }

    /// <summary>Index of the priority tier (one tier per restored resource, in restore order); -1 for items outside every tier.</summary>
    public int TierIndex { get; internal set; } = -1;

    /// <summary>Name of the tier: the group-resource it restores.</summary>
    public string TierName { get; internal set; } = string.Empty;

    /// <summary>Part of the restore order the tier belongs to.</summary>
    public PriorityGroup PriorityGroup { get; internal set; } = PriorityGroup.Default;

    /// <summary>Archive path the object was read from; null for namespaces built without a backup file.</summary>
    public string? Path { get; internal set; }

    /// <summary>True for a namespace the restore makes sure exists (built per docs/velero-compatibility.md#namespace-creation; no actions, modifiers or labels).</summary>
    public bool IsNamespace { get; internal set; }

    /// <summary>True when an action of another item pulled this item in (label selectors were not applied).</summary>
    public bool IsAdditionalItem { get; internal set; }

    /// <summary>Resource id (<c>GR/ns/name</c>) of the item whose action pulled this one in.</summary>
    public string? AdditionalItemOf { get; internal set; }

    /// <summary>True when the saved status is put back after the create (docs/velero-compatibility.md#status-restore).</summary>
    public bool RestoreStatus { get; internal set; }

    /// <summary>True for a CustomResourceDefinition: after creating it, wait until it is Established before going on.</summary>
    public bool WaitForEstablished { get; internal set; }

    /// <summary>Names of the restore item actions that ran on the item, in order.</summary>
    public IReadOnlyList<string> Actions => (IReadOnlyList<string>?)actions ?? Array.Empty<string>();

    /// <summary>Warnings the item raises, with their results bucket.</summary>
    public IReadOnlyList<ResultMessage> Warnings => (IReadOnlyList<ResultMessage>?)warnings ?? Array.Empty<ResultMessage>();

    /// <summary>Errors the item raises, with their results bucket.</summary>
    public IReadOnlyList<ResultMessage> Errors => (IReadOnlyList<ResultMessage>?)errors ?? Array.Empty<ResultMessage>();

    /// <summary>Advice that is not part of Velero's results (for example, a volume whose data cannot be restored client-side).</summary>
    public IReadOnlyList<string> Notes => (IReadOnlyList<string>?)notes ?? Array.Empty<string>();

    /// <summary>The object to send, compact UTF-8 JSON; null when nothing is sent or the plan dropped objects.</summary>
    public byte[]? ObjectUtf8 { get; internal set; }

    /// <summary>The object to send as JSON text; null when there is none.</summary>
    public string? ObjectJson => ObjectUtf8 is null ? null : Encoding.UTF8.GetString(ObjectUtf8);

    /// <summary>The backed-up <c>status</c> to restore after the create (compact UTF-8 JSON); null unless <see cref="RestoreStatus"/>.</summary>
    public byte[]? StatusUtf8 { get; internal set; }

    /// <summary>The <c>apiVersion/Kind</c> key of Velero's resource list, from the backed-up object.</summary>
    public string ResourceListKey => ApiVersion.Length == 0 ? Kind : ApiVersion + "/" + Kind;

    /// <summary>Velero's resource id: <c>GR/targetNamespace/name</c>, or <c>GR/name</c> for cluster-scoped items.</summary>
    public string ResourceId => TargetNamespace.Length == 0 ? $"{GroupResource}/{Name}" : $"{GroupResource}/{TargetNamespace}/{Name}";

    /// <summary>The resource-list entry: <c>ns/name(action)</c> or <c>name(action)</c>; null when not listed.</summary>
    public string? ResourceListEntry => ResourceListAction is null ? null : (TargetNamespace.Length == 0 ? TargetName : TargetNamespace + "/" + TargetName) + "(" + ResourceListAction + ")";

    /// <summary>Parses <see cref="ObjectUtf8"/> into a fresh tree; null when there is no object.</summary>
    internal JsonObject? ParseObject() => ObjectUtf8 is null ? null : JsonNode.Parse(ObjectUtf8) as JsonObject;

    /// <summary>Parses <see cref="StatusUtf8"/>; null when there is none.</summary>
    internal JsonNode? ParseStatus() => StatusUtf8 is null ? null : JsonNode.Parse(StatusUtf8);

    /// <inheritdoc />
    public override string ToString() => $"{Order} {Decision} {ResourceId}" + (Reason is null ? string.Empty : " (" + Reason + ")");

    /// <summary>Warnings and errors Velero itself would raise for the item (decides skipped versus failed).</summary>
    internal int VeleroMessageCount { get; set; }

    /// <summary>
    /// The outcome of an item the plan already decided, when nothing is sent: Failed only when it raises an error;
    /// one with warnings alone is Skipped (its resource-list entry, <see cref="PlannedListAction"/>, says failed).
    /// </summary>
    internal string PlannedOutcome => Decision == PlanDecision.Failed || Errors.Count > 0 ? ItemRestoreAction.Failed : ItemRestoreAction.Skipped;

    /// <summary>Velero's resource-list action for an item the plan already decided.</summary>
    internal string PlannedListAction => Decision == PlanDecision.Failed || ResourceListAction == "failed" ? ItemRestoreAction.Failed : ItemRestoreAction.Skipped;

    internal void AddWarning(ResultMessage m) => (warnings ??= new List<ResultMessage>()).Add(m);

    internal void AddError(ResultMessage m) => (errors ??= new List<ResultMessage>()).Add(m);

    internal void AddNote(string note) => (notes ??= new List<string>()).Add(note);

    internal void AddAction(string name) => (actions ??= new List<string>()).Add(name);

    /// <summary>The <c>apiVersion</c> of the object to send (an action may have changed it); null when it has none.</summary>
    internal string? ObjectApiVersion { get; private set; }

    /// <summary>The <c>kind</c> of the object to send; null when it has none.</summary>
    internal string? ObjectKind { get; private set; }

    /// <summary>The apiVersion and kind the object is sent as: the object's own (an action may have changed them), else the backed-up ones.</summary>
    internal (string ApiVersion, string Kind) SentType => (ObjectApiVersion ?? ApiVersion, ObjectKind ?? Kind);

    /// <summary>Sets an object written without a tree (see <see cref="PlainItemRewriter"/>).</summary>
    internal void SetObject(byte[] objectUtf8, string? apiVersion, string? kind)
    {
        ObjectUtf8 = objectUtf8;
        ObjectApiVersion = apiVersion;
        ObjectKind = kind;
    }

    internal void SetObject(JsonNode node)
    {
        ObjectUtf8 = Serialize(node);
        ObjectApiVersion = TextOf(node, "apiVersion");
        ObjectKind = TextOf(node, "kind");
    }

    private static string? TextOf(JsonNode node, string property) =>
        node is JsonObject obj && obj[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    internal static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, SerializerOptions);

    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

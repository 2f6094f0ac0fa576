using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Velero;

/// <summary>
/// A whole <c>velero.io/v1</c> Restore object: metadata, spec and status, read from or written to YAML or
/// JSON. Unknown fields are ignored on reading. Written JSON follows the Kubernetes layout (2-space indent,
/// Velero's field order, empty values omitted).
/// </summary>
internal sealed class RestoreManifest
{
    /// <summary>The only apiVersion accepted.</summary>
    public const string ApiVersion = "velero.io/v1";

    /// <summary>The only kind accepted.</summary>
    public const string Kind = "Restore";

    /// <summary><c>metadata.name</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>metadata.namespace</c>: the Velero namespace, normally <c>velero</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary><c>metadata.uid</c>, when known.</summary>
    public string? Uid { get; set; }

    /// <summary><c>metadata.creationTimestamp</c>, when known.</summary>
    public DateTimeOffset? CreationTimestamp { get; set; }

    /// <summary><c>metadata.labels</c> of the Restore object itself.</summary>
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary><c>metadata.annotations</c> of the Restore object itself.</summary>
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary><c>spec</c>.</summary>
    public RestoreSpec Spec { get; set; } = new();

    /// <summary><c>status</c>; null when the manifest has none.</summary>
    public RestoreStatusInfo? Status { get; set; }

    /// <summary>Reads a manifest from YAML or JSON text (JSON when the first non-blank character is <c>{</c>).</summary>
    /// <exception cref="FormatException">The text is not a readable velero.io/v1 Restore; the message says why.</exception>
    public static RestoreManifest Parse(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var trimmed = text.TrimStart();
        return trimmed.StartsWith("{", StringComparison.Ordinal) ? ParseJson(text) : ParseYaml(text);
    }

    /// <summary>Reads a manifest from JSON text.</summary>
    /// <exception cref="FormatException">The text is not valid JSON or not a Restore.</exception>
    public static RestoreManifest ParseJson(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new FormatException("the Restore manifest is not valid JSON: " + ex.Message, ex);
        }

        return FromNode(node);
    }

    /// <summary>Reads a manifest from YAML text (the first document).</summary>
    /// <exception cref="FormatException">The text is not valid YAML or not a Restore.</exception>
    public static RestoreManifest ParseYaml(string yaml) => FromNode(ManifestYaml.Parse(yaml, "the Restore manifest"));

    /// <summary>Writes the manifest as JSON (indented by default, like <c>kubectl get -o json</c>).</summary>
    /// <param name="indented">Two-space indentation (true) or compact JSON.</param>
    /// <param name="veleroOnly">Leave out this module's spec extensions, for a manifest a Velero server accepts.</param>
    public string ToJson(bool indented = true, bool veleroOnly = false) =>
        ToNode(!veleroOnly).ToJsonString(new JsonSerializerOptions { WriteIndented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Writes the manifest as YAML (block style; strings that would read back as another type are quoted).</summary>
    /// <param name="veleroOnly">Leave out this module's spec extensions, for a manifest a Velero server accepts.</param>
    public string ToYaml(bool veleroOnly = false) => ManifestYaml.Write(ToNode(!veleroOnly));

    /// <summary>A deep copy.</summary>
    public RestoreManifest Clone() => new()
    {
        Name = Name,
        Namespace = Namespace,
        Uid = Uid,
        CreationTimestamp = CreationTimestamp,
        Labels = RestoreSpec.CopyMap(Labels),
        Annotations = RestoreSpec.CopyMap(Annotations),
        Spec = Spec.Clone(),
        Status = Status?.Clone(),
    };

    /// <summary>
    /// A copy whose spec has <paramref name="overrides"/> applied (<see cref="RestoreSpec.Merge"/>): parameters given on
    /// the command line override the manifest's fields. A non-empty <paramref name="name"/> replaces the name and
    /// non-null <paramref name="labels"/> are added to (and override) the manifest's labels.
    /// </summary>
    public RestoreManifest WithOverrides(RestoreSpec? overrides, string? name = null, IDictionary<string, string>? labels = null)
    {
        var copy = Clone();
        copy.Spec = Spec.Merge(overrides);
        if (!string.IsNullOrEmpty(name))
        {
            copy.Name = name!;
        }

        if (labels is not null)
        {
            copy.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in labels)
            {
                copy.Labels[kv.Key] = kv.Value;
            }
        }

        return copy;
    }

    /// <summary>Builds the manifest from a parsed object tree.</summary>
    internal static RestoreManifest FromNode(JsonNode? node)
    {
        if (node is not JsonObject root)
        {
            throw new FormatException("the Restore manifest must be an object with apiVersion, kind, metadata and spec");
        }

        var apiVersion = RestoreSpecJson.Str(root["apiVersion"]);
        var kind = RestoreSpecJson.Str(root["kind"]);
        if (apiVersion is null || kind is null)
        {
            throw new FormatException("the Restore manifest must have apiVersion velero.io/v1 and kind Restore");
        }

        if (apiVersion != ApiVersion || kind != Kind)
        {
            throw new FormatException($"the manifest is {apiVersion}/{kind}, expected {ApiVersion}/{Kind}");
        }

        var manifest = new RestoreManifest();
        if (root["metadata"] is JsonObject meta)
        {
            manifest.Name = RestoreSpecJson.Str(meta["name"]) ?? string.Empty;
            manifest.Namespace = RestoreSpecJson.Str(meta["namespace"]);
            manifest.Uid = RestoreSpecJson.Str(meta["uid"]);
            manifest.CreationTimestamp = RestoreSpecJson.Time(meta["creationTimestamp"], "metadata.creationTimestamp");
            manifest.Labels = RestoreSpecJson.Map(meta["labels"], "metadata.labels");
            manifest.Annotations = RestoreSpecJson.Map(meta["annotations"], "metadata.annotations");
        }

        // Our own spec fields may ride in an annotation (a record we wrote, docs/velero-compatibility.md#restore-record-fields).
        var spec = root["spec"] is JsonObject given ? (JsonObject)given.DeepClone() : new JsonObject();
        if (manifest.Annotations is { } annotations && annotations.TryGetValue(RestoreSpecExtensions.SpecAnnotation, out var ours))
        {
            RestoreSpecExtensions.MergeInto(spec, ours);
            annotations.Remove(RestoreSpecExtensions.SpecAnnotation);
        }

        manifest.Spec = RestoreSpecJson.ReadSpec(spec);
        manifest.Status = root["status"] is JsonObject status ? RestoreSpecJson.ReadStatus(status) : null;
        return manifest;
    }

    /// <summary>Builds the object tree in Kubernetes field order.</summary>
    internal JsonObject ToNode(bool includeExtensions = true)
    {
        var meta = new JsonObject();
        RestoreSpecJson.Put(meta, "name", Name);
        RestoreSpecJson.Put(meta, "namespace", Namespace);
        RestoreSpecJson.Put(meta, "uid", Uid);
        RestoreSpecJson.PutTime(meta, "creationTimestamp", CreationTimestamp);
        RestoreSpecJson.PutMap(meta, "labels", Labels);
        RestoreSpecJson.PutMap(meta, "annotations", Annotations);
        var root = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["metadata"] = meta,
            ["spec"] = RestoreSpecJson.WriteSpec(Spec, includeExtensions),
        };
        var status = Status is null ? null : RestoreSpecJson.WriteStatus(Status);
        if (status is not null && status.Count > 0)
        {
            root["status"] = status;
        }

        return root;
    }
}

/// <summary><c>status</c> of a Restore (docs/velero-compatibility.md#restore-object).</summary>
internal sealed class RestoreStatusInfo
{
    /// <summary><c>phase</c>: <c>New</c>, <c>FailedValidation</c>, <c>InProgress</c>, …, <c>Completed</c>, <c>PartiallyFailed</c>, <c>Failed</c>.</summary>
    public string? Phase { get; set; }

    /// <summary><c>validationErrors</c>.</summary>
    public List<string>? ValidationErrors { get; set; }

    /// <summary><c>warnings</c> count.</summary>
    public int Warnings { get; set; }

    /// <summary><c>errors</c> count.</summary>
    public int Errors { get; set; }

    /// <summary><c>failureReason</c>.</summary>
    public string? FailureReason { get; set; }

    /// <summary><c>startTimestamp</c>.</summary>
    public DateTimeOffset? StartTimestamp { get; set; }

    /// <summary><c>completionTimestamp</c>.</summary>
    public DateTimeOffset? CompletionTimestamp { get; set; }

    /// <summary><c>progress.totalItems</c>; null when there is no progress object.</summary>
    public int? TotalItems { get; set; }

    /// <summary><c>progress.itemsRestored</c>; null when there is no progress object.</summary>
    public int? ItemsRestored { get; set; }

    /// <summary><c>restoreItemOperationsAttempted</c>.</summary>
    public int RestoreItemOperationsAttempted { get; set; }

    /// <summary><c>restoreItemOperationsCompleted</c>.</summary>
    public int RestoreItemOperationsCompleted { get; set; }

    /// <summary><c>restoreItemOperationsFailed</c>.</summary>
    public int RestoreItemOperationsFailed { get; set; }

    /// <summary><c>hookStatus.hooksAttempted</c>; null when there is no hook status.</summary>
    public int? HooksAttempted { get; set; }

    /// <summary><c>hookStatus.hooksFailed</c>; null when there is no hook status.</summary>
    public int? HooksFailed { get; set; }

    /// <summary>A deep copy.</summary>
    public RestoreStatusInfo Clone()
    {
        var copy = (RestoreStatusInfo)MemberwiseClone();
        copy.ValidationErrors = RestoreSpec.CopyList(ValidationErrors);
        return copy;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Restore.Engine.Velero;

namespace Restore.Engine.Storage;

/// <summary>
/// Reads <c>velero-backup.json</c> into a <see cref="Backup"/> (docs/velero-compatibility.md#backup-object). Like Velero: <c>kind</c> and
/// <c>apiVersion</c> must be present, unknown fields are ignored, <c>null</c> is accepted where a list is expected.
/// </summary>
internal static class BackupMetadataParser
{
    public const string ScheduleLabel = "velero.io/schedule-name";
    public const string SourceClusterVersionAnnotation = "velero.io/source-cluster-k8s-gitversion";

    public static Backup Parse(byte[] json, string folderName, string location, string key)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new InvalidBackupException(location, folderName, key, $"The metadata of backup '{folderName}' ({key}) is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("it is not a JSON object");
            }

            var kind = String(root, "kind");
            var apiVersion = String(root, "apiVersion");
            if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(apiVersion))
            {
                throw Invalid("'kind' or 'apiVersion' is missing");
            }

            if (kind != "Backup" || apiVersion != "velero.io/v1")
            {
                throw Invalid($"it holds a {apiVersion} {kind}, not a velero.io/v1 Backup");
            }

            var metadata = Object(root, "metadata");
            var spec = Object(root, "spec");
            var status = Object(root, "status");
            var progress = Object(status, "progress");
            var labels = StringMap(metadata, "labels");
            var annotations = StringMap(metadata, "annotations");
            return new Backup
            {
                Name = folderName,
                Namespace = String(metadata, "namespace"),
                Uid = String(metadata, "uid"),
                CreationTimestamp = Time(metadata, "creationTimestamp"),
                Labels = labels,
                Annotations = annotations,
                Schedule = labels.TryGetValue(ScheduleLabel, out var schedule) && schedule.Length > 0 ? schedule : null,
                SourceClusterVersion = annotations.TryGetValue(SourceClusterVersionAnnotation, out var gitVersion) ? gitVersion : null,
                IncludedNamespaces = StringList(spec, "includedNamespaces"),
                ExcludedNamespaces = StringList(spec, "excludedNamespaces"),
                IncludedResources = StringList(spec, "includedResources"),
                ExcludedResources = StringList(spec, "excludedResources"),
                IncludeClusterResources = Bool(spec, "includeClusterResources"),
                BackupStorageLocation = String(spec, "storageLocation"),
                VolumeSnapshotLocations = StringList(spec, "volumeSnapshotLocations"),
                Ttl = String(spec, "ttl"),
                Phase = String(status, "phase") ?? string.Empty,
                Version = Int(status, "version"),
                FormatVersion = String(status, "formatVersion"),
                Expiration = Time(status, "expiration"),
                StartTimestamp = Time(status, "startTimestamp"),
                CompletionTimestamp = Time(status, "completionTimestamp"),
                Errors = Int(status, "errors") ?? 0,
                Warnings = Int(status, "warnings") ?? 0,
                FailureReason = String(status, "failureReason"),
                ValidationErrors = StringList(status, "validationErrors"),
                TotalItems = Int(progress, "totalItems"),
                ItemsBackedUp = Int(progress, "itemsBackedUp"),
            };
        }

        InvalidBackupException Invalid(string why) =>
            new(location, folderName, key, $"The metadata of backup '{folderName}' ({key}) is not a Velero Backup: {why}.");
    }

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? Int(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    private static bool? Bool(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    private static DateTime? Time(JsonElement parent, string name)
    {
        var text = String(parent, name);
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.UtcDateTime
            : null;
    }

    private static IReadOnlyList<string> StringList(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return Array.Empty<string>();
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (var element in value.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.String)
            {
                list.Add(element.GetString()!);
            }
        }

        return list;
    }

    private static IReadOnlyDictionary<string, string> StringMap(JsonElement parent, string name)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    map[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return map;
    }
}

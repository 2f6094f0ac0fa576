using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Storage;

namespace Restore.TestApiServer;

/// <summary>The stand-in's restore controller: validation, the phases, the files (see <see cref="VeleroStandIn"/>).</summary>
public sealed partial class VeleroStandIn
{
    private async Task ProcessAsync(string name, CancellationToken cancellationToken)
    {
        var restore = store.Get(Restores, options.Namespace, name);
        if (restore is null)
        {
            return;
        }

        var spec = restore["spec"] as JsonObject ?? new JsonObject();
        var (errors, backup, bsl) = Validate(name, spec);
        if (errors.Count > 0)
        {
            Patch(name, new JsonObject
            {
                ["spec"] = spec.DeepClone(),
                ["status"] = new JsonObject { ["phase"] = "FailedValidation", ["validationErrors"] = new JsonArray(errors.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray()) },
            });
            return;
        }

        if (string.IsNullOrEmpty(Json.Str(spec["itemOperationTimeout"])) || Json.Str(spec["itemOperationTimeout"]) == "0s")
        {
            spec["itemOperationTimeout"] = "4h0m0s";
        }

        var started = Now();
        Patch(name, new JsonObject { ["spec"] = spec.DeepClone(), ["status"] = new JsonObject { ["phase"] = "InProgress", ["startTimestamp"] = started } });

        var labels = (restore["metadata"] as JsonObject)?["labels"] as JsonObject;
        var outcome = Json.Str(labels?[OutcomeLabel]);
        var delay = int.TryParse(Json.Str(labels?[ItemDelayLabel]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms) : options.ItemDelay;
        var backupName = Json.Str(spec["backupName"])!;
        var log = new StringBuilder();
        void Log(string level, string message, string source, params (string Key, string Value)[] fields) =>
            log.Append(LogLine(level, message, source, fields.Append(("restore", options.Namespace + "/" + name)).ToArray()));

        var (location, problem) = OpenLocation(bsl!);
        if (location is null)
        {
            Fail(name, "error getting backup store: " + problem);
            return;
        }

        using (location)
        {
            var root = location.Layout.Root;
            Log("info", "starting restore", "pkg/controller/restore_controller.go:571");
            var tarball = root + "backups/" + backupName + "/" + backupName + ".tar.gz";
            if (!await location.Store.ExistsAsync(tarball, cancellationToken).ConfigureAwait(false))
            {
                Log("error", "Error downloading backup", "pkg/controller/restore_controller.go:540");
                await PutAsync(location, root, name, "restore-" + name + "-logs.gz", Encoding.UTF8.GetBytes(log.ToString()), cancellationToken).ConfigureAwait(false);
                Fail(name, $"error downloading backup: key {tarball} does not exist");
                return;
            }

            var items = await ItemsAsync(location, root, backupName, spec, cancellationToken).ConfigureAwait(false);
            var done = 0;
            foreach (var (kindKey, target) in items)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                done++;
                Log("info", $"Restored {done} items out of an estimated total of {items.Count} (estimate will change throughout the restore)", "pkg/restore/restore.go:707", ("progress", string.Empty));
                Patch(name, new JsonObject { ["status"] = new JsonObject { ["progress"] = new JsonObject { ["totalItems"] = items.Count, ["itemsRestored"] = done } } });
            }

            var errorsByNamespace = new JsonObject();
            var failedIndex = outcome == "PartiallyFailed" ? items.FindIndex(i => i.Target.Contains('/', StringComparison.Ordinal)) : -1;
            var failedTarget = failedIndex < 0 ? null : items[failedIndex].Target;
            if (failedTarget is not null)
            {
                var ns = failedTarget.Split('/')[0];
                var message = $"error restoring {failedTarget}: the Velero stand-in was told to fail this item";
                errorsByNamespace[ns] = new JsonArray(message);
                Log("error", $"Namespace {ns}, resource restore error: {message}", "pkg/controller/restore_controller.go:610");
            }

            if (outcome == "Failed")
            {
                await PutAsync(location, root, name, "restore-" + name + "-logs.gz", Encoding.UTF8.GetBytes(log.ToString()), cancellationToken).ConfigureAwait(false);
                Fail(name, "the Velero stand-in was told to fail this restore");
                return;
            }

            Log("info", "restore completed", "pkg/controller/restore_controller.go:620");
            var results = new JsonObject
            {
                ["errors"] = errorsByNamespace.Count == 0 ? new JsonObject() : new JsonObject { ["namespaces"] = errorsByNamespace },
                ["warnings"] = new JsonObject(),
            };
            var resourceList = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                var (kindKey, target) = items[i];
                if (!resourceList.TryGetValue(kindKey, out var list))
                {
                    resourceList[kindKey] = list = new List<string>();
                }

                list.Add(target + (i == failedIndex ? "(failed)" : "(created)"));
            }

            var listJson = new JsonObject();
            foreach (var pair in resourceList)
            {
                listJson[pair.Key] = new JsonArray(pair.Value.OrderBy(v => v, StringComparer.Ordinal).Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
            }

            // Velero's order: log, results, resource list, item operations, volume info.
            await PutAsync(location, root, name, "restore-" + name + "-logs.gz", Encoding.UTF8.GetBytes(log.ToString()), cancellationToken).ConfigureAwait(false);
            await PutAsync(location, root, name, "restore-" + name + "-results.gz", GoJson(results), cancellationToken).ConfigureAwait(false);
            await PutAsync(location, root, name, "restore-" + name + "-resource-list.json.gz", GoJson(listJson), cancellationToken).ConfigureAwait(false);
            await PutAsync(location, root, name, "restore-" + name + "-itemoperations.json.gz", GoJson(new JsonArray()), cancellationToken).ConfigureAwait(false);
            await PutAsync(location, root, name, name + "-volumeinfo.json.gz", GoJson(new JsonArray()), cancellationToken).ConfigureAwait(false);

            var errorCount = errorsByNamespace.Sum(p => ((JsonArray)p.Value!).Count);
            Patch(name, new JsonObject { ["status"] = new JsonObject { ["phase"] = errorCount > 0 ? "FinalizingPartiallyFailed" : "Finalizing", ["errors"] = errorCount, ["warnings"] = 0 } });
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            Patch(name, new JsonObject { ["status"] = new JsonObject { ["phase"] = errorCount > 0 ? "PartiallyFailed" : "Completed", ["completionTimestamp"] = Now() } });
        }
    }

    private void Fail(string name, string reason) =>
        Patch(name, new JsonObject { ["status"] = new JsonObject { ["phase"] = "Failed", ["failureReason"] = reason, ["completionTimestamp"] = Now() } });

    /// <summary>Velero's validateAndComplete: the checks in its order, with its messages; completes backupName for schedules.</summary>
    private (List<string> Errors, JsonObject? Backup, JsonObject? Location) Validate(string name, JsonObject spec)
    {
        var errors = new List<string>();
        var excluded = Strings(spec["excludedResources"]);
        foreach (var resource in NonRestorable.Where(r => !excluded.Contains(r)))
        {
            excluded.Add(resource);
        }

        spec["excludedResources"] = new JsonArray(excluded.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
        var included = Strings(spec["includedResources"]);
        foreach (var resource in included.Where(NonRestorable.Contains))
        {
            errors.Add($"{resource} are non-restorable resources");
        }

        AddListErrors(errors, "Invalid included/excluded resource lists: ", included, Strings(spec["excludedResources"]).Except(NonRestorable).ToList());
        AddListErrors(errors, "Invalid included/excluded namespace lists: ", Strings(spec["includedNamespaces"]), Strings(spec["excludedNamespaces"]));
        if (spec["labelSelector"] is JsonObject && spec["orLabelSelectors"] is JsonArray { Count: > 0 })
        {
            errors.Add("encountered labelSelector as well as orLabelSelectors in restore spec, only one can be specified");
        }

        var backupName = Json.Str(spec["backupName"]) ?? string.Empty;
        var scheduleName = Json.Str(spec["scheduleName"]) ?? string.Empty;
        if ((backupName.Length == 0) == (scheduleName.Length == 0))
        {
            errors.Add("Either a backup or schedule must be specified as a source for the restore, but not both");
            return (errors, null, null);
        }

        var policy = Json.Str(spec["existingResourcePolicy"]) ?? string.Empty;
        if (policy.Length > 0 && policy is not ("none" or "update"))
        {
            errors.Add($"Invalid ExistingResourcePolicy: {policy}");
        }

        if (backupName.Length == 0)
        {
            var ofSchedule = store.List(Backups, options.Namespace, "velero.io/schedule-name=" + scheduleName);
            if (ofSchedule.Count == 0)
            {
                errors.Add("No backups found for schedule");
                return (errors, null, null);
            }

            var newest = ofSchedule
                .OrderByDescending(b => Json.Str((b["status"] as JsonObject)?["startTimestamp"]) ?? string.Empty, StringComparer.Ordinal)
                .FirstOrDefault(b => Json.Str((b["status"] as JsonObject)?["phase"]) == "Completed");
            if (newest is null)
            {
                errors.Add("No completed backups found for schedule");
                return (errors, null, null);
            }

            backupName = Json.Str((newest["metadata"] as JsonObject)?["name"])!;
            spec["backupName"] = backupName;
        }

        var backup = store.Get(Backups, options.Namespace, backupName);
        if (backup is null)
        {
            errors.Add($"Error retrieving backup: can't find backup {options.Namespace}/{backupName}: backups.velero.io \"{backupName}\" not found");
            return (errors, null, null);
        }

        var bslName = Json.Str((backup["spec"] as JsonObject)?["storageLocation"]) ?? string.Empty;
        var bsl = store.Get(Locations, options.Namespace, bslName);
        if (bsl is null)
        {
            errors.Add($"Error retrieving backup: backupstoragelocations.velero.io \"{bslName}\" not found");
            return (errors, null, null);
        }

        if (Json.Str((bsl["status"] as JsonObject)?["phase"]) != "Available")
        {
            errors.Add($"The BSL {bslName} is unavailable, cannot retrieve the backup");
            return (errors, null, null);
        }

        if (scheduleName.Length == 0 && Json.Str(((backup["metadata"] as JsonObject)?["labels"] as JsonObject)?["velero.io/schedule-name"]) is { } fromLabel)
        {
            spec["scheduleName"] = fromLabel;
        }

        if (spec["resourceModifier"] is JsonObject modifier && string.Equals(Json.Str(modifier["kind"]), "configmap", StringComparison.OrdinalIgnoreCase))
        {
            var mapName = Json.Str(modifier["name"]) ?? string.Empty;
            var map = store.Get("configmaps", options.Namespace, mapName);
            if (map is null)
            {
                errors.Add($"failed to get resource modifiers configmap {options.Namespace}/{mapName}");
            }
            else if ((map["data"] as JsonObject)?.Count != 1)
            {
                errors.Add($"Error in parsing resource modifiers provided in configmap {options.Namespace}/{mapName}: more than one or no data key in the configmap");
            }
        }

        return (errors, backup, bsl);
    }

    private static void AddListErrors(List<string> errors, string prefix, List<string> includes, List<string> excludes)
    {
        var problems = new List<string>();
        if (includes.Count > 1 && includes.Contains("*"))
        {
            problems.Add("includes list must either contain '*' only, or a non-empty list of items");
        }

        if (excludes.Contains("*"))
        {
            problems.Add("excludes list cannot contain '*'");
        }

        foreach (var item in excludes.Where(includes.Contains))
        {
            problems.Add("excludes list cannot contain an item in the includes list: " + item);
        }

        if (problems.Count > 0)
        {
            // k8s.io/apimachinery's aggregate: one error as it is, several in brackets.
            errors.Add(prefix + (problems.Count == 1 ? problems[0] : "[" + string.Join(", ", problems) + "]"));
        }
    }

    /// <summary>The items the restore takes from the backup's resource list: namespaces filtered and mapped.</summary>
    private static async Task<List<(string KindKey, string Target)>> ItemsAsync(StorageLocation location, string root, string backupName, JsonObject spec, CancellationToken cancellationToken)
    {
        var key = root + "backups/" + backupName + "/" + backupName + "-resource-list.json.gz";
        var items = new List<(string, string)>();
        if (!await location.Store.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return items;
        }

        JsonObject list;
        using (var stream = await location.Store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false))
        using (var gzip = new GZipStream(stream, CompressionMode.Decompress))
        {
            list = (JsonObject)(await JsonNode.ParseAsync(gzip, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        }

        var includes = Strings(spec["includedNamespaces"]);
        var excludes = Strings(spec["excludedNamespaces"]);
        var mapping = spec["namespaceMapping"] as JsonObject;
        foreach (var (kindKey, names) in list)
        {
            foreach (var entry in Strings(names))
            {
                var slash = entry.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    items.Add((kindKey, entry));
                    continue;
                }

                var ns = entry[..slash];
                if ((includes.Count > 0 && !includes.Contains("*") && !includes.Contains(ns)) || excludes.Contains(ns))
                {
                    continue;
                }

                var target = Json.Str(mapping?[ns]) ?? ns;
                items.Add((kindKey, target + entry[slash..]));
            }
        }

        return items;
    }

    private async Task DeleteFilesAsync(JsonObject restore, CancellationToken cancellationToken)
    {
        var name = Json.Str((restore["metadata"] as JsonObject)?["name"])!;
        var backupName = Json.Str((restore["spec"] as JsonObject)?["backupName"]);
        var backup = string.IsNullOrEmpty(backupName) ? null : store.Get(Backups, options.Namespace, backupName!);
        var bsl = backup is null ? null : store.Get(Locations, options.Namespace, Json.Str((backup["spec"] as JsonObject)?["storageLocation"]) ?? string.Empty);
        if (bsl is not null && OpenLocation(bsl).Location is { } location)
        {
            using (location)
            {
                // Velero's DeleteRestore: every key under restores/<name>/.
                foreach (var key in await location.Store.ListKeysAsync(location.Layout.Root + "restores/" + name + "/", cancellationToken).ConfigureAwait(false))
                {
                    await location.Store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var remaining = Json.Finalizers(restore).Where(f => f != Finalizer).Select(f => (JsonNode)JsonValue.Create(f)!).ToArray();
        Patch(name, new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(remaining) } });
        running.TryRemove("delete/" + name, out _);
    }

    private static async Task PutAsync(StorageLocation location, string root, string name, string file, byte[] content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        buffer.Position = 0;
        await location.Store.PutAsync(root + "restores/" + name + "/" + file, buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compact JSON with a trailing newline, as Go's json.Encoder writes it.</summary>
    private static byte[] GoJson(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");

    /// <summary>One logrus text line: time, level, msg, then the other fields sorted; values quoted unless plain.</summary>
    private static string LogLine(string level, string message, string source, (string Key, string Value)[] fields)
    {
        var line = new StringBuilder();
        line.Append("time=\"").Append(Now()).Append("\" level=").Append(level).Append(" msg=").Append(Quote(message));
        foreach (var (key, value) in fields.Append(("logSource", source)).OrderBy(f => f.Item1, StringComparer.Ordinal))
        {
            line.Append(' ').Append(key).Append('=').Append(Quote(value));
        }

        return line.Append('\n').ToString();
    }

    private static string Quote(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || "-._/@^+".Contains(c, StringComparison.Ordinal)) ? value : JsonSerializer.Serialize(value);
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Velero;

/// <summary>
/// Maps <see cref="RestoreSpec"/> and <see cref="RestoreStatusInfo"/> to and from their JSON form. Reading is
/// tolerant: unknown keys are ignored, scalars of the wrong JSON type are converted when their text is
/// unambiguous (YAML <c>"true"</c>); a value of the wrong shape is a <see cref="FormatException"/> naming the field.
/// </summary>
internal static class RestoreSpecJson
{
    public static RestoreSpec ReadSpec(JsonObject? spec)
    {
        var s = new RestoreSpec();
        if (spec is null)
        {
            return s;
        }

        s.BackupName = Str(spec["backupName"]);
        s.ScheduleName = Str(spec["scheduleName"]);
        s.IncludedNamespaces = List(spec["includedNamespaces"], "spec.includedNamespaces");
        s.ExcludedNamespaces = List(spec["excludedNamespaces"], "spec.excludedNamespaces");
        s.IncludedResources = List(spec["includedResources"], "spec.includedResources");
        s.ExcludedResources = List(spec["excludedResources"], "spec.excludedResources");
        s.NamespaceMapping = Map(spec["namespaceMapping"], "spec.namespaceMapping");
        s.LabelSelector = Selector(spec["labelSelector"], "spec.labelSelector");
        if (spec["orLabelSelectors"] is JsonArray ors)
        {
            s.OrLabelSelectors = new List<LabelSelectorSpec?>();
            for (var i = 0; i < ors.Count; i++)
            {
                s.OrLabelSelectors.Add(Selector(ors[i], $"spec.orLabelSelectors[{i}]"));
            }
        }
        else if (spec["orLabelSelectors"] is not null)
        {
            throw new FormatException("spec.orLabelSelectors must be a list of label selectors");
        }

        s.RestorePVs = Bool(spec["restorePVs"], "spec.restorePVs");
        if (spec["restoreStatus"] is JsonObject rs)
        {
            s.RestoreStatus = new RestoreStatusSpec
            {
                IncludedResources = List(rs["includedResources"], "spec.restoreStatus.includedResources"),
                ExcludedResources = List(rs["excludedResources"], "spec.restoreStatus.excludedResources"),
            };
        }

        s.PreserveNodePorts = Bool(spec["preserveNodePorts"], "spec.preserveNodePorts");
        s.IncludeClusterResources = Bool(spec["includeClusterResources"], "spec.includeClusterResources");
        s.Hooks = ReadHooks(spec["hooks"] as JsonObject);
        s.ExistingResourcePolicy = Str(spec["existingResourcePolicy"]);
        s.ItemOperationTimeout = Str(spec["itemOperationTimeout"]);
        if (spec["resourceModifier"] is JsonObject rm)
        {
            s.ResourceModifier = new ResourceModifierReference { ApiGroup = Str(rm["apiGroup"]), Kind = Str(rm["kind"]) ?? string.Empty, Name = Str(rm["name"]) ?? string.Empty };
        }

        if (spec["uploaderConfig"] is JsonObject uc)
        {
            s.UploaderConfig = new RestoreUploaderConfig { WriteSparseFiles = Bool(uc["writeSparseFiles"], "spec.uploaderConfig.writeSparseFiles"), ParallelFilesDownload = Int(uc["parallelFilesDownload"], "spec.uploaderConfig.parallelFilesDownload") };
        }

        s.Objects = List(spec["objects"], "spec.objects");
        s.ResourcePriorities = List(spec["resourcePriorities"], "spec.resourcePriorities");
        s.StorageClassMapping = Map(spec["storageClassMapping"], "spec.storageClassMapping");
        s.ImageMapping = Map(spec["imageMapping"], "spec.imageMapping");
        s.NodeMapping = Map(spec["nodeMapping"], "spec.nodeMapping");
        if (spec["patches"] is JsonArray patches)
        {
            s.Patches = new List<ObjectPatchSpec>();
            for (var i = 0; i < patches.Count; i++)
            {
                if (patches[i] is not JsonObject p)
                {
                    throw new FormatException($"spec.patches[{i}] must be an object with target, type and patch");
                }

                // A patch given as a structured object (not a string) is kept as its JSON text.
                var patchText = p["patch"] is JsonValue ? Str(p["patch"]) : p["patch"]?.ToJsonString();
                s.Patches.Add(new ObjectPatchSpec { Target = Str(p["target"]) ?? string.Empty, Type = Str(p["type"]) ?? "merge", Patch = patchText ?? string.Empty });
            }
        }

        s.Description = Str(spec["description"]);
        var matching = Str(spec["namespaceMatching"]);
        if (matching is not null)
        {
            s.NamespaceMatching = string.Equals(matching, NamespaceMatching.Glob, StringComparison.OrdinalIgnoreCase) ? NamespaceMatching.Glob
                : string.Equals(matching, NamespaceMatching.Expand, StringComparison.OrdinalIgnoreCase) ? NamespaceMatching.Expand
                : throw new FormatException($"spec.namespaceMatching must be Glob or Expand, not \"{matching}\"");
        }

        s.EnableApiGroupVersions = Bool(spec["enableApiGroupVersions"], "spec.enableApiGroupVersions");
        if (spec["apiGroupVersionPriorities"] is JsonObject prio)
        {
            s.ApiGroupVersionPriorities = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var kv in prio)
            {
                s.ApiGroupVersionPriorities[kv.Key] = List(kv.Value, "spec.apiGroupVersionPriorities." + kv.Key) ?? new List<string>();
            }
        }

        return s;
    }

    public static JsonObject WriteSpec(RestoreSpec s, bool includeExtensions = true)
    {
        var o = new JsonObject();
        Put(o, "backupName", s.BackupName);
        Put(o, "scheduleName", s.ScheduleName);
        PutList(o, "includedNamespaces", s.IncludedNamespaces);
        PutList(o, "excludedNamespaces", s.ExcludedNamespaces);
        PutList(o, "includedResources", s.IncludedResources);
        PutList(o, "excludedResources", s.ExcludedResources);
        PutMap(o, "namespaceMapping", s.NamespaceMapping);
        if (s.LabelSelector is not null)
        {
            o["labelSelector"] = WriteSelector(s.LabelSelector);
        }

        if (s.OrLabelSelectors is { Count: > 0 })
        {
            var arr = new JsonArray();
            foreach (var sel in s.OrLabelSelectors)
            {
                arr.Add(sel is null ? null : WriteSelector(sel));
            }

            o["orLabelSelectors"] = arr;
        }

        PutBool(o, "restorePVs", s.RestorePVs);
        if (s.RestoreStatus is not null)
        {
            var rs = new JsonObject();
            PutList(rs, "includedResources", s.RestoreStatus.IncludedResources);
            PutList(rs, "excludedResources", s.RestoreStatus.ExcludedResources);
            o["restoreStatus"] = rs;
        }

        PutBool(o, "preserveNodePorts", s.PreserveNodePorts);
        PutBool(o, "includeClusterResources", s.IncludeClusterResources);
        if (s.Hooks is not null)
        {
            o["hooks"] = WriteHooks(s.Hooks);
        }

        Put(o, "existingResourcePolicy", s.ExistingResourcePolicy);
        Put(o, "itemOperationTimeout", s.ItemOperationTimeout);
        if (s.ResourceModifier is not null)
        {
            var rm = new JsonObject();
            Put(rm, "apiGroup", s.ResourceModifier.ApiGroup);
            rm["kind"] = s.ResourceModifier.Kind;
            rm["name"] = s.ResourceModifier.Name;
            o["resourceModifier"] = rm;
        }

        if (s.UploaderConfig is not null)
        {
            var uc = new JsonObject();
            PutBool(uc, "writeSparseFiles", s.UploaderConfig.WriteSparseFiles);
            if (s.UploaderConfig.ParallelFilesDownload is int p && p != 0)
            {
                uc["parallelFilesDownload"] = p;
            }

            o["uploaderConfig"] = uc;
        }

        if (!includeExtensions)
        {
            return o;
        }

        PutList(o, "objects", s.Objects);
        PutList(o, "resourcePriorities", s.ResourcePriorities);
        PutMap(o, "storageClassMapping", s.StorageClassMapping);
        PutMap(o, "imageMapping", s.ImageMapping);
        PutMap(o, "nodeMapping", s.NodeMapping);
        if (s.Patches is { Count: > 0 })
        {
            var arr = new JsonArray();
            foreach (var p in s.Patches)
            {
                arr.Add(new JsonObject { ["target"] = p.Target, ["type"] = p.Type, ["patch"] = p.Patch });
            }

            o["patches"] = arr;
        }

        Put(o, "description", s.Description);
        if (s.NamespaceMatching is { } m)
        {
            o["namespaceMatching"] = m;
        }

        PutBool(o, "enableApiGroupVersions", s.EnableApiGroupVersions);
        if (s.ApiGroupVersionPriorities is { Count: > 0 })
        {
            var prio = new JsonObject();
            foreach (var kv in s.ApiGroupVersionPriorities)
            {
                prio[kv.Key] = StringArray(kv.Value);
            }

            o["apiGroupVersionPriorities"] = prio;
        }

        return o;
    }

    public static RestoreStatusInfo ReadStatus(JsonObject st)
    {
        var s = new RestoreStatusInfo
        {
            Phase = Str(st["phase"]),
            ValidationErrors = List(st["validationErrors"], "status.validationErrors"),
            Warnings = Int(st["warnings"], "status.warnings") ?? 0,
            Errors = Int(st["errors"], "status.errors") ?? 0,
            FailureReason = Str(st["failureReason"]),
            StartTimestamp = Time(st["startTimestamp"], "status.startTimestamp"),
            CompletionTimestamp = Time(st["completionTimestamp"], "status.completionTimestamp"),
            RestoreItemOperationsAttempted = Int(st["restoreItemOperationsAttempted"], "status.restoreItemOperationsAttempted") ?? 0,
            RestoreItemOperationsCompleted = Int(st["restoreItemOperationsCompleted"], "status.restoreItemOperationsCompleted") ?? 0,
            RestoreItemOperationsFailed = Int(st["restoreItemOperationsFailed"], "status.restoreItemOperationsFailed") ?? 0,
        };
        if (st["progress"] is JsonObject progress)
        {
            s.TotalItems = Int(progress["totalItems"], "status.progress.totalItems") ?? 0;
            s.ItemsRestored = Int(progress["itemsRestored"], "status.progress.itemsRestored") ?? 0;
        }

        if (st["hookStatus"] is JsonObject hooks)
        {
            s.HooksAttempted = Int(hooks["hooksAttempted"], "status.hookStatus.hooksAttempted") ?? 0;
            s.HooksFailed = Int(hooks["hooksFailed"], "status.hookStatus.hooksFailed") ?? 0;
        }

        return s;
    }

    public static JsonObject WriteStatus(RestoreStatusInfo s)
    {
        var o = new JsonObject();
        Put(o, "phase", s.Phase);
        PutList(o, "validationErrors", s.ValidationErrors);
        PutInt(o, "warnings", s.Warnings);
        PutInt(o, "errors", s.Errors);
        Put(o, "failureReason", s.FailureReason);
        PutTime(o, "startTimestamp", s.StartTimestamp);
        PutTime(o, "completionTimestamp", s.CompletionTimestamp);
        if (s.TotalItems is not null || s.ItemsRestored is not null)
        {
            var p = new JsonObject();
            PutInt(p, "totalItems", s.TotalItems ?? 0);
            PutInt(p, "itemsRestored", s.ItemsRestored ?? 0);
            o["progress"] = p;
        }

        PutInt(o, "restoreItemOperationsAttempted", s.RestoreItemOperationsAttempted);
        PutInt(o, "restoreItemOperationsCompleted", s.RestoreItemOperationsCompleted);
        PutInt(o, "restoreItemOperationsFailed", s.RestoreItemOperationsFailed);
        if (s.HooksAttempted is not null || s.HooksFailed is not null)
        {
            var h = new JsonObject();
            PutInt(h, "hooksAttempted", s.HooksAttempted ?? 0);
            PutInt(h, "hooksFailed", s.HooksFailed ?? 0);
            o["hookStatus"] = h;
        }

        return o;
    }

    /// <summary>Reads a label selector; null stays null.</summary>
    public static LabelSelectorSpec? Selector(JsonNode? node, string field)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject o)
        {
            throw new FormatException(field + " must be a label selector object with matchLabels and/or matchExpressions");
        }

        var sel = new LabelSelectorSpec { MatchLabels = Map(o["matchLabels"], field + ".matchLabels") };
        if (o["matchExpressions"] is JsonArray exprs)
        {
            sel.MatchExpressions = new List<LabelSelectorRequirementSpec>();
            for (var i = 0; i < exprs.Count; i++)
            {
                if (exprs[i] is not JsonObject e)
                {
                    throw new FormatException($"{field}.matchExpressions[{i}] must be an object with key, operator and values");
                }

                sel.MatchExpressions.Add(new LabelSelectorRequirementSpec
                {
                    Key = Str(e["key"]) ?? string.Empty,
                    Operator = Str(e["operator"]) ?? string.Empty,
                    Values = List(e["values"], $"{field}.matchExpressions[{i}].values"),
                });
            }
        }
        else if (o["matchExpressions"] is not null)
        {
            throw new FormatException(field + ".matchExpressions must be a list");
        }

        return sel;
    }

    /// <summary>Writes a label selector in Kubernetes form.</summary>
    public static JsonObject WriteSelector(LabelSelectorSpec sel)
    {
        var o = new JsonObject();
        PutMap(o, "matchLabels", sel.MatchLabels);
        if (sel.MatchExpressions is { Count: > 0 })
        {
            var arr = new JsonArray();
            foreach (var e in sel.MatchExpressions)
            {
                var eo = new JsonObject { ["key"] = e.Key, ["operator"] = e.Operator };
                PutList(eo, "values", e.Values);
                arr.Add(eo);
            }

            o["matchExpressions"] = arr;
        }

        return o;
    }

    public static string? Str(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<string>(out var s))
        {
            return s;
        }

        // Numbers and booleans written unquoted in YAML keep their source text.
        return v.GetValueKind() switch
        {
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        };
    }

    public static bool? Bool(JsonNode? node, string field)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Null: return null;
                case JsonValueKind.String:
                    var s = v.GetValue<string>();
                    if (string.Equals(s, "true", StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }

                    if (string.Equals(s, "false", StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }

                    break;
            }
        }

        throw new FormatException($"{field} must be true or false, not {node.ToJsonString()}");
    }

    public static int? Int(JsonNode? node, string field)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number && int.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
            {
                return i;
            }

            if (v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out i))
            {
                return i;
            }
        }

        throw new FormatException($"{field} must be a whole number, not {node.ToJsonString()}");
    }

    public static List<string>? List(JsonNode? node, string field)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray arr)
        {
            throw new FormatException(field + " must be a list of strings");
        }

        var list = new List<string>(arr.Count);
        foreach (var item in arr)
        {
            list.Add(Str(item) ?? throw new FormatException(field + " must be a list of strings"));
        }

        return list;
    }

    public static Dictionary<string, string>? Map(JsonNode? node, string field)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject o)
        {
            throw new FormatException(field + " must be a map of strings");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in o)
        {
            map[kv.Key] = Str(kv.Value) ?? throw new FormatException($"{field}.{kv.Key} must be a string");
        }

        return map;
    }

    public static DateTimeOffset? Time(JsonNode? node, string field)
    {
        var s = Str(node);
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }

        throw new FormatException($"{field} must be an RFC 3339 time such as 2024-05-01T10:00:00Z, not \"{s}\"");
    }

    public static void Put(JsonObject o, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            o[key] = value;
        }
    }

    public static void PutBool(JsonObject o, string key, bool? value)
    {
        if (value is bool b)
        {
            o[key] = b;
        }
    }

    public static void PutInt(JsonObject o, string key, int value)
    {
        if (value != 0)
        {
            o[key] = value;
        }
    }

    public static void PutTime(JsonObject o, string key, DateTimeOffset? value)
    {
        if (value is DateTimeOffset t)
        {
            o[key] = FormatTime(t);
        }
    }

    /// <summary>RFC 3339 with second precision in UTC, as <c>metav1.Time</c> writes it.</summary>
    public static string FormatTime(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static void PutList(JsonObject o, string key, List<string>? list)
    {
        if (list is { Count: > 0 })
        {
            o[key] = StringArray(list);
        }
    }

    public static void PutMap(JsonObject o, string key, Dictionary<string, string>? map)
    {
        if (map is { Count: > 0 })
        {
            var m = new JsonObject();
            foreach (var kv in map)
            {
                m[kv.Key] = kv.Value;
            }

            o[key] = m;
        }
    }

    private static JsonArray StringArray(IEnumerable<string> items)
    {
        var arr = new JsonArray();
        foreach (var item in items)
        {
            arr.Add(item);
        }

        return arr;
    }

    private static RestoreHooksSpec? ReadHooks(JsonObject? hooks)
    {
        if (hooks is null)
        {
            return null;
        }

        var result = new RestoreHooksSpec();
        if (hooks["resources"] is not JsonArray resources)
        {
            return result;
        }

        result.Resources = new List<RestoreResourceHookSpec>();
        for (var i = 0; i < resources.Count; i++)
        {
            var field = $"spec.hooks.resources[{i}]";
            if (resources[i] is not JsonObject r)
            {
                throw new FormatException(field + " must be an object");
            }

            var spec = new RestoreResourceHookSpec
            {
                Name = Str(r["name"]) ?? string.Empty,
                IncludedNamespaces = List(r["includedNamespaces"], field + ".includedNamespaces"),
                ExcludedNamespaces = List(r["excludedNamespaces"], field + ".excludedNamespaces"),
                IncludedResources = List(r["includedResources"], field + ".includedResources"),
                ExcludedResources = List(r["excludedResources"], field + ".excludedResources"),
                LabelSelector = Selector(r["labelSelector"], field + ".labelSelector"),
            };
            if (r["postHooks"] is JsonArray posts)
            {
                spec.PostHooks = new List<RestoreHookSpec>();
                foreach (var post in posts)
                {
                    spec.PostHooks.Add(ReadHook(post as JsonObject, field + ".postHooks"));
                }
            }

            result.Resources.Add(spec);
        }

        return result;
    }

    private static RestoreHookSpec ReadHook(JsonObject? h, string field)
    {
        var hook = new RestoreHookSpec();
        if (h?["exec"] is JsonObject e)
        {
            hook.Exec = new ExecRestoreHookSpec
            {
                Container = Str(e["container"]),
                Command = List(e["command"], field + ".exec.command"),
                OnError = Str(e["onError"]),
                ExecTimeout = Str(e["execTimeout"]),
                WaitTimeout = Str(e["waitTimeout"]),
                WaitForReady = Bool(e["waitForReady"], field + ".exec.waitForReady"),
            };
        }

        if (h?["init"] is JsonObject init)
        {
            hook.Init = new InitRestoreHookSpec { Timeout = Str(init["timeout"]) };
            if (init["initContainers"] is JsonArray containers)
            {
                hook.Init.InitContainers = new List<string>();
                foreach (var c in containers)
                {
                    hook.Init.InitContainers.Add(c?.ToJsonString() ?? "null");
                }
            }
        }

        return hook;
    }

    private static JsonObject WriteHooks(RestoreHooksSpec hooks)
    {
        var o = new JsonObject();
        if (hooks.Resources is not { Count: > 0 })
        {
            return o;
        }

        var arr = new JsonArray();
        foreach (var r in hooks.Resources)
        {
            var ro = new JsonObject { ["name"] = r.Name };
            PutList(ro, "includedNamespaces", r.IncludedNamespaces);
            PutList(ro, "excludedNamespaces", r.ExcludedNamespaces);
            PutList(ro, "includedResources", r.IncludedResources);
            PutList(ro, "excludedResources", r.ExcludedResources);
            if (r.LabelSelector is not null)
            {
                ro["labelSelector"] = WriteSelector(r.LabelSelector);
            }

            if (r.PostHooks is { Count: > 0 })
            {
                var posts = new JsonArray();
                foreach (var h in r.PostHooks)
                {
                    posts.Add(WriteHook(h));
                }

                ro["postHooks"] = posts;
            }

            arr.Add(ro);
        }

        o["resources"] = arr;
        return o;
    }

    private static JsonObject WriteHook(RestoreHookSpec h)
    {
        var o = new JsonObject();
        if (h.Exec is not null)
        {
            var e = new JsonObject();
            Put(e, "container", h.Exec.Container);
            e["command"] = h.Exec.Command is null ? null : StringArray(h.Exec.Command);
            Put(e, "onError", h.Exec.OnError);
            Put(e, "execTimeout", h.Exec.ExecTimeout);
            Put(e, "waitTimeout", h.Exec.WaitTimeout);
            PutBool(e, "waitForReady", h.Exec.WaitForReady);
            o["exec"] = e;
        }

        if (h.Init is not null)
        {
            var i = new JsonObject();
            if (h.Init.InitContainers is null)
            {
                i["initContainers"] = null;
            }
            else
            {
                var arr = new JsonArray();
                foreach (var c in h.Init.InitContainers)
                {
                    arr.Add(ParseRaw(c));
                }

                i["initContainers"] = arr;
            }

            Put(i, "timeout", h.Init.Timeout);
            o["init"] = i;
        }

        return o;
    }

    private static JsonNode? ParseRaw(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Keep text that is not JSON as a string so nothing is lost.
            return JsonValue.Create(text);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Restore.TestApiServer;

/// <summary>
/// CustomResourceDefinitions: validation, defaults, and what the apiextensions controllers do
/// (accept the names, mark the CRD Established, serve the new resource).
/// </summary>
public sealed partial class ObjectStore
{
    private static readonly string[] Scopes = { "Cluster", "Namespaced" };

    private static void PrepareCrd(JsonObject crd, string name, List<StatusCause> errors, bool isCreate)
    {
        var spec = Json.Obj(crd, "spec");
        var group = Json.Str(spec["group"]) ?? string.Empty;
        var names = Json.Obj(spec, "names");
        var plural = Json.Str(names["plural"]) ?? string.Empty;
        var kind = Json.Str(names["kind"]) ?? string.Empty;
        if (group.Length == 0)
        {
            errors.Add(StatusCause.Required("spec.group", string.Empty));
        }

        if (plural.Length == 0)
        {
            errors.Add(StatusCause.Required("spec.names.plural", string.Empty));
        }

        if (kind.Length == 0)
        {
            errors.Add(StatusCause.Required("spec.names.kind", string.Empty));
        }

        if (group.Length > 0 && plural.Length > 0 && name != plural + "." + group)
        {
            errors.Add(StatusCause.Invalid("metadata.name", Go.Quote(name), "must be spec.names.plural+\".\"+spec.group"));
        }

        var scope = Json.Str(spec["scope"]) ?? string.Empty;
        if (!Scopes.Contains(scope, StringComparer.Ordinal))
        {
            errors.Add(StatusCause.NotSupported("spec.scope", scope, Scopes));
        }

        var versions = spec["versions"] as JsonArray;
        if (versions is null || versions.Count == 0)
        {
            errors.Add(StatusCause.Required("spec.versions", "must have exactly one version marked as storage version"));
        }
        else
        {
            var storage = versions.OfType<JsonObject>().Count(v => v["storage"] is JsonValue s && s.TryGetValue<bool>(out var b) && b);
            if (storage != 1)
            {
                errors.Add(StatusCause.Invalid("spec.versions", "[]apiextensions.CustomResourceDefinitionVersion{...}", "must have exactly one version marked as storage version"));
            }

            for (var i = 0; i < versions.Count; i++)
            {
                if (string.IsNullOrEmpty(Json.Str(versions[i]?["name"])))
                {
                    errors.Add(StatusCause.Required($"spec.versions[{i}].name", string.Empty));
                }
            }
        }

        if (errors.Count > 0)
        {
            return;
        }

        names["singular"] ??= kind.ToLowerInvariant();
        names["listKind"] ??= kind + "List";
        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
        if (isCreate)
        {
            var storageVersion = versions!.OfType<JsonObject>().First(v => v["storage"] is JsonValue s && s.TryGetValue<bool>(out var b) && b);
            crd["status"] = new JsonObject
            {
                ["acceptedNames"] = new JsonObject { ["kind"] = string.Empty, ["plural"] = string.Empty },
                ["storedVersions"] = new JsonArray(Json.Str(storageVersion["name"])),
            };
        }
    }

    private void ScheduleEstablish(string name, string uid)
    {
        var delay = knobs.CrdEstablishDelay;
        if (delay <= TimeSpan.Zero)
        {
            Establish(name, uid);
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                Establish(name, uid);
            }
            catch (OperationCanceledException)
            {
                // Shutting down.
            }
            catch (ApiException)
            {
                // The CRD was deleted meanwhile.
            }
        });
    }

    /// <summary>Accepts the names, starts serving the resource, then records the Established condition.</summary>
    private void Establish(string name, string uid)
    {
        var crdType = Resources.Current.ByGroupResource("customresourcedefinitions.apiextensions.k8s.io")!;
        var current = Find(crdType, string.Empty, name);
        if (current is null || current.Uid != uid)
        {
            return;
        }

        var crd = current.ToJson();
        Resources.SetCustom(name, CustomTypes(crd));
        Mutate(crdType, string.Empty, name, statusOnly: true, dryRun: false, obj =>
        {
            if (Json.Str(Json.Metadata(obj)["uid"]) != uid)
            {
                throw ApiErrors.Conflict(crdType.Group, crdType.Plural, name, "the CRD was replaced");
            }

            var now = Json.Timestamp(DateTimeOffset.UtcNow);
            var status = Json.Obj(obj, "status");
            status["acceptedNames"] = (obj["spec"] as JsonObject)?["names"]?.DeepClone();
            status["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now));
            return obj;
        });
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static bool IsEstablished(JsonObject crd)
        => (crd["status"] as JsonObject)?["conditions"] is JsonArray conditions
            && conditions.OfType<JsonObject>().Any(c => Json.Str(c["type"]) == "Established" && Json.Str(c["status"]) == "True");

    private static string CustomGroupResource(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        return (Json.Str((spec?["names"] as JsonObject)?["plural"]) ?? string.Empty) + "." + (Json.Str(spec?["group"]) ?? string.Empty);
    }

    /// <summary>One resource type per served version of the CRD.</summary>
    internal static IReadOnlyList<ResourceType> CustomTypes(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var group = Json.Str(spec["group"])!;
        var kind = Json.Str(names["kind"])!;
        var plural = Json.Str(names["plural"])!;
        var namespaced = Json.Str(spec["scope"]) == "Namespaced";
        var list = new List<ResourceType>();
        foreach (var version in (spec["versions"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
        {
            if (version["served"] is JsonValue served && served.TryGetValue<bool>(out var isServed) && !isServed)
            {
                continue;
            }

            list.Add(new ResourceType(group, Json.Str(version["name"])!, kind, plural, namespaced)
            {
                Singular = Json.Str(names["singular"]) ?? kind.ToLowerInvariant(),
                ListKind = Json.Str(names["listKind"]) ?? kind + "List",
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = (version["subresources"] as JsonObject)?["status"] is not null,
                TracksGeneration = true,
                IsCustom = true,
            });
        }

        return list;
    }

    private static IReadOnlyList<string> Strings(JsonNode? node)
        => node is JsonArray array ? array.Select(Json.Str).Where(s => s is not null).Select(s => s!).ToList() : Array.Empty<string>();
}

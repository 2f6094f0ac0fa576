using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>
/// Discovery documents as a real server serves them (/version, /api, /api/v1, /apis, /apis/g, /apis/g/v)
/// plus a minimal OpenAPI v3 (/openapi/v3 and one document per group-version).
/// </summary>
/// <remarks>
/// Aggregated discovery (Accept ...;as=APIGroupDiscoveryList) is answered with the legacy documents and
/// Content-Type application/json; client-go sees the content type and falls back to legacy discovery,
/// as it does against servers older than 1.26. The OpenAPI v3 documents carry paths and operations only
/// (no schemas): enough for kubectl to find that PATCH accepts fieldValidation, so it validates on the
/// server instead of downloading schemas, and kubectl apply computes strategic merge patches from its
/// compiled-in types. OpenAPI v2 is not served (404); kubectl treats that as "no schema" and moves on.
/// </remarks>
public static class Discovery
{
    /// <summary>The /version document.</summary>
    public static JsonObject Version(string gitVersion)
    {
        var core = gitVersion.TrimStart('v').Split('.', '-', '+');
        return new JsonObject
        {
            ["major"] = core.Length > 0 ? core[0] : "1",
            ["minor"] = core.Length > 1 ? core[1] : "0",
            ["emulationMajor"] = core.Length > 0 ? core[0] : "1",
            ["emulationMinor"] = core.Length > 1 ? core[1] : "0",
            ["gitVersion"] = gitVersion,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-01-01T00:00:00Z",
            ["goVersion"] = "go1.23.6",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    /// <summary>The /api document.</summary>
    public static byte[] CoreVersions(ResourceSnapshot snapshot, string serverAddress)
        => snapshot.Cached("/api", () => Json.ToBytes(new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
        }));

    /// <summary>The /apis document.</summary>
    public static byte[] GroupList(ResourceSnapshot snapshot)
        => snapshot.Cached("/apis", () =>
        {
            var groups = new JsonArray();
            foreach (var group in snapshot.Groups)
            {
                groups.Add(GroupBody(snapshot, group));
            }

            return Json.ToBytes(new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups });
        });

    /// <summary>The /apis/group document, or null when the group is not served.</summary>
    public static byte[]? Group(ResourceSnapshot snapshot, string group)
    {
        if (group.Length == 0 || !snapshot.VersionsByGroup.ContainsKey(group))
        {
            return null;
        }

        return snapshot.Cached("/apis/" + group, () =>
        {
            var body = GroupBody(snapshot, group);
            var doc = new JsonObject { ["kind"] = "APIGroup", ["apiVersion"] = "v1" };
            foreach (var (key, value) in body.ToList())
            {
                body.Remove(key);
                doc[key] = value;
            }

            return Json.ToBytes(doc);
        });
    }

    /// <summary>The APIResourceList of a group-version, or null when it is not served.</summary>
    public static byte[]? ResourceList(ResourceSnapshot snapshot, string group, string version)
    {
        if (!snapshot.ServesGroupVersion(group, version))
        {
            return null;
        }

        var groupVersion = group.Length == 0 ? version : group + "/" + version;
        return snapshot.Cached("rl:" + groupVersion, () =>
        {
            var resources = new JsonArray();
            foreach (var t in snapshot.All.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal))
            {
                var entry = new JsonObject
                {
                    ["name"] = t.Plural,
                    ["singularName"] = t.Singular,
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray(t.Verbs.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
                };
                if (t.ShortNames.Count > 0)
                {
                    entry["shortNames"] = new JsonArray(t.ShortNames.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
                }

                if (t.Categories.Count > 0)
                {
                    entry["categories"] = new JsonArray(t.Categories.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
                }

                if (t.Stored)
                {
                    entry["storageVersionHash"] = StorageVersionHash(t);
                }

                resources.Add(entry);
                if (t.HasStatus)
                {
                    resources.Add(new JsonObject
                    {
                        ["name"] = t.Plural + "/status",
                        ["singularName"] = string.Empty,
                        ["namespaced"] = t.Namespaced,
                        ["kind"] = t.Kind,
                        ["verbs"] = new JsonArray("get", "patch", "update"),
                    });
                }
            }

            return Json.ToBytes(new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["apiVersion"] = "v1",
                ["groupVersion"] = groupVersion,
                ["resources"] = resources,
            });
        });
    }

    /// <summary>The /openapi/v3 index: one entry per served group-version.</summary>
    public static byte[] OpenApiIndex(ResourceSnapshot snapshot, string gitVersion)
        => snapshot.Cached("/openapi/v3", () =>
        {
            var paths = new JsonObject();
            foreach (var (group, versions) in snapshot.VersionsByGroup.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                foreach (var version in versions)
                {
                    var key = group.Length == 0 ? "api/" + version : $"apis/{group}/{version}";
                    var doc = OpenApiDocument(snapshot, group, version, gitVersion)!;
                    paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(doc)}" };
                }
            }

            return Json.ToBytes(new JsonObject { ["paths"] = paths });
        });

    /// <summary>The OpenAPI v3 document of one group-version (paths and PATCH operations only), or null.</summary>
    public static byte[]? OpenApiDocument(ResourceSnapshot snapshot, string group, string version, string gitVersion)
    {
        if (!snapshot.ServesGroupVersion(group, version))
        {
            return null;
        }

        return snapshot.Cached($"oapi:{group}/{version}", () =>
        {
            var prefix = group.Length == 0 ? "/api/" + version : $"/apis/{group}/{version}";
            var paths = new JsonObject();
            foreach (var t in snapshot.All.Where(t => t.Group == group && t.Version == version && t.Stored))
            {
                var collection = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}" : $"{prefix}/{t.Plural}";
                paths[collection + "/{name}"] = new JsonObject { ["patch"] = PatchOperation(t) };
                if (t.HasStatus)
                {
                    paths[collection + "/{name}/status"] = new JsonObject { ["patch"] = PatchOperation(t) };
                }
            }

            return Json.ToBytes(new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = gitVersion },
                ["paths"] = paths,
                ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
            });
        });
    }

    private static JsonObject PatchOperation(ResourceType t)
    {
        // Advertise only the patch types a real server accepts for this resource; strategic merge is
        // left out on purpose so kubectl apply uses its compiled-in types instead of schemas we do not serve.
        var content = new JsonObject
        {
            ["application/json-patch+json"] = new JsonObject(),
            ["application/merge-patch+json"] = new JsonObject(),
        };
        return new JsonObject
        {
            ["operationId"] = "patch" + t.Kind,
            ["parameters"] = new JsonArray(
                Parameter("dryRun"),
                Parameter("fieldManager"),
                Parameter("fieldValidation"),
                Parameter("force")),
            ["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true },
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
            ["x-kubernetes-action"] = "patch",
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
        };
    }

    private static JsonObject Parameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonObject GroupBody(ResourceSnapshot snapshot, string group)
    {
        var versions = snapshot.VersionsByGroup[group];
        var list = new JsonArray();
        foreach (var v in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = group + "/" + v, ["version"] = v });
        }

        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = group + "/" + versions[0], ["version"] = versions[0] },
        };
    }

    private static string StorageVersionHash(ResourceType t)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{t.Group}/{t.Version}/{t.Kind}"));
        return Convert.ToBase64String(digest, 0, 8);
    }

    private static string Hash(byte[] document) => Convert.ToHexString(SHA512.HashData(document));
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Restore.TestApiServer;

/// <summary>
/// Server-side printing (Accept ...;as=Table) as kubectl requests it for human output. Columns follow
/// the real printers for configmaps, secrets, namespaces, services and deployments; every other
/// resource gets NAME and AGE, as custom resources without printer columns do.
/// </summary>
internal static class Tables
{
    public static bool Wanted(HttpRequest request)
        => request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal));

    public static JsonObject Build(ResourceType t, IReadOnlyList<StoredObject> items, long resourceVersion, string? continueToken, StringValues includeObject)
    {
        var columns = Columns(t);
        var definitions = new JsonArray();
        foreach (var (name, type, format) in columns)
        {
            definitions.Add(new JsonObject { ["name"] = name, ["type"] = type, ["format"] = format, ["description"] = string.Empty, ["priority"] = 0 });
        }

        var include = includeObject.Count > 0 ? includeObject.ToString() : "Metadata";
        var rows = new JsonArray();
        var now = DateTimeOffset.UtcNow;
        foreach (var item in items)
        {
            var obj = item.ToJson();
            var row = new JsonObject { ["cells"] = Cells(t, obj, now) };
            if (include == "Object")
            {
                row["object"] = obj;
            }
            else if (include != "None")
            {
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                };
            }

            rows.Add(row);
        }

        var meta = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (continueToken is not null)
        {
            meta["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = meta,
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    /// <summary>kubectl's age format (k8s.io/apimachinery/pkg/util/duration.HumanDuration).</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }

    private static (string Name, string Type, string Format)[] Columns(ResourceType t) => (t.Group, t.Kind) switch
    {
        ("", "ConfigMap") => new[] { ("Name", "string", "name"), ("Data", "integer", string.Empty), ("Age", "string", string.Empty) },
        ("", "Secret") => new[] { ("Name", "string", "name"), ("Type", "string", string.Empty), ("Data", "string", string.Empty), ("Age", "string", string.Empty) },
        ("", "Namespace") => new[] { ("Name", "string", "name"), ("Status", "string", string.Empty), ("Age", "string", string.Empty) },
        ("", "Service") => new[] { ("Name", "string", "name"), ("Type", "string", string.Empty), ("Cluster-IP", "string", string.Empty), ("External-IP", "string", string.Empty), ("Port(s)", "string", string.Empty), ("Age", "string", string.Empty) },
        ("apps", "Deployment") => new[] { ("Name", "string", "name"), ("Ready", "string", string.Empty), ("Up-to-date", "string", string.Empty), ("Available", "string", string.Empty), ("Age", "string", string.Empty) },
        _ => new[] { ("Name", "string", "name"), ("Age", "date", string.Empty) },
    };

    private static JsonArray Cells(ResourceType t, JsonObject obj, DateTimeOffset now)
    {
        var meta = obj["metadata"] as JsonObject;
        var name = Json.Str(meta?["name"]) ?? string.Empty;
        var created = DateTimeOffset.TryParse(Json.Str(meta?["creationTimestamp"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : now;
        var age = HumanDuration(now - created);
        var spec = obj["spec"] as JsonObject;
        var status = obj["status"] as JsonObject;
        return (t.Group, t.Kind) switch
        {
            ("", "ConfigMap") => new JsonArray(name, Count(obj["data"]) + Count(obj["binaryData"]), age),
            ("", "Secret") => new JsonArray(name, Json.Str(obj["type"]) ?? string.Empty, Count(obj["data"]).ToString(CultureInfo.InvariantCulture), age),
            ("", "Namespace") => new JsonArray(name, Json.Str(status?["phase"]) ?? string.Empty, age),
            ("", "Service") => new JsonArray(name, Json.Str(spec?["type"]) ?? "ClusterIP", Json.Str(spec?["clusterIP"]) ?? "<none>", "<none>", Ports(spec), age),
            ("apps", "Deployment") => new JsonArray(
                name,
                $"{Json.Int(status?["readyReplicas"]) ?? 0}/{Json.Int(spec?["replicas"]) ?? 1}",
                Json.Int(status?["updatedReplicas"]) ?? 0,
                Json.Int(status?["availableReplicas"]) ?? 0,
                age),
            _ => new JsonArray(name, age),
        };
    }

    private static int Count(JsonNode? node) => node is JsonObject o ? o.Count : 0;

    private static string Ports(JsonObject? spec)
    {
        if (spec?["ports"] is not JsonArray ports || ports.Count == 0)
        {
            return "<none>";
        }

        return string.Join(",", ports.OfType<JsonObject>().Select(p =>
        {
            var port = Json.Int(p["port"]) ?? 0;
            var nodePort = Json.Int(p["nodePort"]);
            var protocol = Json.Str(p["protocol"]) ?? "TCP";
            return nodePort is > 0 ? $"{port}:{nodePort}/{protocol}" : $"{port}/{protocol}";
        }));
    }
}

/// <summary>The review resources kubectl uses for "auth whoami" and "auth can-i".</summary>
internal static class Reviews
{
    public static JsonObject SelfSubjectReview(ResourceType t, UserInfo user) => new()
    {
        ["kind"] = t.Kind,
        ["apiVersion"] = t.GroupVersion,
        ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
        ["status"] = new JsonObject
        {
            ["userInfo"] = new JsonObject
            {
                ["username"] = user.Name,
                ["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode)JsonValue.Create(g)).ToArray()),
            },
        },
    };

    public static JsonObject SelfSubjectAccessReview(ResourceType t, JsonObject review, UserInfo user, ServerKnobs knobs)
    {
        var attributes = (review["spec"] as JsonObject)?["resourceAttributes"] as JsonObject;
        var allowed = attributes is null || !knobs.IsForbidden(
            Json.Str(attributes["verb"]) ?? string.Empty,
            Json.Str(attributes["group"]) ?? string.Empty,
            Json.Str(attributes["resource"]) ?? string.Empty,
            Json.Str(attributes["subresource"]) ?? string.Empty,
            Json.Str(attributes["namespace"]) ?? string.Empty,
            user.Name);
        review["kind"] = t.Kind;
        review["apiVersion"] = t.GroupVersion;
        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        review["status"] = new JsonObject { ["allowed"] = allowed };
        return review;
    }
}

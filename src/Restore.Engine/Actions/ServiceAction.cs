using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/service</c>: clears the cluster IPs the target cluster must assign again and
/// keeps only the node ports somebody chose explicitly (docs/velero-compatibility.md#item-actions):
/// <list type="bullet">
/// <item><c>spec.clusterIP</c> and <c>spec.clusterIPs</c> are removed unless <c>clusterIP</c> is <c>None</c> (headless).</item>
/// <item>With <see cref="RestoreActionOptions.PreserveNodePorts"/> nothing else changes.</item>
/// <item>Otherwise (not for <c>ExternalName</c> services) a port keeps its <c>nodePort</c> only when the
/// <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation lists a non-zero nodePort for it
/// (by <c>name</c>, or for unnamed ports by the nodePort value); without that annotation, only when a
/// managedFields entry has <c>f:spec.f:ports.k:{"port":N,"protocol":"P"}.f:nodePort</c>.</item>
/// <item>A LoadBalancer service with <c>externalTrafficPolicy: Local</c> keeps a non-zero
/// <c>healthCheckNodePort</c> only when last-applied sets it non-zero or a managedFields entry has
/// <c>f:spec.f:healthCheckNodePort</c>.</item>
/// </list>
/// A cleared port is removed from the JSON, which is what Velero's typed round trip writes for zero.
/// </summary>
internal sealed class ServiceAction : IRestoreItemAction
{
    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <inheritdoc />
    public string Name => "velero.io/service";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.Services);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var item = context.Item;
        if (item["spec"] is not JsonObject spec)
        {
            return RestoreItemActionResult.Continue;
        }

        if (ItemJson.AsString(spec["clusterIP"]) != "None")
        {
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
        }

        if (context.Options.PreserveNodePorts)
        {
            return RestoreItemActionResult.Continue;
        }

        var lastApplied = ReadLastApplied(item);
        var managedFields = ReadManagedFields(item);
        ClearNodePorts(spec, lastApplied, managedFields);
        ClearHealthCheckNodePort(spec, lastApplied, managedFields);
        return RestoreItemActionResult.Continue;
    }

    private static void ClearNodePorts(JsonObject spec, JsonObject? lastApplied, List<JsonObject> managedFields)
    {
        if (ItemJson.AsString(spec["type"]) == "ExternalName" || spec["ports"] is not JsonArray ports)
        {
            return;
        }

        if (lastApplied is not null)
        {
            var (names, unnamedNodePorts) = ExplicitNodePortsFromLastApplied(lastApplied);
            foreach (var port in ports)
            {
                if (port is not JsonObject p)
                {
                    continue;
                }

                var name = ItemJson.AsString(p["name"]) ?? string.Empty;
                var keep = name.Length > 0
                    ? names.Contains(name)
                    : unnamedNodePorts.Contains(ItemJson.AsInteger(p["nodePort"]) ?? 0);
                if (!keep)
                {
                    p.Remove("nodePort");
                }
            }

            return;
        }

        var explicitKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fields in managedFields)
        {
            if (ManagedObject(fields, "f:spec", "f:ports") is not { } portFields)
            {
                continue;
            }

            foreach (var pair in portFields)
            {
                if (pair.Value is JsonObject entry && entry.ContainsKey("f:nodePort"))
                {
                    explicitKeys.Add(pair.Key);
                }
            }
        }

        foreach (var port in ports)
        {
            if (port is JsonObject p && !explicitKeys.Contains(PortKey(p)))
            {
                p.Remove("nodePort");
            }
        }
    }

    private static void ClearHealthCheckNodePort(JsonObject spec, JsonObject? lastApplied, List<JsonObject> managedFields)
    {
        if (ItemJson.AsString(spec["externalTrafficPolicy"]) != "Local" || ItemJson.AsString(spec["type"]) != "LoadBalancer")
        {
            return;
        }

        if ((ItemJson.AsInteger(spec["healthCheckNodePort"]) ?? 0) == 0)
        {
            return;
        }

        if (lastApplied is not null)
        {
            var declared = ItemJson.Node(lastApplied, "spec", "healthCheckNodePort");
            if (declared is not null && declared.GetValueKind() != JsonValueKind.Null)
            {
                // Velero decodes this into an *int32: anything but a whole number is a decoding error.
                if (declared.GetValueKind() != JsonValueKind.Number || !IsWholeInt32(declared))
                {
                    throw new RestoreItemActionException($"the {LastAppliedAnnotation} annotation has a spec.healthCheckNodePort that is not a whole number: {declared.ToJsonString()}");
                }

                if (ItemJson.AsInteger(declared) != 0)
                {
                    return;
                }
            }
        }

        foreach (var fields in managedFields)
        {
            if (ManagedObject(fields, "f:spec", "f:healthCheckNodePort") is not null)
            {
                return;
            }
        }

        spec.Remove("healthCheckNodePort");
    }

    private static (HashSet<string> Names, HashSet<long> UnnamedNodePorts) ExplicitNodePortsFromLastApplied(JsonObject lastApplied)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var unnamed = new HashSet<long>();
        var specNode = lastApplied["spec"];
        if (specNode is null)
        {
            return (names, unnamed);
        }

        if (specNode is not JsonObject spec)
        {
            throw new RestoreItemActionException($"the {LastAppliedAnnotation} annotation has a spec that is not an object");
        }

        var portsNode = spec["ports"];
        if (portsNode is null)
        {
            return (names, unnamed);
        }

        if (portsNode is not JsonArray ports)
        {
            throw new RestoreItemActionException($"the {LastAppliedAnnotation} annotation has spec.ports that is not a list");
        }

        foreach (var port in ports)
        {
            if (port is not JsonObject p || !p.TryGetPropertyValue("nodePort", out var nodePortNode) || nodePortNode is null)
            {
                continue;
            }

            var nodePort = NodePortValue(nodePortNode);
            if (nodePort <= 0)
            {
                continue;
            }

            // A "name" key that is present, even empty, makes the port a named one, as in Velero.
            if (!p.TryGetPropertyValue("name", out var nameNode))
            {
                unnamed.Add(nodePort);
            }
            else if (ItemJson.AsString(nameNode) is { } name)
            {
                names.Add(name);
            }
            else
            {
                throw new RestoreItemActionException($"the {LastAppliedAnnotation} annotation has a port name that is not a string: {nameNode?.ToJsonString() ?? "null"}");
            }
        }

        return (names, unnamed);
    }

    // Numbers are truncated, strings must parse as integers, anything else counts as zero.
    private static long NodePortValue(JsonNode node)
    {
        switch (node.GetValueKind())
        {
            case JsonValueKind.Number:
                return ItemJson.AsInteger(node) ?? 0;
            case JsonValueKind.String:
                var text = node.GetValue<string>();
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                throw new RestoreItemActionException($"the {LastAppliedAnnotation} annotation has a nodePort that is not a number: \"{text}\"");
            default:
                return 0;
        }
    }

    private static bool IsWholeInt32(JsonNode node) =>
        int.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    private static string PortKey(JsonObject port)
    {
        var number = ItemJson.AsInteger(port["port"]) ?? 0;
        var protocol = ItemJson.AsString(port["protocol"]) ?? string.Empty;
        return "k:{\"port\":" + number.ToString(CultureInfo.InvariantCulture) + ",\"protocol\":\"" + protocol + "\"}";
    }

    private static JsonObject? ReadLastApplied(JsonObject item)
    {
        if (ItemJson.Annotations(item)?[LastAppliedAnnotation] is not JsonNode node)
        {
            return null;
        }

        var text = ItemJson.AsString(node) ?? string.Empty;
        if (!ItemJson.TryParse(text, out var parsed, out var error))
        {
            throw new RestoreItemActionException($"the {LastAppliedAnnotation} annotation is not valid JSON: {error}");
        }

        return parsed switch
        {
            JsonObject obj => obj,
            null => new JsonObject(),
            _ => throw new RestoreItemActionException($"the {LastAppliedAnnotation} annotation is not a JSON object"),
        };
    }

    // The fieldsV1 object of every managedFields entry that has one.
    private static List<JsonObject> ReadManagedFields(JsonObject item)
    {
        var result = new List<JsonObject>();
        foreach (var entry in ItemJson.Array(item, "metadata", "managedFields") ?? new JsonArray())
        {
            if ((entry as JsonObject)?["fieldsV1"] is JsonObject fields)
            {
                result.Add(fields);
            }
        }

        return result;
    }

    private static JsonObject? ManagedObject(JsonObject fields, string specKey, string key)
    {
        var specNode = fields[specKey];
        if (specNode is null)
        {
            return null;
        }

        if (specNode is not JsonObject specFields)
        {
            throw new RestoreItemActionException($"a managedFields entry has {specKey} that is not an object");
        }

        var value = specFields[key];
        return value switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw new RestoreItemActionException($"a managedFields entry has {specKey}.{key} that is not an object"),
        };
    }
}

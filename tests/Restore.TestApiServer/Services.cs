using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>
/// Service defaulting, validation and the cluster-IP / node-port allocators, with the messages the
/// real registry writes (e.g. "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated").
/// </summary>
internal sealed class ServiceAllocator
{
    private static readonly string[] ServiceTypes = { "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" };
    private readonly object gate = new();
    private readonly HashSet<uint> ips = new();
    private readonly HashSet<int> nodePorts = new();
    private readonly uint networkBase;
    private readonly uint networkSize;
    private readonly string cidr;
    private readonly int nodePortMin;
    private readonly int nodePortMax;
    private uint nextIp = 1;
    private int nextPort;

    public ServiceAllocator(string serviceCidr, int nodePortMin, int nodePortMax)
    {
        var parts = serviceCidr.Split('/');
        var prefix = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
        networkBase = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]) & (prefix == 0 ? 0 : uint.MaxValue << (32 - prefix));
        networkSize = prefix == 0 ? uint.MaxValue : 1u << (32 - prefix);
        cidr = serviceCidr;
        this.nodePortMin = nodePortMin;
        this.nodePortMax = nodePortMax;
        nextPort = nodePortMin;
    }

    /// <summary>The first usable address (the "kubernetes" service's).</summary>
    public string FirstAddress => Format(networkBase + 1);

    /// <summary>Defaults, validates and allocates for a new service; on failure nothing stays allocated.</summary>
    public void PrepareCreate(JsonObject svc, string name) => Prepare(svc, null, name);

    /// <summary>Carries allocated values over from <paramref name="old"/>, validates and allocates what changed.</summary>
    public void PrepareUpdate(JsonObject svc, JsonObject old, string name) => Prepare(svc, old, name);

    /// <summary>Releases everything <paramref name="svc"/> holds.</summary>
    public void Release(JsonObject svc)
    {
        lock (gate)
        {
            foreach (var ip in ClusterIps(svc))
            {
                ips.Remove(ip);
            }

            foreach (var port in NodePorts(svc))
            {
                nodePorts.Remove(port);
            }
        }
    }

    /// <summary>Releases what <paramref name="old"/> held and <paramref name="updated"/> no longer does.</summary>
    public void ReleaseDropped(JsonObject old, JsonObject updated)
    {
        lock (gate)
        {
            foreach (var ip in ClusterIps(old).Except(ClusterIps(updated)))
            {
                ips.Remove(ip);
            }

            foreach (var port in NodePorts(old).Except(NodePorts(updated)))
            {
                nodePorts.Remove(port);
            }
        }
    }

    private void Prepare(JsonObject svc, JsonObject? old, string name)
    {
        var spec = Json.Obj(svc, "spec");
        var oldSpec = old?["spec"] as JsonObject;
        var type = Json.Str(spec["type"]) ?? "ClusterIP";
        spec["type"] = type;
        var errors = new List<StatusCause>();
        if (!ServiceTypes.Contains(type, StringComparer.Ordinal))
        {
            errors.Add(StatusCause.NotSupported("spec.type", type, ServiceTypes));
            throw ApiErrors.Invalid(string.Empty, "Service", name, errors);
        }

        spec["sessionAffinity"] ??= "None";
        var external = type == "ExternalName";
        var usesNodePorts = type is "NodePort" or "LoadBalancer";
        var ports = spec["ports"] as JsonArray ?? new JsonArray();
        var requested = Json.Str(spec["clusterIP"]) ?? (spec["clusterIPs"] is JsonArray { Count: > 0 } list ? Json.Str(list[0]) : null) ?? string.Empty;
        var oldIp = oldSpec is null ? string.Empty : Json.Str(oldSpec["clusterIP"]) ?? string.Empty;
        if (old is not null && requested.Length == 0 && !external)
        {
            requested = oldIp;
        }

        if (external)
        {
            if (string.IsNullOrEmpty(Json.Str(spec["externalName"])))
            {
                errors.Add(StatusCause.Required("spec.externalName", string.Empty));
            }
        }
        else if (ports.Count == 0 && requested != "None")
        {
            errors.Add(StatusCause.Required("spec.ports", string.Empty));
        }

        if (old is not null && oldIp.Length > 0 && requested != oldIp && !external)
        {
            errors.Add(StatusCause.Invalid("spec.clusterIPs[0]", Go.StringSlice(new[] { requested }), "may not change once set"));
        }

        var oldPorts = (oldSpec?["ports"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
        var wanted = new List<(JsonObject Port, int Index, int NodePort, bool Explicit)>();
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject port)
            {
                continue;
            }

            port["protocol"] ??= "TCP";
            var number = Json.Int(port["port"]) ?? 0;
            if (number is < 1 or > 65535)
            {
                errors.Add(StatusCause.Invalid($"spec.ports[{i}].port", number.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
            }

            if (!external)
            {
                port["targetPort"] ??= number;
            }

            var nodePort = (int)(Json.Int(port["nodePort"]) ?? 0);
            if (nodePort == 0 && usesNodePorts && old is not null)
            {
                // Like the real registry: an update that omits an allocated nodePort keeps it.
                var previous = oldPorts.FirstOrDefault(p => Json.Int(p["port"]) == number && (Json.Str(p["protocol"]) ?? "TCP") == Json.Str(port["protocol"]));
                nodePort = (int)(Json.Int(previous?["nodePort"]) ?? 0);
            }

            if (nodePort != 0 && !usesNodePorts)
            {
                errors.Add(StatusCause.Forbidden($"spec.ports[{i}].nodePort", $"may not be used when `type` is '{type}'"));
                continue;
            }

            if (usesNodePorts)
            {
                wanted.Add((port, i, nodePort, nodePort != 0));
            }
        }

        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(string.Empty, "Service", name, errors);
        }

        var heldByOld = old is null ? new HashSet<int>() : NodePorts(old).ToHashSet();
        var heldIps = old is null ? new HashSet<uint>() : ClusterIps(old).ToHashSet();
        lock (gate)
        {
            var seen = new HashSet<int>();
            foreach (var (_, index, nodePort, isExplicit) in wanted)
            {
                if (!isExplicit)
                {
                    continue;
                }

                var field = $"spec.ports[{index}].nodePort";
                if (nodePort < nodePortMin || nodePort > nodePortMax)
                {
                    errors.Add(StatusCause.Invalid(field, nodePort.ToString(CultureInfo.InvariantCulture), $"provided port is not in the valid range. The range of valid ports is {nodePortMin}-{nodePortMax}"));
                }
                else if (!seen.Add(nodePort))
                {
                    errors.Add(StatusCause.Duplicate(field, nodePort.ToString(CultureInfo.InvariantCulture)));
                }
                else if (nodePorts.Contains(nodePort) && !heldByOld.Contains(nodePort))
                {
                    errors.Add(StatusCause.Invalid(field, nodePort.ToString(CultureInfo.InvariantCulture), "provided port is already allocated"));
                }
            }

            uint ip = 0;
            if (!external && requested != "None")
            {
                if (requested.Length > 0)
                {
                    if (!TryParse(requested, out ip) || ip - networkBase >= networkSize || ip == networkBase)
                    {
                        errors.Add(StatusCause.Invalid("spec.clusterIPs", Go.StringSlice(new[] { requested }), $"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {cidr}"));
                    }
                    else if (ips.Contains(ip) && !heldIps.Contains(ip))
                    {
                        errors.Add(StatusCause.Invalid("spec.clusterIPs", Go.StringSlice(new[] { requested }), $"failed to allocate IP {requested}: provided IP is already allocated"));
                    }
                }
            }

            if (errors.Count > 0)
            {
                throw ApiErrors.Invalid(string.Empty, "Service", name, errors);
            }

            if (!external && requested != "None")
            {
                if (requested.Length == 0)
                {
                    ip = NextIp();
                }

                ips.Add(ip);
                var address = Format(ip);
                spec["clusterIP"] = address;
                spec["clusterIPs"] = new JsonArray(address);
            }
            else if (requested == "None")
            {
                spec["clusterIP"] = "None";
                spec["clusterIPs"] = new JsonArray("None");
            }

            foreach (var (port, _, nodePort, isExplicit) in wanted)
            {
                var assigned = nodePort;
                if (!isExplicit || nodePort == 0)
                {
                    assigned = NextPort();
                }

                nodePorts.Add(assigned);
                port["nodePort"] = assigned;
            }
        }

        if (!external)
        {
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (usesNodePorts)
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
        }

        if (type == "LoadBalancer")
        {
            spec["allocateLoadBalancerNodePorts"] ??= true;
        }
    }

    private uint NextIp()
    {
        for (uint tried = 0; tried < networkSize; tried++)
        {
            var candidate = networkBase + nextIp;
            nextIp = nextIp + 1 >= networkSize - 1 ? 1 : nextIp + 1;
            if (!ips.Contains(candidate))
            {
                return candidate;
            }
        }

        throw ApiErrors.InternalError("range is full");
    }

    private int NextPort()
    {
        for (var tried = 0; tried <= nodePortMax - nodePortMin; tried++)
        {
            var candidate = nextPort;
            nextPort = nextPort >= nodePortMax ? nodePortMin : nextPort + 1;
            if (!nodePorts.Contains(candidate))
            {
                return candidate;
            }
        }

        throw ApiErrors.InternalError("range is full");
    }

    private IEnumerable<uint> ClusterIps(JsonObject svc)
    {
        if (svc["spec"] is JsonObject spec && Json.Str(spec["clusterIP"]) is { } ip && TryParse(ip, out var value) && value - networkBase < networkSize)
        {
            yield return value;
        }
    }

    private static IEnumerable<int> NodePorts(JsonObject svc)
    {
        if (svc["spec"] is JsonObject spec && spec["ports"] is JsonArray ports)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                if (Json.Int(port["nodePort"]) is { } n and > 0)
                {
                    yield return (int)n;
                }
            }
        }
    }

    private static bool TryParse(string text, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        value = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        return true;
    }

    private static string Format(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";
}

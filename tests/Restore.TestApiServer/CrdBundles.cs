using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>CRDs a real cluster with Velero and CSI snapshots has installed, to preinstall on request.</summary>
public static class CrdBundles
{
    /// <summary>The snapshot.storage.k8s.io CRDs.</summary>
    public static IReadOnlyList<JsonObject> VolumeSnapshots() => new[]
    {
        Crd("snapshot.storage.k8s.io", "VolumeSnapshot", "volumesnapshots", "Namespaced", new[] { "vs" }, status: true),
        Crd("snapshot.storage.k8s.io", "VolumeSnapshotContent", "volumesnapshotcontents", "Cluster", new[] { "vsc", "vscs" }, status: true),
        Crd("snapshot.storage.k8s.io", "VolumeSnapshotClass", "volumesnapshotclasses", "Cluster", new[] { "vsclass", "vsclasses" }, status: false),
    };

    /// <summary>The velero.io CRDs (v1 and v2alpha1 kinds).</summary>
    public static IReadOnlyList<JsonObject> Velero()
    {
        var v1 = new (string Kind, string Plural, string[] ShortNames)[]
        {
            ("Backup", "backups", System.Array.Empty<string>()),
            ("BackupRepository", "backuprepositories", System.Array.Empty<string>()),
            ("BackupStorageLocation", "backupstoragelocations", new[] { "bsl" }),
            ("DeleteBackupRequest", "deletebackuprequests", System.Array.Empty<string>()),
            ("DownloadRequest", "downloadrequests", System.Array.Empty<string>()),
            ("PodVolumeBackup", "podvolumebackups", System.Array.Empty<string>()),
            ("PodVolumeRestore", "podvolumerestores", System.Array.Empty<string>()),
            ("Restore", "restores", System.Array.Empty<string>()),
            ("Schedule", "schedules", System.Array.Empty<string>()),
            ("ServerStatusRequest", "serverstatusrequests", new[] { "ssr" }),
            ("VolumeSnapshotLocation", "volumesnapshotlocations", new[] { "vsl" }),
        };
        return v1.Select(k => Crd("velero.io", k.Kind, k.Plural, "Namespaced", k.ShortNames, status: false))
            .Concat(new[]
            {
                Crd("velero.io", "DataUpload", "datauploads", "Namespaced", System.Array.Empty<string>(), status: true, version: "v2alpha1"),
                Crd("velero.io", "DataDownload", "datadownloads", "Namespaced", System.Array.Empty<string>(), status: true, version: "v2alpha1"),
            })
            .ToList();
    }

    /// <summary>A minimal but valid apiextensions.k8s.io/v1 CRD with one served, stored version.</summary>
    public static JsonObject Crd(string group, string kind, string plural, string scope, IReadOnlyList<string> shortNames, bool status, string version = "v1")
    {
        var names = new JsonObject { ["kind"] = kind, ["listKind"] = kind + "List", ["plural"] = plural, ["singular"] = kind.ToLowerInvariant() };
        if (shortNames.Count > 0)
        {
            names["shortNames"] = new JsonArray(shortNames.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
        }

        var versionEntry = new JsonObject
        {
            ["name"] = version,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject
            {
                ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
            },
        };
        if (status)
        {
            versionEntry["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = plural + "." + group },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["names"] = names,
                ["scope"] = scope,
                ["versions"] = new JsonArray(versionEntry),
            },
        };
    }
}

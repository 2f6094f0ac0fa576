using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Planning;

/// <summary>The offline resource catalog of a backup: the built-in resources plus the backup's CRDs.</summary>
internal static class BackupResourceCatalog
{
    private const string CrdGroupResource = "customresourcedefinitions.apiextensions.k8s.io";

    /// <summary>
    /// The built-in resources plus every CRD in the backup
    /// (<c>resources/customresourcedefinitions.apiextensions.k8s.io</c>). A CRD file that cannot be read is
    /// left out with a warning in <paramref name="log"/>.
    /// </summary>
    public static StaticResourceCatalog Create(BackupContents contents, IEngineLog? log = null)
    {
        if (contents is null)
        {
            throw new ArgumentNullException(nameof(contents));
        }

        var crds = new List<JsonObject>();
        foreach (var entry in contents.GetItems(CrdGroupResource))
        {
            var bytes = entry.Content;

            try
            {
                if (JsonNode.Parse(bytes.Span) is JsonObject crd)
                {
                    crds.Add(crd);
                }
            }
            catch (JsonException ex)
            {
                log?.Warning($"ignoring CustomResourceDefinition {entry.Name} for the offline resource catalog: {ex.Message}");
            }
        }

        return StaticResourceCatalog.CreateDefault().WithCustomResourceDefinitions(crds, log);
    }
}

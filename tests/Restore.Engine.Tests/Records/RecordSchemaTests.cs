using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Restore.Engine.Records;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Records;

/// <summary>
/// The record decodes strictly as Velero's Restore: every field under spec and status is one Velero's CRD knows
/// (tests/velero-crd/velero.io_restores.yaml, vendored from vmware-tanzu/velero config/crd/v1/bases), as an API server
/// with strict field validation would check it (docs/velero-compatibility.md#restore-record-fields).
/// </summary>
public class RecordSchemaTests
{
    private static readonly Lazy<JsonObject> Schema = new(() =>
    {
        var crd = YamlJson.Parse(File.ReadAllText(Path.Combine(ToolLocator.RepoRoot, "tests", "velero-crd", "velero.io_restores.yaml")))!;
        var version = crd["spec"]!["versions"]!.AsArray().Single(v => (string?)v!["name"] == "v1")!;
        return version["schema"]!["openAPIV3Schema"]!.AsObject();
    });

    [Fact]
    public void AFullRecordHasOnlyFieldsVelerosCrdKnows()
    {
        var json = FullRecord().ToJson();

        var problems = StrictSchema.Check(JsonNode.Parse(json.ToJsonString()), Schema.Value);

        Assert.Empty(problems);
        // Our fields are still there, in annotations.
        var annotations = json["metadata"]!["annotations"]!.AsObject();
        Assert.Contains("storageClassMapping", (string?)annotations[RestoreSpecExtensions.SpecAnnotation], StringComparison.Ordinal);
        Assert.Contains("\"targets\"", (string?)annotations[RestoreRecord.StatusAnnotation], StringComparison.Ordinal);
    }

    [Fact]
    public void TheCheckerRejectsAnUnknownField()
    {
        // The checker itself must be able to fail: a record as written before (our fields in spec and status) does.
        var old = OldRecordJson();

        var problems = StrictSchema.Check(old, Schema.Value);

        Assert.Contains("spec.storageClassMapping", problems);
        Assert.Contains("spec.description", problems);
        Assert.Contains("status.targets", problems);
        Assert.Contains("status.canceled", problems);
        Assert.Contains("status.lastUpdateTimestamp", problems);
    }

    [Fact]
    public void ARecordWrittenBeforeStillReads()
    {
        var record = RestoreRecord.FromJson(OldRecordJson());

        Assert.True(record.Canceled);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 9, TimeSpan.Zero), record.LastUpdateTimestamp);
        Assert.Equal("prod", Assert.Single(record.Targets).Name);
        var spec = record.ReadSpec();
        Assert.Equal("fast", spec.StorageClassMapping!["slow"]);
        Assert.Equal("old description", spec.Description);
        Assert.Equal("nightly-1", spec.BackupName);

        // Written again, it moves our fields to annotations and keeps every value.
        var again = RestoreRecord.FromJson(JsonNode.Parse(record.ToJson().ToJsonString()));
        Assert.Empty(StrictSchema.Check(JsonNode.Parse(record.ToJson().ToJsonString()), Schema.Value));
        Assert.Equal("fast", again.ReadSpec().StorageClassMapping!["slow"]);
        Assert.True(again.Canceled);
        Assert.Equal("prod", Assert.Single(again.Targets).Name);
    }

    [Fact]
    public void AFullRecordRoundTripsThroughItsAnnotations()
    {
        var record = FullRecord();

        var back = RestoreRecord.FromJson(JsonNode.Parse(record.ToJson().ToJsonString()));

        Assert.Equal(record.ToJson().ToJsonString(), back.ToJson().ToJsonString());
        Assert.Equal(3, back.Retries);
        Assert.Equal(4, back.Namespaces["shop"].Done);
        Assert.Equal(5, back.Namespaces["shop"].Total);
        Assert.Equal(RestoreSpecJson.WriteSpec(record.ReadSpec()).ToJsonString(), RestoreSpecJson.WriteSpec(back.ReadSpec()).ToJsonString());
    }

    [Fact]
    public void TheRecordAsAManifestReadsBackWithOurFields()
    {
        var manifest = RestoreManifest.FromNode(JsonNode.Parse(FullRecord().ToJson().ToJsonString()));

        Assert.Equal("fast", manifest.Spec.StorageClassMapping!["slow"]);
        Assert.Equal("a drill", manifest.Spec.Description);
        Assert.Equal(new[] { "configmaps/shop/a" }, manifest.Spec.Objects);
        Assert.False(manifest.Annotations!.ContainsKey(RestoreSpecExtensions.SpecAnnotation));
    }

    [Fact]
    public void EveryVeleroSpecFieldWeNameIsInTheCrd()
    {
        var known = Schema.Value["properties"]!["spec"]!["properties"]!.AsObject().Select(p => p.Key).ToHashSet();

        Assert.All(RestoreSpecExtensions.VeleroSpecFields, f => Assert.Contains(f, known));
        Assert.Equal(known.OrderBy(k => k, StringComparer.Ordinal), RestoreSpecExtensions.VeleroSpecFields.OrderBy(k => k, StringComparer.Ordinal));
    }

    private static RestoreRecord FullRecord()
    {
        var record = new RestoreRecord
        {
            Name = "web-1",
            Uid = "u-1",
            CreationTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Description = "DR drill",
            CreatedBy = "system:admin",
            BackupTimestamp = new DateTimeOffset(2024, 12, 31, 23, 0, 0, TimeSpan.Zero),
            Phase = RestorePhase.PartiallyFailed,
            FailureReason = "1 error",
            Warnings = 2,
            Errors = 1,
            StartTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 1, TimeSpan.Zero),
            CompletionTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 9, TimeSpan.Zero),
            TotalItems = 10,
            ItemsRestored = 10,
            Canceled = true,
            LastUpdateTimestamp = new DateTimeOffset(2025, 1, 1, 0, 0, 9, TimeSpan.Zero),
            Retries = 3,
        };
        record.WriteSpec(new RestoreSpec
        {
            BackupName = "nightly-1",
            ScheduleName = "nightly",
            IncludedNamespaces = new List<string> { "shop" },
            NamespaceMapping = new Dictionary<string, string> { ["shop"] = "shop2" },
            LabelSelector = new LabelSelectorSpec { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            RestorePVs = true,
            RestoreStatus = new RestoreStatusSpec { IncludedResources = new List<string> { "*" } },
            PreserveNodePorts = true,
            IncludeClusterResources = false,
            ExistingResourcePolicy = "update",
            ItemOperationTimeout = "4h0m0s",
            ResourceModifier = new ResourceModifierReference { Kind = "ConfigMap", Name = "mods" },
            UploaderConfig = new RestoreUploaderConfig { WriteSparseFiles = true, ParallelFilesDownload = 4 },
            Objects = new List<string> { "configmaps/shop/a" },
            ResourcePriorities = new List<string> { "namespaces" },
            StorageClassMapping = new Dictionary<string, string> { ["slow"] = "fast" },
            ImageMapping = new Dictionary<string, string> { ["a"] = "b" },
            NodeMapping = new Dictionary<string, string> { ["n1"] = "n2" },
            Patches = new List<ObjectPatchSpec> { new() { Target = "configmaps/shop/a", Type = "merge", Patch = "{}" } },
            Description = "a drill",
            NamespaceMatching = NamespaceMatching.Glob,
            EnableApiGroupVersions = true,
            ApiGroupVersionPriorities = new Dictionary<string, List<string>> { ["apps"] = new() { "v1" } },
        });
        record.Labels["team"] = "payments";
        record.ValidationErrors.Add("none really");
        record.Targets.Add(new RestoreTargetStatus { Name = "prod", Server = "https://10.0.0.1", Phase = RestorePhase.PartiallyFailed, TotalItems = 10, ItemsRestored = 10, Warnings = 2, Errors = 1, FailureReason = "1 error" });
        record.Namespaces["shop"] = new NamespaceProgress { Done = 4, Total = 5 };
        record.Namespaces[string.Empty] = new NamespaceProgress { Done = 1, Total = 1 };
        return record;
    }

    /// <summary>A record as this module wrote it before our fields moved to annotations.</summary>
    private static JsonNode OldRecordJson() => JsonNode.Parse("""
        {"apiVersion":"velero.io/v1","kind":"Restore",
         "metadata":{"name":"old","namespace":"velero","uid":"u","creationTimestamp":"2025-01-01T00:00:00Z",
           "annotations":{"restore.powershell/description":"old description"}},
         "spec":{"backupName":"nightly-1","storageClassMapping":{"slow":"fast"},"description":"old description"},
         "status":{"phase":"Failed","progress":{"totalItems":3,"itemsRestored":1},"canceled":true,
           "lastUpdateTimestamp":"2025-01-01T00:00:09Z",
           "targets":[{"name":"prod","kind":"cluster","phase":"Failed","totalItems":3,"itemsRestored":1,"warnings":0,"errors":0}]}}
        """)!;
}

/// <summary>
/// A small strict checker of a JSON value against an OpenAPI v3 schema as CRDs use it: object keys must be declared in
/// <c>properties</c> (or covered by <c>additionalProperties</c> / <c>x-kubernetes-preserve-unknown-fields</c>), and
/// scalars must have the declared type. <c>metadata</c> is ObjectMeta, which the API server checks itself.
/// </summary>
internal static class StrictSchema
{
    public static List<string> Check(JsonNode? value, JsonObject schema)
    {
        var problems = new List<string>();
        Walk(value, schema, string.Empty, problems);
        return problems;
    }

    private static void Walk(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        if (value is null)
        {
            return;
        }

        var type = (string?)schema["type"];
        if ((bool?)schema["x-kubernetes-preserve-unknown-fields"] == true && schema["properties"] is null)
        {
            return;
        }

        switch (value)
        {
            case JsonObject obj:
                if (type is not null && type != "object")
                {
                    problems.Add(path + " (object, expected " + type + ")");
                    return;
                }

                if (path == "metadata")
                {
                    return;
                }

                foreach (var pair in obj)
                {
                    var child = path.Length == 0 ? pair.Key : path + "." + pair.Key;
                    if (schema["properties"]?[pair.Key] is JsonObject property)
                    {
                        Walk(pair.Value, property, child, problems);
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Walk(pair.Value, additional, child, problems);
                    }
                    else if ((bool?)schema["x-kubernetes-preserve-unknown-fields"] != true)
                    {
                        problems.Add(child);
                    }
                }

                break;
            case JsonArray array:
                if (type != "array")
                {
                    problems.Add(path + " (array, expected " + type + ")");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    if (schema["items"] is JsonObject items)
                    {
                        Walk(array[i], items, path + "[" + i + "]", problems);
                    }
                }

                break;
            default:
                var kind = value.GetValueKind();
                var actual = kind switch
                {
                    System.Text.Json.JsonValueKind.String => "string",
                    System.Text.Json.JsonValueKind.Number => "integer",
                    System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
                    _ => "null",
                };
                if (type is not null && actual != type && !(type == "number" && actual == "integer") && (bool?)schema["x-kubernetes-int-or-string"] != true)
                {
                    problems.Add(path + " (" + actual + ", expected " + type + ")");
                }

                break;
        }
    }
}

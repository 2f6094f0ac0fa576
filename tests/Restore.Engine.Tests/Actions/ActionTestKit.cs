using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Restore.Engine.Actions;
using Restore.Engine.Actions.Csi;
using Xunit;

namespace Restore.Engine.Tests.Actions;

/// <summary>
/// Helpers for the table-driven action tests. JSON in the tables uses single quotes for readability
/// (<c>\'</c> for a quote inside a string); <see cref="Json"/> turns it into real JSON.
/// </summary>
internal static class ActionTestKit
{
    public static JsonObject Json(string singleQuoted) =>
        JsonNode.Parse(singleQuoted.Replace("\\'", "\u0001").Replace('\'', '"').Replace("\u0001", "\\\""))!.AsObject();

    public static RestoreItemActionContext Context(
        string item,
        string groupResource,
        string sourceNamespace = "shop",
        string? targetNamespace = null,
        RestoreActionOptions? options = null,
        IClusterState? cluster = null,
        string? itemFromBackup = null)
    {
        var working = Json(item);
        var backup = itemFromBackup is null ? (JsonObject)working.DeepClone() : Json(itemFromBackup);
        return new RestoreItemActionContext(working, backup, groupResource, sourceNamespace, targetNamespace ?? sourceNamespace, options ?? new RestoreActionOptions(), cluster);
    }

    /// <summary>Runs the action the way the planner does: only when it applies.</summary>
    public static RestoreItemActionResult Run(IRestoreItemAction action, RestoreItemActionContext context)
    {
        Assert.True(action.AppliesTo(context.GroupResource), $"{action.Name} should apply to {context.GroupResource}");
        return action.Execute(context);
    }

    public static void AssertJson(string expectedSingleQuoted, JsonNode actual)
    {
        var expected = Json(expectedSingleQuoted);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\n  actual {actual.ToJsonString()}");
    }

    /// <summary>Additional items as <c>gr/ns/name</c> joined by <c>;</c> (empty when none).</summary>
    public static string Describe(IReadOnlyList<AdditionalItem> items) =>
        string.Join(";", items.Select(i => $"{i.GroupResource}/{i.Namespace}/{i.Name}"));

    public static Dictionary<string, string> Map(string pairs) =>
        pairs.Length == 0
            ? new Dictionary<string, string>()
            : pairs.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}

/// <summary>A hand-filled view of the target cluster.</summary>
internal sealed class FakeCluster : ICsiClusterState
{
    public Dictionary<string, List<string>> ServiceAccounts { get; } = new();

    public HashSet<string> PersistentVolumes { get; } = new();

    public HashSet<string> StorageClasses { get; } = new();

    public HashSet<string> Claims { get; } = new();

    public Dictionary<string, List<string>> SnapshotClassesByDriver { get; } = new();

    public IReadOnlyCollection<string> GetServiceAccountNames(string @namespace) =>
        ServiceAccounts.TryGetValue(@namespace, out var names) ? names : new List<string>();

    public bool PersistentVolumeExists(string name) => PersistentVolumes.Contains(name);

    public bool StorageClassExists(string name) => StorageClasses.Contains(name);

    public bool PersistentVolumeClaimExists(string @namespace, string name) => Claims.Contains(@namespace + "/" + name);

    public IReadOnlyList<string> GetVolumeSnapshotClassNames(string driver) =>
        SnapshotClassesByDriver.TryGetValue(driver, out var names) ? names : new List<string>();
}

/// <summary>A view that implements only the base interface (no CSI extras).</summary>
internal sealed class BasicCluster : IClusterState
{
    public IReadOnlyCollection<string> GetServiceAccountNames(string @namespace) => Array.Empty<string>();

    public bool PersistentVolumeExists(string name) => false;

    public bool StorageClassExists(string name) => false;
}

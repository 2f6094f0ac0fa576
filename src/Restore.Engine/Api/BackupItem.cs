using Restore.Engine.Archive;

namespace Restore.Engine.Api;

/// <summary>One item of a backup tarball, as listed by Get-BackupItem (from the unversioned tree, docs/velero-compatibility.md#tarball-paths).</summary>
public sealed class BackupItem
{
    private BackupItem(string backup, string groupResource, string @namespace, string name, string path, long size)
    {
        Backup = backup;
        GroupResource = groupResource;
        var dot = groupResource.IndexOf('.');
        Resource = dot < 0 ? groupResource : groupResource.Substring(0, dot);
        Group = dot < 0 ? string.Empty : groupResource.Substring(dot + 1);
        Namespace = @namespace;
        Name = name;
        Path = path;
        Size = size;
    }

    /// <summary>The backup the item belongs to.</summary>
    public string Backup { get; }

    /// <summary>Group-resource, such as <c>deployments.apps</c> or <c>pods</c>.</summary>
    public string GroupResource { get; }

    /// <summary>Resource name, such as <c>deployments</c>.</summary>
    public string Resource { get; }

    /// <summary>API group, such as <c>apps</c>; empty for the core group.</summary>
    public string Group { get; }

    /// <summary>API version from the item's <c>apiVersion</c> (<c>v1</c>); empty when it cannot be read.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>The item's <c>kind</c>; empty when it cannot be read.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Source namespace; empty for cluster-scoped items.</summary>
    public string Namespace { get; }

    /// <summary>Item name (the file name less <c>.json</c>).</summary>
    public string Name { get; }

    /// <summary>Path inside the tarball.</summary>
    public string Path { get; }

    /// <summary>Size of the item file in bytes.</summary>
    public long Size { get; }

    /// <summary>Why the item's JSON could not be read; null when it could.</summary>
    public string? DecodeError { get; set; }

    /// <summary>The view of an item the scanner found in <paramref name="backup"/>.</summary>
    internal static BackupItem From(string backup, ScannedItem item) => new(backup, item.GroupResource, item.Namespace, item.Name, item.Path, item.Size)
    {
        Version = item.Version,
        Kind = item.Kind,
        DecodeError = item.DecodeError,
    };

    /// <inheritdoc />
    public override string ToString() => Namespace.Length == 0 ? $"{GroupResource}/{Name}" : $"{GroupResource}/{Namespace}/{Name}";
}

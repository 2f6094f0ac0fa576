using System;

namespace Restore.Engine.Planning;

/// <summary>
/// An object as Velero's de-duplication sees it (docs/velero-compatibility.md#item-steps step 5): the backup's apiVersion/Kind, the target namespace
/// and the name. Three references instead of one joined string: sets of these hold one key per restored item.
/// </summary>
internal readonly struct ObjectKey : IEquatable<ObjectKey>
{
    private readonly string listKey;
    private readonly string ns;
    private readonly string name;

    public ObjectKey(string listKey, string ns, string name)
    {
        this.listKey = listKey ?? string.Empty;
        this.ns = ns ?? string.Empty;
        this.name = name ?? string.Empty;
    }

    public bool Equals(ObjectKey other) =>
        string.Equals(name, other.name, StringComparison.Ordinal) && string.Equals(ns, other.ns, StringComparison.Ordinal) && string.Equals(listKey, other.listKey, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ObjectKey other && Equals(other);

    public override int GetHashCode()
    {
        unchecked
        {
            var hash = StringComparer.Ordinal.GetHashCode(name);
            hash = (hash * 397) ^ StringComparer.Ordinal.GetHashCode(ns);
            return (hash * 397) ^ StringComparer.Ordinal.GetHashCode(listKey);
        }
    }
}

using Restore.Engine.Kubernetes;

namespace Restore.Engine.Execution.Server;

/// <summary>
/// The Velero objects a restore through the cluster's Velero server reads and writes
/// (docs/velero-compatibility.md#server-restores), and the names and labels we give the objects we create.
/// </summary>
internal static class VeleroServerApi
{
    /// <summary>The namespace Velero runs in unless told otherwise.</summary>
    public const string DefaultNamespace = "velero";

    public static readonly ApiResourceInfo Restores = new("velero.io", "v1", "restores", "Restore", true);

    public static readonly ApiResourceInfo Backups = new("velero.io", "v1", "backups", "Backup", true);

    public static readonly ApiResourceInfo BackupStorageLocations = new("velero.io", "v1", "backupstoragelocations", "BackupStorageLocation", true);

    public static readonly ApiResourceInfo ConfigMaps = new(string.Empty, "v1", "configmaps", "ConfigMap", true);

    public static readonly ApiResourceInfo Namespaces = new(string.Empty, "v1", "namespaces", "Namespace", false);

    /// <summary>The label Velero puts on backups a schedule made.</summary>
    public const string ScheduleNameLabel = "velero.io/schedule-name";

    /// <summary>Our annotation on a Restore object: where it runs (<c>Server</c>); our own fields stay out of spec and status.</summary>
    public const string RanOnAnnotation = "restore.powershell/ran-on";

    /// <summary>Our annotation: the description given with -Description (Velero's Restore has no such field).</summary>
    public const string DescriptionAnnotation = "restore.powershell/description";

    /// <summary>Our annotation: the identity that created the Restore object.</summary>
    public const string CreatedByAnnotation = "restore.powershell/created-by";

    /// <summary>The label on every ConfigMap we create for a restore: its (valid-label) name, so Remove-Restore finds and deletes them.</summary>
    public const string RestoreConfigLabel = "restore.powershell/restore-name";

    /// <summary>The value-less label that marks a ConfigMap as configuration of a Velero plugin.</summary>
    public const string PluginConfigLabel = "velero.io/plugin-config";

    /// <summary>The value of a plugin label for restore item action plugins.</summary>
    public const string RestoreItemActionKind = "RestoreItemAction";

    /// <summary>The Velero finalizer on Restore objects: Velero deletes the restore's files, then removes it.</summary>
    public const string ExternalResourcesFinalizer = "restores.velero.io/external-resources-finalizer";

    /// <summary>The value the RanOn annotation and <c>RestoreInfo.RanOn</c> have for restores the Velero server ran.</summary>
    public const string Server = "Server";
}

using Restore.Engine.Records;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>What happened to one item in one target: the row Get-RestoreItem shows.</summary>
public sealed class RestoreItem
{
    /// <summary>The <see cref="Action"/> of an item that was created.</summary>
    public const string Created = ItemRestoreAction.Created;

    /// <summary>The <see cref="Action"/> of an item that existed and was patched.</summary>
    public const string Updated = ItemRestoreAction.Updated;

    /// <summary>The <see cref="Action"/> of an item that was left alone.</summary>
    public const string Skipped = ItemRestoreAction.Skipped;

    /// <summary>The <see cref="Action"/> of an item that failed.</summary>
    public const string Failed = ItemRestoreAction.Failed;

    /// <summary>The <see cref="Action"/> of an item whose create was in flight when the restore was canceled and whose fate the server could not tell.</summary>
    public const string Unknown = ItemRestoreAction.Unknown;

    private FailureKind failure;

    /// <summary>The restore the item belongs to.</summary>
    public string Restore { get; set; } = string.Empty;

    /// <summary>Target name: the cluster context, or the folder for folder restores.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>Group-resource, such as <c>deployments.apps</c>.</summary>
    public string Resource { get; set; } = string.Empty;

    /// <summary><c>apiVersion</c> of the backed-up object.</summary>
    public string ApiVersion { get; set; } = string.Empty;

    /// <summary><c>kind</c> of the backed-up object.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Target namespace; empty for cluster-scoped items.</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>Name the object has in the target.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Namespace in the backup, when it differs from <see cref="Namespace"/>.</summary>
    public string? SourceNamespace { get; set; }

    /// <summary>What happened: <see cref="Created"/>, <see cref="Updated"/>, <see cref="Skipped"/> or <see cref="Failed"/>.</summary>
    public string Action { get; set; } = Created;

    /// <summary>Why: the warning or error text, or a short note (never secret data).</summary>
    public string? Message { get; set; }

    /// <summary>
    /// For a failed item, the kind of failure it met as a word (<c>Forbidden</c>, <c>AlreadyExists</c>…, the name of
    /// a <see cref="FailureKind"/>); <c>None</c> otherwise. <see cref="GetFailureKind"/> gives it as the enum.
    /// </summary>
    public string Failure => failure.ToString();

    /// <summary>The kind of failure a failed item met; <see cref="FailureKind.None"/> unless <see cref="Action"/> is Failed.</summary>
    public FailureKind GetFailureKind() => failure;

    internal static RestoreItem From(RestoreItemOutcome outcome, string restore) => new()
    {
        Restore = restore,
        Target = outcome.Target,
        Resource = outcome.Resource,
        ApiVersion = outcome.ApiVersion,
        Kind = outcome.Kind,
        Namespace = outcome.Namespace,
        Name = outcome.Name,
        SourceNamespace = outcome.SourceNamespace,
        Action = outcome.Action,
        Message = outcome.Message,
        failure = EngineFailures.KindOf(outcome.Failure),
    };
}

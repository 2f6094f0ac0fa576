using Restore.Engine.Records;

namespace Restore.Engine.Api;

/// <summary>Where a restore went, and how it ended there: one element of <see cref="RestoreInfo.Targets"/>.</summary>
public sealed class RestoreTarget
{
    /// <summary>Context name for clusters, the folder path for folder targets.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>cluster</c> or <c>directory</c>.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>API server address for clusters (never credentials).</summary>
    public string? Server { get; set; }

    /// <summary>The phase for this target alone.</summary>
    public string Phase { get; set; } = string.Empty;

    /// <summary>Items planned for this target.</summary>
    public int TotalItems { get; set; }

    /// <summary>Items finished (created, updated, skipped or failed).</summary>
    public int ItemsRestored { get; set; }

    /// <summary>Warnings raised for this target.</summary>
    public int Warnings { get; set; }

    /// <summary>Errors raised for this target.</summary>
    public int Errors { get; set; }

    /// <summary>Why this target failed or partially failed.</summary>
    public string? FailureReason { get; set; }

    internal static RestoreTarget From(RestoreTargetStatus status) => new()
    {
        Name = status.Name,
        Kind = status.Kind,
        Server = status.Server,
        Phase = status.Phase,
        TotalItems = status.TotalItems,
        ItemsRestored = status.ItemsRestored,
        Warnings = status.Warnings,
        Errors = status.Errors,
        FailureReason = status.FailureReason,
    };
}

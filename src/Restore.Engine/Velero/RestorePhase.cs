namespace Restore.Engine.Velero;

/// <summary>Velero's restore phase names (docs/velero-compatibility.md#restore-object), exactly as Velero spells them.</summary>
internal static class RestorePhase
{
    /// <summary>Created, not started.</summary>
    public const string New = "New";

    /// <summary>The spec was invalid; nothing was restored.</summary>
    public const string FailedValidation = "FailedValidation";

    /// <summary>Running.</summary>
    public const string InProgress = "InProgress";

    /// <summary>Finished without errors (warnings allowed).</summary>
    public const string Completed = "Completed";

    /// <summary>Finished with at least one error.</summary>
    public const string PartiallyFailed = "PartiallyFailed";

    /// <summary>Could not run to the end (backup unreadable, canceled, storage lost...).</summary>
    public const string Failed = "Failed";

    /// <summary>True for phases after which nothing changes.</summary>
    public static bool IsTerminal(string? phase) =>
        phase is Completed or PartiallyFailed or Failed or FailedValidation;
}

using System.Collections.Generic;
using Restore.Engine.Velero;

namespace Restore.Engine.Api;

/// <summary>Velero's restore phases, exactly as Velero spells them, and the statuses Get-Restore adds to them.</summary>
public static class RestorePhases
{
    /// <summary><c>New</c>.</summary>
    public const string New = RestorePhase.New;

    /// <summary><c>FailedValidation</c>.</summary>
    public const string FailedValidation = RestorePhase.FailedValidation;

    /// <summary><c>InProgress</c>.</summary>
    public const string InProgress = RestorePhase.InProgress;

    /// <summary><c>Completed</c>.</summary>
    public const string Completed = RestorePhase.Completed;

    /// <summary><c>PartiallyFailed</c>.</summary>
    public const string PartiallyFailed = RestorePhase.PartiallyFailed;

    /// <summary><c>Failed</c>.</summary>
    public const string Failed = RestorePhase.Failed;

    /// <summary>A restore whose run is writing its record now (<see cref="RestoreInfo.IsRunning"/>).</summary>
    public const string Running = "Running";

    /// <summary>A restore whose run died before it finished (<see cref="RestoreInfo.IsAbandoned"/>).</summary>
    public const string Abandoned = "Abandoned";

    /// <summary>A restore the user stopped (<see cref="RestoreInfo.Canceled"/>).</summary>
    public const string Canceled = "Canceled";

    /// <summary>The statuses a restore can be filtered on: the phases, then Running, Abandoned and Canceled.</summary>
    public static IReadOnlyList<string> Statuses { get; } = new[] { New, FailedValidation, InProgress, Completed, PartiallyFailed, Failed, Running, Abandoned, Canceled };
}

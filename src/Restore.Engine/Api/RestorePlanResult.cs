using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Execution;

namespace Restore.Engine.Api;

/// <summary>What <see cref="RestoreEngine.PlanAsync(RestoreParameters, System.Threading.CancellationToken)"/> returns: the plan of every target, and one line per item. Nothing was written anywhere.</summary>
public sealed class RestorePlanResult
{
    private RestorePlanResult(RestorePreview preview)
    {
        RestoreName = preview.RestoreName;
        BackupName = preview.BackupName;
        Targets = preview.Targets.Select(t => new RestorePlanTarget(t)).ToList();
        Items = RestorePlanItem.FromPreview(preview);
    }

    /// <summary>The restore's name used in the plan (restore labels).</summary>
    public string RestoreName { get; }

    /// <summary>The backup planned (schedules resolved).</summary>
    public string BackupName { get; }

    /// <summary>One entry per target.</summary>
    public IReadOnlyList<RestorePlanTarget> Targets { get; }

    /// <summary>One line per planned item of every target, in plan order, with the live prediction where there is one.</summary>
    public IReadOnlyList<RestorePlanItem> Items { get; }

    internal static RestorePlanResult From(RestorePreview preview) => new(preview);
}

/// <summary>The plan for one target of <see cref="RestorePlanResult"/>.</summary>
public sealed class RestorePlanTarget
{
    internal RestorePlanTarget(TargetPreview preview)
    {
        Target = RestoreTargetInfo.From(preview.Target);
        Error = preview.Error;
        IsPlanned = preview.Plan is not null;
        ValidationErrors = preview.Plan?.ValidationErrors ?? Array.Empty<string>();
        Notes = preview.Plan?.Notes ?? Array.Empty<string>();
        StoppedReason = preview.Plan?.StoppedReason;
        Summary = preview.Plan?.Summary.ToString() ?? string.Empty;
    }

    /// <summary>The target.</summary>
    public RestoreTargetInfo Target { get; }

    /// <summary>Why the target could not be planned (connection, discovery); null when it was.</summary>
    public string? Error { get; }

    /// <summary>True when the target was planned (<see cref="Error"/> is null).</summary>
    public bool IsPlanned { get; }

    /// <summary>Why the restore would fail validation for this target (Velero's FailedValidation); empty when it would not.</summary>
    public IReadOnlyList<string> ValidationErrors { get; }

    /// <summary>Things worth knowing about the plan that are no warnings of an item.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Why the restore would stop before restoring anything; null when it would not.</summary>
    public string? StoppedReason { get; }

    /// <summary>The plan in one line: items per decision, warnings and errors.</summary>
    public string Summary { get; }
}

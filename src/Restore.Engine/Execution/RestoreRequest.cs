using System;
using System.Collections.Generic;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>
/// Everything New-Restore and Get-RestorePlan send to <c>RestoreEngine</c>: the restore spec, where to
/// restore (kube contexts or a folder) and how fast. Defaults suit an API server on a bad day; see each member.
/// </summary>
internal sealed class RestoreRequest
{
    /// <summary>The default <see cref="Parallel"/>: items in flight per target.</summary>
    public const int DefaultParallel = 16;

    /// <summary>
    /// The restore's name. Null or empty: <c>&lt;backup-or-schedule&gt;-&lt;yyyyMMddHHmmss&gt;</c> in local time, as
    /// Velero's CLI names restores. Must be a valid Kubernetes object name (lowercase letters, digits, '-' and '.').
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// True when <see cref="Name"/> is a default name the caller pinned (the one <c>-WhatIf</c> showed): when it is taken,
    /// the run adds a suffix instead of failing, as it does for a default it chooses itself.
    /// </summary>
    public bool NameIsDefault { get; set; }

    /// <summary>The Velero Restore spec: <c>backupName</c> or <c>scheduleName</c>, filters, mappings, policy and our extensions.</summary>
    public RestoreSpec Spec { get; set; } = new();

    /// <summary>For <c>scheduleName</c>: also accept the schedule's newest PartiallyFailed backup (Velero's <c>--allow-partially-failed</c>, docs/velero-compatibility.md#schedule-selection).</summary>
    public bool AllowPartiallyFailed { get; set; }

    /// <summary>The namespace Velero runs in, where its ConfigMaps are read (resource modifiers, plugin mappings, API group version priorities).</summary>
    public string VeleroNamespace { get; set; } = RestorePreparation.VeleroNamespace;

    /// <summary>
    /// The text of a resource-modifier document (YAML or JSON, docs/velero-compatibility.md#resource-modifiers), for example the contents of
    /// <c>-ResourceModifier &lt;file&gt;</c>. The ConfigMap variant is <see cref="RestoreSpec.ResourceModifier"/>, read from each
    /// target cluster's <c>velero</c> namespace. Giving both is a validation error.
    /// </summary>
    public string? ResourceModifierDocument { get; set; }

    /// <summary>
    /// Objects whose values are treated like Secret data: the plan's differences show only the paths where they differ,
    /// never the values (messages never carry object values). <c>-Object</c> patterns such as
    /// <c>configmaps/shop/db-*</c>, <c>cm/*/*</c> or <c>configmaps/app-settings</c>; Secrets are always treated so.
    /// An invalid pattern is a validation error.
    /// </summary>
    public IReadOnlyList<string> SensitiveObjects { get; set; } = Array.Empty<string>();

    /// <summary>Kube contexts to restore into, in parallel. Empty (and no <see cref="ToDirectory"/>): the kubeconfig's current context.</summary>
    public IReadOnlyList<string> Contexts { get; set; } = Array.Empty<string>();

    /// <summary>Absolute kubeconfig path, or a path list (<c>:</c> or <c>;</c> separated). Null: <c>$KUBECONFIG</c>, <c>~/.kube/config</c>, then in-cluster.</summary>
    public string? KubeConfig { get; set; }

    /// <summary>Restore into this folder (absolute path) instead of clusters: one YAML file per object, named in restore order. Cannot be combined with <see cref="Contexts"/>.</summary>
    public string? ToDirectory { get; set; }

    /// <summary>
    /// Items in flight per target. 0 means the processor count; the default is <see cref="DefaultParallel"/> (16), which
    /// keeps a real API server comfortable. Raise it together with <see cref="Qps"/> and <see cref="Burst"/> for speed.
    /// </summary>
    public int Parallel { get; set; } = DefaultParallel;

    /// <summary>
    /// The client-side rate limit when <see cref="Qps"/> is not given. Velero's 20 requests/s is why its restores
    /// crawl (issue #6845); an API server protects itself with priority and fairness (429 + Retry-After, which the
    /// client honours), so the client limit only has to stop a runaway, not pace normal work.
    /// </summary>
    public const double DefaultQps = 1000;

    /// <summary>Client-side requests per second per cluster; null means <see cref="DefaultQps"/>. Lower it for a fragile API server.</summary>
    public double? Qps { get; set; }

    /// <summary>The burst when <see cref="Burst"/> is not given is this many times the QPS.</summary>
    public const int DefaultBurstPerQps = 2;

    /// <summary>The burst when neither <see cref="Qps"/> nor <see cref="Burst"/> is given (the help shows it).</summary>
    public const int DefaultBurst = (int)(DefaultQps * DefaultBurstPerQps);

    /// <summary>The default <see cref="ItemOperationTimeout"/>, as a Go duration (Velero's <c>itemOperationTimeout</c> default).</summary>
    public const string DefaultItemOperationTimeout = "10m";

    /// <summary>Client-side burst per cluster; null means <see cref="DefaultBurstPerQps"/> times the QPS.</summary>
    public int? Burst { get; set; }

    /// <summary>Longest time one item may take (create, status, waits for a CRD or a released volume). Default <see cref="DefaultItemOperationTimeout"/>.</summary>
    public TimeSpan ItemOperationTimeout { get; set; } = GoDuration.Parse(DefaultItemOperationTimeout);

    /// <summary>Longest time the whole restore may take; null for no limit. When it passes the restore stops like a cancel and ends Failed.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>How long to wait for a terminating target namespace to disappear before giving up on its items (docs/velero-compatibility.md#namespace-creation). Default 10 minutes.</summary>
    public TimeSpan NamespaceTerminationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Free text kept with the restore record.</summary>
    public string? Description { get; set; }

    /// <summary>Labels of the restore record (not of restored objects).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();

    /// <summary>Who starts the restore for folder targets (normally the OS user); for clusters the Kubernetes identity is asked for. Null: <see cref="Environment.UserName"/>.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>
    /// Folder targets only: write into a folder that is not empty, replacing files of the same name. Without it a
    /// non-empty folder is a validation error, so nothing is ever overwritten by accident.
    /// </summary>
    public bool Force { get; set; }
}

/// <summary>Progress of one target, reported through <see cref="IProgress{T}"/> while a restore runs.</summary>
internal sealed class RunProgress
{
    /// <summary>Target name: the kube context, or the folder for folder restores.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>What the target is doing: <c>Connecting</c> (clusters), <c>Planning</c>, <c>InProgress</c>, then its final phase (<c>Completed</c>, <c>PartiallyFailed</c>, <c>Failed</c>).</summary>
    public string Phase { get; set; } = string.Empty;

    /// <summary>Items finished (created, updated, skipped or failed).</summary>
    public int ItemsDone { get; set; }

    /// <summary>Items the plan restores or records for this target.</summary>
    public int TotalItems { get; set; }

    /// <summary>The group-resource being restored, when restoring.</summary>
    public string? CurrentTier { get; set; }

    /// <summary>The namespace of the item finished last, when it has one.</summary>
    public string? CurrentNamespace { get; set; }
}

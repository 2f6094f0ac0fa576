using System;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;

namespace Restore.Engine.Api;

/// <summary>
/// Runs restores client-side: validates a <see cref="RestoreRequest"/>, resolves the backup, plans per target and
/// applies the plan to one or more clusters (in parallel) or writes it to a folder, while keeping Velero's record,
/// log and results under <c>restores/&lt;name&gt;/</c> in the storage location.
/// </summary>
public sealed class RestoreEngine
{
    private readonly StorageLocation location;
    private readonly IEngineLog log;
    private readonly IObjectStore recordObjectStore;

    /// <summary>Creates an engine over an opened storage location; <paramref name="log"/> receives the restore log as it is written.</summary>
    public RestoreEngine(StorageLocation location, IEngineLog log)
        : this(location, log, null)
    {
    }

    /// <summary>Test hook: <paramref name="recordStore"/> replaces the store the record, log and results are written to.</summary>
    internal RestoreEngine(StorageLocation location, IEngineLog? log, IObjectStore? recordStore)
    {
        this.location = location ?? throw new ArgumentNullException(nameof(location));
        this.log = log ?? NullEngineLog.Instance;
        recordObjectStore = recordStore ?? location.Store;
    }

    /// <summary>Settings tests shorten (final storage retries, flush interval).</summary>
    internal RunTimings Timings { get; set; } = new();

    /// <summary>
    /// Says what <see cref="RunAsync"/> would do, for <c>-WhatIf</c>: the backup (schedule resolved), its item count and one
    /// line per target. Reads the backup metadata and the kubeconfig; contacts no cluster and writes nothing.
    /// </summary>
    /// <exception cref="RestoreValidationException">The request is invalid.</exception>
    /// <exception cref="StorageException">The storage location cannot be read.</exception>
    public Task<RestoreWhatIf> DescribeAsync(RestoreRequest request, CancellationToken cancellationToken) =>
        new RestorePreparation(location, log).DescribeAsync(request, cancellationToken);

    /// <summary>
    /// Plans the restore for every target without writing anything anywhere (Get-RestorePlan). For clusters the plan uses
    /// live discovery and each object that would be created is checked against the cluster (create, already the same,
    /// update, or fail with a short difference; values hidden for Secrets).
    /// </summary>
    /// <exception cref="RestoreValidationException">The request is invalid.</exception>
    /// <exception cref="StorageException">The storage location cannot be read, or the backup's tarball is missing.</exception>
    public Task<RestorePreview> PlanAsync(RestoreRequest request, CancellationToken cancellationToken) =>
        new RestorePreviewer(location, log).PlanAsync(request, cancellationToken);

    /// <summary>
    /// Runs the restore (New-Restore): validates, claims the name, writes the record and log while it runs, restores into
    /// every target in parallel and writes Velero's files at the end. Returns the final record also after a cancel or a
    /// timeout (phase Failed, <see cref="RestoreRecord.Canceled"/> set); failures inside the restore end in its phase, not
    /// in exceptions.
    /// </summary>
    /// <param name="request">What to restore and where.</param>
    /// <param name="progress">Per-target progress; may be null.</param>
    /// <param name="onItem">Called once per finished item (from worker threads); may be null.</param>
    /// <param name="cancellationToken">Stops the restore promptly; the record then says it was canceled.</param>
    /// <exception cref="RestoreValidationException">The request is invalid; nothing was written.</exception>
    /// <exception cref="RestoreNameInUseException">Another restore holds the name; nothing was changed.</exception>
    /// <exception cref="StorageException">The storage location cannot be read or the name cannot be claimed.</exception>
    /// <exception cref="OperationCanceledException">Canceled before the restore was claimed (nothing written).</exception>
    public Task<RestoreRunResult> RunAsync(RestoreRequest request, IProgress<RestoreProgress>? progress, Action<RestoreItemOutcome>? onItem, CancellationToken cancellationToken) =>
        new RestoreRun(location, log, recordObjectStore, Timings).RunAsync(request, progress, onItem, cancellationToken);
}

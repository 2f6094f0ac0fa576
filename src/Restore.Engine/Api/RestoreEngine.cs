using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;

namespace Restore.Engine.Api;

/// <summary>
/// The engine's one public face, over one opened storage location: its backups and their items
/// (<c>RestoreEngine.Backups.cs</c>), the restores recorded there (<c>RestoreEngine.Restores.cs</c>), and restores
/// themselves: described for <c>-WhatIf</c>, planned without writing anything, or run into clusters (in parallel) or a
/// folder while Velero's record, log and results are kept under <c>restores/&lt;name&gt;/</c>. Every failure of the
/// engine leaves a call as a <see cref="RestoreEngineException"/> whose <see cref="RestoreEngineException.Kind"/> says
/// what it was. Calls may run concurrently; dispose the engine to release the location.
/// </summary>
public sealed partial class RestoreEngine : IDisposable
{
    private readonly StorageLocation location;
    private readonly IEngineLog log;
    private readonly IObjectStore recordObjectStore;
    private readonly bool ownsLocation;
    private volatile bool verified;

    /// <summary>An engine over an opened location (tests, the benchmark); the caller keeps ownership of the location.</summary>
    internal RestoreEngine(StorageLocation location, IEngineLog? log)
        : this(location, log, null)
    {
    }

    /// <summary>Test hook: <paramref name="recordStore"/> replaces the store the record, log and results are written to.</summary>
    internal RestoreEngine(StorageLocation location, IEngineLog? log, IObjectStore? recordStore)
        : this(location, log, recordStore, ownsLocation: false)
    {
    }

    private RestoreEngine(StorageLocation location, IEngineLog? log, IObjectStore? recordStore, bool ownsLocation)
    {
        this.location = location ?? throw new ArgumentNullException(nameof(location));
        this.log = log ?? NullEngineLog.Instance;
        recordObjectStore = recordStore ?? location.Store;
        this.ownsLocation = ownsLocation;
    }

    /// <summary>The storage location as given (for messages).</summary>
    public string Location => location.Location;

    /// <summary>Settings tests shorten (final storage retries, flush interval).</summary>
    internal RunTimings Timings { get; set; } = new();

    /// <summary>
    /// Opens a storage location: parses it and builds its store; nothing is contacted yet (see <see cref="VerifyAsync"/>).
    /// <paramref name="log"/> gets the engine's warnings and progress notes while calls run (never secret data).
    /// </summary>
    /// <exception cref="RestoreEngineException"><see cref="FailureKind.StorageLocationInvalid"/>: the location or a setting is malformed.</exception>
    public static RestoreEngine Open(StorageLocationSettings settings, ILogSink? log)
    {
        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        var engineLog = LogSinkAdapter.For(log);
        var location = EngineFailures.GuardSync(() => StorageLocation.Open(settings.ToOptions(), engineLog));
        return new RestoreEngine(location, engineLog, null, ownsLocation: true);
    }

    /// <summary>
    /// The context names a kubeconfig defines, in file order: <paramref name="kubeConfig"/> (a path, or a list of paths
    /// as in <c>KUBECONFIG</c>), else <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.
    /// </summary>
    /// <exception cref="RestoreEngineException">The kubeconfig cannot be found or read.</exception>
    public static IReadOnlyList<string> ListKubeContexts(string? kubeConfig) => EngineFailures.GuardSync(() => KubeConfig.Read(kubeConfig).ContextNames);

    /// <summary>
    /// Checks, once per engine, that the location exists, can be reached and is a Velero location (it holds
    /// <c>backups/</c> or <c>restores/</c>, or nothing yet).
    /// </summary>
    /// <exception cref="RestoreEngineException">A location failure (<see cref="RestoreEngineException.IsLocationFailure"/>).</exception>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        if (verified)
        {
            return;
        }

        await EngineFailures.Guard(() => location.VerifyAsync(cancellationToken)).ConfigureAwait(false);
        verified = true;
    }

    /// <summary>
    /// Says what <see cref="RunAsync(RestoreParameters, ILogSink, IProgress{RestoreProgress}, Action{RestoreItem}, CancellationToken)"/> would do, for <c>-WhatIf</c>: the backup (schedule resolved), its item count and one
    /// line per target. Reads the backup metadata and the kubeconfig; contacts no cluster and writes nothing.
    /// </summary>
    /// <exception cref="RestoreEngineException">The parameters or the restore are invalid, or the location cannot be read.</exception>
    public Task<RestoreWhatIf> DescribeAsync(RestoreParameters parameters, CancellationToken cancellationToken) =>
        EngineFailures.Guard(async () => RestoreWhatIf.From(await DescribeAsync(RequestOf(parameters), cancellationToken).ConfigureAwait(false)));

    /// <summary>
    /// Plans the restore for every target without writing anything anywhere (Get-RestorePlan). For clusters the plan uses
    /// live discovery and each object that would be created is checked against the cluster (create, already the same,
    /// update, or fail with a short difference; values hidden for Secrets).
    /// </summary>
    /// <exception cref="RestoreEngineException">The parameters or the restore are invalid, or the backup cannot be read.</exception>
    public Task<RestorePlanResult> PlanAsync(RestoreParameters parameters, CancellationToken cancellationToken) =>
        EngineFailures.Guard(async () => RestorePlanResult.From(await PlanAsync(RequestOf(parameters), cancellationToken).ConfigureAwait(false)));

    /// <summary>
    /// Runs the restore (New-Restore): validates, claims the name, writes the record and log while it runs, restores into
    /// every target in parallel and writes Velero's files at the end. Returns the final restore also after a cancel or a
    /// timeout (phase Failed); failures inside the restore end in its phase, its targets and its items, not in exceptions.
    /// </summary>
    /// <param name="parameters">What to restore and where.</param>
    /// <param name="restoreLog">Gets the restore log as it is written; may be null.</param>
    /// <param name="progress">Per-target progress; may be null.</param>
    /// <param name="onItem">Called once per finished item (from worker threads); may be null.</param>
    /// <param name="cancellationToken">Stops the restore promptly; the record then says it was canceled.</param>
    /// <exception cref="RestoreEngineException">
    /// The restore was not started: invalid (nothing written), the name is in use, or the location cannot be read or the name claimed.
    /// </exception>
    /// <exception cref="OperationCanceledException">Canceled before the restore was claimed (nothing written).</exception>
    public Task<RestoreRunReport> RunAsync(RestoreParameters parameters, ILogSink? restoreLog, IProgress<RestoreProgress>? progress, Action<RestoreItem>? onItem, CancellationToken cancellationToken) =>
        EngineFailures.Guard(async () =>
        {
            var request = RequestOf(parameters);
            var run = new RestoreRun(location, LogSinkAdapter.For(restoreLog), recordObjectStore, Timings);
            var result = await run.RunAsync(
                request,
                progress is null ? null : new CallbackProgress<RunProgress>(p => progress.Report(RestoreProgress.From(p))),
                onItem is null ? null : outcome => onItem(RestoreItem.From(outcome, request.Name ?? string.Empty)),
                cancellationToken).ConfigureAwait(false);
            return RestoreRunReport.From(result, location.Options, DateTimeOffset.UtcNow);
        });

    /// <summary>Releases the storage location (when the engine opened it).</summary>
    public void Dispose()
    {
        if (ownsLocation)
        {
            location.Dispose();
        }
    }

    /// <summary>The engine's own request: <see cref="DescribeAsync(RestoreParameters, CancellationToken)"/> without the views.</summary>
    internal Task<RunDescription> DescribeAsync(RestoreRequest request, CancellationToken cancellationToken) =>
        new RestorePreparation(location, log).DescribeAsync(request, cancellationToken);

    /// <summary>The engine's own request: <see cref="PlanAsync(RestoreParameters, CancellationToken)"/> without the views.</summary>
    internal Task<RestorePreview> PlanAsync(RestoreRequest request, CancellationToken cancellationToken) =>
        new RestorePreviewer(location, log).PlanAsync(request, cancellationToken);

    /// <summary>The engine's own request: <see cref="RunAsync(RestoreParameters, ILogSink, IProgress{RestoreProgress}, Action{RestoreItem}, CancellationToken)"/> without the views.</summary>
    internal Task<RestoreRunResult> RunAsync(RestoreRequest request, IProgress<RunProgress>? progress, Action<RestoreItemOutcome>? onItem, CancellationToken cancellationToken) =>
        new RestoreRun(location, log, recordObjectStore, Timings).RunAsync(request, progress, onItem, cancellationToken);

    private static RestoreRequest RequestOf(RestoreParameters parameters) =>
        (parameters ?? throw new ArgumentNullException(nameof(parameters))).ToRequest();
}

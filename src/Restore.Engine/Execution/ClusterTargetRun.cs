using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Actions;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>Restore settings shared by every target of one run.</summary>
internal sealed class RunContext
{
    public RunContext(RunState run, PreparedRestore prepared, LoadedBackup backup, RestoreRequest request, string restoreUid)
    {
        Run = run;
        Prepared = prepared;
        Backup = backup;
        Request = request;
        RestoreUid = restoreUid;
    }

    public RunState Run { get; }

    public PreparedRestore Prepared { get; }

    public LoadedBackup Backup { get; }

    public RestoreRequest Request { get; }

    public string RestoreUid { get; }

    public int Parallel => Request.Parallel == 0 ? Environment.ProcessorCount : Request.Parallel;

    /// <summary>
    /// The items that get an outcome, in plan order: everything the plan kept except a second mention of an object
    /// that already has one (a duplicate of an additional item, a namespace ensured earlier), which Velero does not
    /// list either.
    /// </summary>
    public static List<PlannedItem> OutcomeItems(RestorePlan plan) => OutcomeItems(plan.Items).ToList();

    /// <summary>The same filter as <see cref="OutcomeItems(RestorePlan)"/>, applied lazily to a plan being produced.</summary>
    public static IEnumerable<PlannedItem> OutcomeItems(IEnumerable<PlannedItem> planned)
    {
        var seen = new HashSet<ObjectKey>();
        var listKeys = new StringPool();
        foreach (var item in planned)
        {
            if (item.Decision == PlanDecision.Excluded)
            {
                continue;
            }

            // One copy of each apiVersion/Kind key: the set holds a key for every item of the restore.
            var key = new ObjectKey(listKeys.Get(item.ResourceListKey), item.TargetNamespace, item.TargetName);
            if (!seen.Add(key) && item.Decision == PlanDecision.Skipped && item.ResourceListAction is null)
            {
                continue;
            }

            yield return item;
        }
    }

    /// <summary>Adds the plan's warnings and errors to the target and logs its notes.</summary>
    public void TakePlanResults(TargetState target, RestorePlan plan)
    {
        foreach (var m in plan.Results.Warnings.All())
        {
            Run.Warning(target, m);
        }

        foreach (var m in plan.Results.Errors.All())
        {
            Run.Error(target, m);
        }

        foreach (var note in plan.Notes)
        {
            target.Log.Info(note);
        }
    }
}

/// <summary>
/// Restores into one cluster: connect and discover, read the cluster facts the actions need, then plan (live discovery
/// layered over the backup's CRDs) and apply at the same time: each planned item is sent as soon as it is produced, so
/// the first creates do not wait for the last item to be planned and applied objects are not kept. Items of one tier
/// run concurrently (bounded by <see cref="RestoreRequest.Parallel"/>); a tier starts when the previous one is done;
/// after the CRD tier discovery is refreshed when any CRD was created or updated.
/// </summary>
internal sealed class ClusterTargetRun
{
    private readonly RunContext context;
    private readonly TargetState target;
    private readonly TargetSpec spec;
    private readonly Task<ClusterConnection> connecting;

    /// <param name="context">The run's shared settings and the loaded backup.</param>
    /// <param name="target">The target's state.</param>
    /// <param name="spec">The target.</param>
    /// <param name="connecting">The connection, started by <see cref="StartConnecting"/> while the backup was read.</param>
    public ClusterTargetRun(RunContext context, TargetState target, TargetSpec spec, Task<ClusterConnection> connecting)
    {
        this.context = context;
        this.target = target;
        this.spec = spec;
        this.connecting = connecting;
    }

    private RunState Run => context.Run;

    /// <summary>
    /// Connects (kubeconfig, TLS, discovery) while the backup is still being read: the two do not depend on each other,
    /// and on a bad day the time to the first create matters. The task fails with <see cref="KubernetesApiException"/>
    /// or <see cref="KubeConfigException"/>, which <see cref="RunAsync"/> records as the target's failure.
    /// </summary>
    public static Task<ClusterConnection> StartConnecting(RunState run, TargetState target, TargetSpec spec, RestoreRequest request, CancellationToken ct)
    {
        run.SetTargetPhase(target, RestorePhase.InProgress);
        run.Report(target, force: true, "Connecting");
        return Task.Run(() => ClusterConnection.ConnectAsync(spec, request, target.Log, ct), ct);
    }

    /// <summary>Disposes connections that were started but never handed to a run (the backup could not be read).</summary>
    public static async Task DisposeUnusedAsync(IEnumerable<Task<ClusterConnection>?> connections)
    {
        foreach (var task in connections)
        {
            if (task is null)
            {
                continue;
            }

            try
            {
                (await task.ConfigureAwait(false)).Dispose();
            }
            catch (Exception)
            {
                // Nothing was restored into this target; its connection failure no longer matters.
            }
        }
    }

    /// <summary>Runs the target to its end. Throws only <see cref="OperationCanceledException"/> when the run is canceled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        ClusterConnection connection;
        try
        {
            connection = await connecting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KubernetesApiException or KubeConfigException)
        {
            Fail($"could not connect to {spec.Info}: {ex.Message}", FailureOf(ex, TargetFailure.Unreachable));
            return;
        }

        using (connection)
        {
            target.RetryCount = () => connection.Client.RetryCount;
            await NoteIdentityAsync(connection, ct).ConfigureAwait(false);
            RestorePlanStream stream;
            try
            {
                Run.Report(target, force: true, "Planning");
                spec.VeleroConfig = await VeleroConfigMaps.ReadAsync(connection.Client, context.Request.VeleroNamespace, context.Prepared.StoredSpec.EnableApiGroupVersions == true, target.Log, ct).ConfigureAwait(false);
                var state = await ClusterStateSnapshot.ReadAsync(connection, context.Backup, context.Prepared.PlannerSpecFor(spec), target.Log, ct).ConfigureAwait(false);
                stream = new RestorePlanner().Stream(BuildPlanRequest(connection, state), ct);
            }
            catch (KubernetesApiException ex)
            {
                Fail($"could not read the cluster state needed to plan the restore: {ex.Message}", FailureOf(ex, TargetFailure.ClusterState));
                return;
            }
            catch (VeleroConfigMapException ex)
            {
                Fail("the restore is not valid for this cluster: " + ex.Message, TargetFailure.Invalid);
                return;
            }

            var plan = stream.Plan;
            if (plan.FailedValidation)
            {
                Fail("the restore is not valid for this cluster: " + string.Join("; ", plan.ValidationErrors), TargetFailure.Invalid);
                return;
            }

            // Until the plan is complete the backup's item count stands in for the total.
            target.Total = plan.Summary.BackupItems;
            Run.Changed();
            target.Log.Info($"Restoring the backup's {plan.Summary.BackupItems} items into {spec.Info} as they are planned");
            var namespaces = new NamespaceEnsurer(connection.Client, context.Request.NamespaceTerminationTimeout, target.Log);
            var applier = new ClusterItemApplier(Run, target, connection, namespaces, context.Prepared.StoredSpec.ExistingResourcePolicy, context.Prepared.Name, context.Prepared.Backup.Name, context.Request.ItemOperationTimeout);
            using var hooks = new ExecHookRunner(Run, target, new ClusterPodHookClient(connection.Client), RestoreHookRules.From(context.Prepared.PlannerSpec.Hooks), ct);
            applier.PodCreated = hooks.PodCreated;
            var outcomes = 0;
            IEnumerable<PlannedItem> Planned()
            {
                foreach (var item in RunContext.OutcomeItems(stream))
                {
                    if (item.IsNamespace && item.Decision == PlanDecision.Create)
                    {
                        namespaces.Register(item);
                    }

                    outcomes++;
                    Run.Planned(item);
                    yield return item;
                }
            }

            try
            {
                await ApplyTiersAsync(Planned(), applier, connection, ct).ConfigureAwait(false);
            }
            catch (KubernetesApiException ex)
            {
                // Applying records its own failures, so this comes from planning (a live discovery lookup).
                Fail($"could not read the cluster state needed to plan the restore: {ex.Message}", FailureOf(ex, TargetFailure.ClusterState));
                return;
            }
            finally
            {
                // The plan's warnings and errors count whether or not the run got to its end; a run stopped before
                // the plan was complete keeps the estimate, as the plan's true total is not known.
                target.Total = stream.IsComplete ? outcomes : Math.Max(outcomes, plan.Summary.BackupItems);
                Run.Changed();
                context.TakePlanResults(target, plan);
            }

            target.Log.Info($"Planned {plan.Summary.ToCreate} items and {plan.Summary.NamespacesToEnsure} namespaces for {spec.Info}");

            // Velero's finalizer waits for the exec hooks before the restore's phase is final.
            await hooks.WaitAsync().ConfigureAwait(false);
        }

        FinishPhase();
    }

    private RestorePlanRequest BuildPlanRequest(ClusterConnection connection, ClusterStateSnapshot state) =>
        new(context.Backup.Contents, context.Prepared.PlannerSpecFor(spec), new LayeredResourceCatalog(connection.Discovery, context.Backup.Catalog))
        {
            CatalogIsLive = true,
            RestoreName = context.Prepared.Name,
            BackupFormatVersion = context.Prepared.Backup.FormatVersion,
            BackupVolumes = context.Backup.Volumes,
            RestoreUid = context.RestoreUid,
            Cluster = state,
            ResourceModifiers = spec.Modifiers,
            IncludeExcludedItems = false,
            Log = new DropFieldLog(target.Log, "restore"),
        };

    /// <summary>Tier by tier; within a tier at most <see cref="RunContext.Parallel"/> items in flight.</summary>
    private async Task ApplyTiersAsync(IEnumerable<PlannedItem> items, ClusterItemApplier applier, ClusterConnection connection, CancellationToken ct)
    {
        var degree = context.Parallel;
        using var gate = new SemaphoreSlim(degree);
        var inflight = new List<Task>();
        var currentTier = int.MinValue;
        var currentGroup = PriorityGroup.Default;
        try
        {
            foreach (var item in items)
            {
                if (item.Decision != PlanDecision.Create)
                {
                    applier.RecordPlanned(item);
                    continue;
                }

                if (item.TierIndex != currentTier)
                {
                    await Task.WhenAll(inflight).ConfigureAwait(false);
                    inflight.Clear();
                    ct.ThrowIfCancellationRequested();
                    if (currentGroup == PriorityGroup.CustomResourceDefinitions && item.PriorityGroup != PriorityGroup.CustomResourceDefinitions && applier.CrdsChanged)
                    {
                        await RefreshDiscoveryAsync(connection, ct).ConfigureAwait(false);
                    }

                    currentTier = item.TierIndex;
                    currentGroup = item.PriorityGroup;
                    target.CurrentTier = item.TierName;
                    target.Log.Info($"Restoring resource '{item.TierName}'", ("resource", item.TierName));
                    Run.Report(target, force: true, RestorePhase.InProgress);
                }

                await gate.WaitAsync(ct).ConfigureAwait(false);
                var planned = item;
                inflight.Add(Task.Run(
                    async () =>
                    {
                        try
                        {
                            await applier.ApplyAsync(planned, ct).ConfigureAwait(false);
                        }
                        finally
                        {
                            gate.Release();

                            // Applied objects are not needed again (a namespace's object may be, by a later ensure).
                            if (!planned.IsNamespace)
                            {
                                planned.ObjectUtf8 = null;
                                planned.StatusUtf8 = null;
                            }
                        }
                    },
                    CancellationToken.None));

                if (inflight.Count >= degree * 8)
                {
                    inflight.RemoveAll(t => t.IsCompleted);
                }
            }
        }
        finally
        {
            // Items never throw (they record their own failures), so this only waits for the ones in flight.
            await Task.WhenAll(inflight).ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
    }

    private async Task RefreshDiscoveryAsync(ClusterConnection connection, CancellationToken ct)
    {
        try
        {
            await connection.RefreshAsync(ct).ConfigureAwait(false);
            target.Log.Info("Refreshed discovery after restoring CustomResourceDefinitions");
        }
        catch (KubernetesApiException ex)
        {
            Run.Warning(target, new ResultMessage(ResultBucket.Cluster, string.Empty, "error refreshing discovery after restoring CustomResourceDefinitions: " + ClusterItemApplier.ApiText(ex)));
        }
    }

    private async Task NoteIdentityAsync(ClusterConnection connection, CancellationToken ct)
    {
        try
        {
            var identity = await connection.Client.WhoAmIAsync(ct).ConfigureAwait(false);
            Run.AddCreatedBy(Run.MultiTarget ? $"{identity.UserName} ({spec.Name})" : identity.UserName);
        }
        catch (KubernetesApiException ex)
        {
            target.Log.Debug("Could not tell which identity the cluster sees: " + ex.Message);
        }
    }

    /// <summary>The kind of a target failure, from the exception that caused it; <paramref name="otherwise"/> for a plain API error.</summary>
    internal static TargetFailure FailureOf(Exception ex, TargetFailure otherwise) => ex switch
    {
        KubeConfigException => TargetFailure.Configuration,
        KubernetesConnectionException { Reason: "CredentialsFailed" } => TargetFailure.Authentication,
        KubernetesConnectionException => TargetFailure.Unreachable,
        KubernetesUnauthorizedException => TargetFailure.Authentication,
        KubernetesForbiddenException => TargetFailure.Forbidden,
        _ => otherwise,
    };

    private void Fail(string reason, TargetFailure failure)
    {
        target.FailureReason = reason;
        target.Failure = failure;
        Run.Error(target, new ResultMessage(ResultBucket.Velero, string.Empty, reason));
        Run.SetTargetPhase(target, RestorePhase.Failed, reason);
    }

    private void FinishPhase()
    {
        var errors = target.Results.Errors;
        if (errors == 0)
        {
            Run.SetTargetPhase(target, RestorePhase.Completed);
            return;
        }

        var reason = RestoreRun.Summarize(errors, target.Results.FirstErrors(3));
        target.FailureReason = reason;
        Run.SetTargetPhase(target, RestorePhase.PartiallyFailed, reason);
    }
}

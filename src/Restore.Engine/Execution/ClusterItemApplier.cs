using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Actions;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Records;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>What one item produced while it was applied: its warnings and errors, the action set explicitly, and why.</summary>
internal sealed class ItemProgress
{
    public string? Action { get; set; }

    public int Warnings { get; set; }

    public int Errors { get; set; }

    public string? Message { get; set; }

    /// <summary>The first error: a failed item's message, whatever was noted before it.</summary>
    public string? FirstError { get; private set; }

    /// <summary>The kind of the first error, which is what fails the item when it fails.</summary>
    public ItemFailure Failure { get; private set; }

    /// <summary>Where the item's create was sent (set just before sending), so a canceled run can ask the server what became of it.</summary>
    public (ApiResourceInfo Resource, string? Namespace)? CreateSent { get; set; }

    /// <summary>The first message wins: it is the one the user needs to read.</summary>
    public void Note(string text) => Message ??= text;

    /// <summary>Notes an error: the first error is a failed item's message, and its kind the item's failure kind.</summary>
    public void NoteError(string text, ItemFailure failure)
    {
        Note(text);
        FirstError ??= text;
        if (Failure == ItemFailure.None)
        {
            Failure = failure;
        }
    }
}

/// <summary>
/// Applies one planned item to a cluster (docs/velero-compatibility.md#item-steps steps 14-18, #existing-resource-policy): create; on AlreadyExists compare with the
/// live object and apply the existing-resource policy (ServiceAccounts merged under any policy); restore status for
/// created items; wait for created CRDs to be Established and for released PersistentVolumes to go. Items whose
/// namespace cannot be ensured fail fast. Thread-safe: many items run at once.
/// </summary>
internal sealed partial class ClusterItemApplier
{
    private const string ServiceAccounts = "serviceaccounts";
    private const string PortAllocated = "provided port is already allocated";

    /// <summary>How long a canceled run may spend asking the server about one create that was in flight.</summary>
    internal static readonly TimeSpan ReconcileTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MaxVolumeWait = TimeSpan.FromMinutes(10);

    private readonly RunState run;
    private readonly TargetState target;
    private readonly ClusterConnection connection;
    private readonly NamespaceEnsurer namespaces;
    private readonly string policy;
    private readonly string restoreLabel;
    private readonly string backupLabel;
    private readonly TimeSpan itemTimeout;
    private int crdsChanged;

    public ClusterItemApplier(RunState run, TargetState target, ClusterConnection connection, NamespaceEnsurer namespaces, string? policy, string restoreName, string backupName, TimeSpan itemTimeout)
    {
        this.run = run;
        this.target = target;
        this.connection = connection;
        this.namespaces = namespaces;
        this.policy = policy ?? string.Empty;
        restoreLabel = RestoreLabels.GetValidName(restoreName);
        backupLabel = RestoreLabels.GetValidName(backupName);
        this.itemTimeout = itemTimeout;
    }

    /// <summary>Called with the object of each pod this applier created (the exec hooks start there).</summary>
    public Action<JsonObject>? PodCreated { get; set; }

    /// <summary>True once a CRD was created or updated on this target (discovery must then be refreshed).</summary>
    public bool CrdsChanged => Volatile.Read(ref crdsChanged) != 0;

    private KubernetesClient Client => connection.Client;

    /// <summary>Records an item the plan already decided (skipped or failed): nothing is sent.</summary>
    public void RecordPlanned(PlannedItem item) =>
        run.Finish(target, item, item.PlannedOutcome, item.ResourceListAction is not null, item.Reason ?? PlannedMessage(item), ItemFailure.Planning, item.PlannedListAction);

    /// <summary>Applies one item whose plan decision is Create. Returns without recording when <paramref name="runToken"/> is canceled.</summary>
    public async Task ApplyAsync(PlannedItem item, CancellationToken runToken)
    {
        var progress = new ItemProgress();
        try
        {
            if (item.IsNamespace)
            {
                await ApplyNamespaceAsync(item, runToken).ConfigureAwait(false);
                return;
            }

            // The namespace wait has its own limit (docs/velero-compatibility.md#namespace-creation); the item's own clock starts after it.
            if (item.TargetNamespace.Length > 0)
            {
                var ns = await namespaces.EnsureAsync(item.TargetNamespace, runToken).ConfigureAwait(false);
                if (!ns.Ready)
                {
                    run.Error(target, new ResultMessage(ResultBucket.Velero, string.Empty, ns.DependentError!));
                    run.Finish(target, item, ItemRestoreAction.Failed, listed: false, ns.DependentError, ItemFailure.NamespaceUnavailable);
                    return;
                }
            }

            using var itemCts = CancellationTokenSource.CreateLinkedTokenSource(runToken);
            itemCts.CancelAfter(itemTimeout);
            try
            {
                await RestoreObjectAsync(item, progress, itemCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (itemCts.IsCancellationRequested && !runToken.IsCancellationRequested)
            {
                AddError(item, progress, $"error restoring {item.ResourceId}: the item did not finish within {Describe(itemTimeout)} (ItemOperationTimeout)", ItemFailure.TimedOut);
            }
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            // Canceled: the item is not finished and not counted (a rerun completes it), unless its create was sent,
            // which the server may have committed: ask it, so the record holds what the cluster has.
            if (progress.CreateSent is not null)
            {
                await ReconcileCanceledCreateAsync(item, progress).ConfigureAwait(false);
            }

            return;
        }
        catch (Exception ex)
        {
            // Includes a stray cancellation that is neither the run's nor the item's: the item fails, the run goes on.
            AddError(item, progress, $"error restoring {item.ResourceId}: {ex.Message}", ItemFailure.Other);
        }

        Complete(item, progress);
    }

    private async Task ApplyNamespaceAsync(PlannedItem item, CancellationToken runToken)
    {
        var state = await namespaces.EnsureAsync(item.TargetName, runToken).ConfigureAwait(false);
        if (!state.Ready)
        {
            run.Error(target, new ResultMessage(ResultBucket.Velero, string.Empty, state.Error!));
            run.Finish(target, item, ItemRestoreAction.Failed, listed: false, state.Error, ItemFailure.NamespaceUnavailable);
            return;
        }

        // Velero lists only the namespaces it created (docs/velero-compatibility.md#namespace-creation).
        run.Finish(
            target,
            item,
            state.Created ? ItemRestoreAction.Created : ItemRestoreAction.Skipped,
            listed: state.Created,
            state.Created ? PlannedMessage(item) : $"the namespace {item.TargetName} already exists");
    }

    private async Task RestoreObjectAsync(PlannedItem item, ItemProgress progress, CancellationToken ct)
    {
        var objectUtf8 = item.ObjectUtf8 ?? throw new InvalidOperationException("the planned item has no object");
        var (apiVersion, kind) = item.SentType;
        var resource = connection.Resolve(apiVersion, kind);
        if (resource is null)
        {
            AddError(item, progress, $"error restoring {item.ResourceId}: the server could not find the requested resource ({apiVersion}, Kind={kind})", ItemFailure.NotFound);
            return;
        }

        var ns = resource.Namespaced ? item.TargetNamespace : null;
        if (item.TargetGroupResource == "persistentvolumes" && item.TargetName == item.Name)
        {
            await WaitForReleasedVolumeAsync(resource, item.TargetName, ct).ConfigureAwait(false);
        }

        // The planned bytes go out as they are; the server's answer is only decoded when the status follows it.
        var restoreStatus = item.RestoreStatus && item.StatusUtf8 is not null;
        JsonObject? created;
        try
        {
            progress.CreateSent = (resource, ns);
            created = await Client.CreateAsync(resource, ns, item.TargetName, objectUtf8, restoreStatus, ct).ConfigureAwait(false);
        }
        catch (KubernetesAlreadyExistsException ex)
        {
            var own = await HandleExistingAsync(item, progress, resource, ns, Desired(item), ex.Attempts, ct).ConfigureAwait(false);
            if (own is null)
            {
                return;
            }

            created = own;
        }
        catch (KubernetesInvalidException ex) when (item.TargetGroupResource == "services" && ex.Causes.Count > 0 && ex.Causes.All(c => c.Message.Contains(PortAllocated)))
        {
            // A Service whose nodePort is taken counts as existing when a Service of that name exists (docs/velero-compatibility.md#existing-resource-policy).
            if (await Client.TryGetAsync(resource, ns, item.TargetName, ct).ConfigureAwait(false) is null)
            {
                AddError(item, progress, $"error restoring {item.ResourceId}: {ApiText(ex)}", FailureOf(ex));
                return;
            }

            var own = await HandleExistingAsync(item, progress, resource, ns, Desired(item), 1, ct).ConfigureAwait(false);
            if (own is null)
            {
                return;
            }

            created = own;
        }
        catch (KubernetesApiException ex)
        {
            AddError(item, progress, $"error restoring {item.ResourceId}: {ApiText(ex)}", FailureOf(ex));
            return;
        }

        progress.Action = ItemRestoreAction.Created;
        if (PodCreated is not null && item.TargetGroupResource == "pods" && item.ParseObject() is { } pod)
        {
            // Velero starts a created pod's exec hooks here (docs/velero-compatibility.md#restore-hooks).
            ItemJson.GetOrAddObject(pod, "metadata")["namespace"] = item.TargetNamespace;
            PodCreated(pod);
        }

        if (restoreStatus && created is not null)
        {
            await RestoreStatusAsync(item, progress, resource, ns, created, ct).ConfigureAwait(false);
        }

        if (item.WaitForEstablished)
        {
            await WaitForEstablishedAsync(item, progress, resource, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Puts the backed-up status back through the status subresource, retrying on conflicts (docs/velero-compatibility.md#item-steps step 15).</summary>
    private async Task RestoreStatusAsync(PlannedItem item, ItemProgress progress, ApiResourceInfo resource, string? ns, JsonObject created, CancellationToken ct)
    {
        var status = item.ParseStatus();
        var body = created;
        for (var attempt = 1; ; attempt++)
        {
            body["status"] = status?.DeepClone();
            try
            {
                await Client.UpdateStatusAsync(resource, ns, body, ct).ConfigureAwait(false);
                return;
            }
            catch (KubernetesConflictException) when (attempt < 5)
            {
                body = await Client.GetAsync(resource, ns, item.TargetName, ct).ConfigureAwait(false);
            }
            catch (KubernetesApiException ex)
            {
                AddWarning(item, progress, $"could not restore the status of {item.ResourceId}: {ApiText(ex)}");
                return;
            }
        }
    }

    /// <summary>Velero waits for a created CRD to be Established and NamesAccepted before its custom resources (docs/velero-compatibility.md#item-steps step 18).</summary>
    private async Task WaitForEstablishedAsync(PlannedItem item, ItemProgress progress, ApiResourceInfo resource, CancellationToken ct)
    {
        var limit = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(10).Ticks, (long)(itemTimeout.Ticks * 0.9)));
        var watch = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            JsonObject? crd;
            try
            {
                crd = await Client.TryGetAsync(resource, null, item.TargetName, ct).ConfigureAwait(false);
            }
            catch (KubernetesApiException ex)
            {
                AddError(item, progress, $"error verifying the CRD {item.TargetName} is ready to use: {ApiText(ex)}", FailureOf(ex));
                return;
            }

            if (crd is not null && HasCondition(crd, "Established") && HasCondition(crd, "NamesAccepted"))
            {
                return;
            }

            if (watch.Elapsed >= limit)
            {
                AddError(item, progress, $"the CRD {item.TargetName} is not available to use for custom resources", ItemFailure.TimedOut);
                return;
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 2));
        }
    }

    /// <summary>
    /// A same-named PersistentVolume that is Released or being deleted is waited for (bounded), so the restore does not
    /// collide with it (docs/velero-compatibility.md#persistent-volumes step 3). One that stays, or is in use, leads to the already-exists handling.
    /// </summary>
    private async Task WaitForReleasedVolumeAsync(ApiResourceInfo resource, string name, CancellationToken ct)
    {
        var limit = TimeSpan.FromTicks(Math.Min(MaxVolumeWait.Ticks, itemTimeout.Ticks / 2));
        var watch = Stopwatch.StartNew();
        var logged = false;
        while (true)
        {
            var live = await Client.TryGetAsync(resource, null, name, ct).ConfigureAwait(false);
            if (live is null || !IsReleasedOrDeleting(live))
            {
                return;
            }

            if (watch.Elapsed >= limit)
            {
                target.Log.Info($"Persistent volume {name} is still released or being deleted after {Describe(limit)}; restoring it anyway", ("persistentVolume", name));
                return;
            }

            if (!logged)
            {
                logged = true;
                target.Log.Info($"Persistent volume {name} already exists and is released or being deleted; waiting up to {Describe(limit)} for it to go", ("persistentVolume", name));
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The run was canceled after the item's create went out (docs/velero-compatibility.md#canceled-in-flight). A create
    /// that was answered is Created; otherwise the server is asked, within <see cref="ReconcileTimeout"/> and whatever the
    /// canceled run token says: an object carrying this restore's label is Created, no object (or one that was already
    /// there) is left out as never restored, and no answer makes the item Unknown.
    /// </summary>
    private async Task ReconcileCanceledCreateAsync(PlannedItem item, ItemProgress progress)
    {
        if (progress.Action == ItemRestoreAction.Created)
        {
            progress.Note($"created; the restore was canceled before {item.ResourceId} was finished (status or readiness)");
            Complete(item, progress);
            return;
        }

        var (resource, ns) = progress.CreateSent!.Value;
        JsonObject? live;
        using (var bounded = new CancellationTokenSource(ReconcileTimeout))
        {
            try
            {
                live = await Client.TryGetAsync(resource, ns, item.TargetName, bounded.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is KubernetesApiException or OperationCanceledException)
            {
                var why = ex is KubernetesApiException api ? ApiText(api) : $"no answer within {Describe(ReconcileTimeout)}";
                var text = $"unknown: the restore was canceled while {item.ResourceId} was being created, and the server could not be asked whether it was: {why}";
                target.Log.Warning(text, ("namespace", item.TargetNamespace), ("resource", item.TargetGroupResource), ("name", item.TargetName));
                run.Finish(target, item, ItemRestoreAction.Unknown, listed: false, text);
                return;
            }
        }

        if (live is not null && Label(live, RestoreLabels.RestoreName) == restoreLabel)
        {
            progress.Action = ItemRestoreAction.Created;
            progress.Note($"created; the restore was canceled while the server was answering, and the server has {item.ResourceId}");
            Complete(item, progress);
            return;
        }

        target.Log.Info(
            live is null
                ? $"The restore was canceled before the server created {item.ResourceId}; it is not restored"
                : $"The restore was canceled while creating {item.ResourceId}; the object there was not made by this restore",
            ("namespace", item.TargetNamespace),
            ("resource", item.TargetGroupResource),
            ("name", item.TargetName));
    }

    private void Complete(PlannedItem item, ItemProgress progress)
    {
        // Velero's deferred rule (docs/velero-compatibility.md#item-steps step 5) gives the resource-list entry: without an explicit action, skipped
        // when the item raised nothing, else failed. The outcome fails only on an error: an item left as it is with a
        // warning (exists and differs, an update the server refused) is Skipped, as its warning count says.
        var listedAs = progress.Action ?? (progress.Warnings + progress.Errors + item.VeleroMessageCount == 0 ? ItemRestoreAction.Skipped : ItemRestoreAction.Failed);
        var action = progress.Action ?? (progress.Errors + item.Errors.Count == 0 ? ItemRestoreAction.Skipped : ItemRestoreAction.Failed);
        if (item.WaitForEstablished && action is ItemRestoreAction.Created or ItemRestoreAction.Updated)
        {
            // Velero refreshes discovery after the CRD pass when any CRD was created or updated (docs/velero-compatibility.md#restore-passes step 6).
            Interlocked.Exchange(ref crdsChanged, 1);
        }

        var message = action == ItemRestoreAction.Failed ? progress.FirstError ?? progress.Message : progress.Message;
        // An item failed only by what the plan raised has no kind of its own.
        var failure = progress.Failure == ItemFailure.None ? ItemFailure.Planning : progress.Failure;
        run.Finish(target, item, action, item.ResourceListAction is not null, message ?? PlannedMessage(item), failure, listedAs);
    }

    private void AddError(PlannedItem item, ItemProgress progress, string text, ItemFailure failure)
    {
        progress.Errors++;
        progress.NoteError(text, failure);
        run.Error(target, ResultMessage.ForItem(item.TargetNamespace, text));
    }

    private void AddWarning(PlannedItem item, ItemProgress progress, string text)
    {
        progress.Warnings++;
        progress.Note(text);
        run.Warning(target, ResultMessage.ForItem(item.TargetNamespace, text));
    }

    /// <summary>The kind of an item failure, from the API error that caused it.</summary>
    internal static ItemFailure FailureOf(KubernetesApiException ex) => ex switch
    {
        KubernetesAlreadyExistsException => ItemFailure.AlreadyExists,
        KubernetesForbiddenException => ItemFailure.Forbidden,
        KubernetesUnauthorizedException => ItemFailure.Unauthorized,
        KubernetesConnectionException { Reason: "CredentialsFailed" } => ItemFailure.Unauthorized,
        KubernetesConnectionException => ItemFailure.Unreachable,
        KubernetesInvalidException => ItemFailure.Invalid,
        KubernetesNotFoundException => ItemFailure.NotFound,
        KubernetesServerTimeoutException => ItemFailure.TimedOut,
        _ => ItemFailure.Other,
    };

    /// <summary>The message the plan left on the item (its first warning or error, else its first note).</summary>
    private static string? PlannedMessage(PlannedItem item) =>
        item.Errors.FirstOrDefault()?.Text ?? item.Warnings.FirstOrDefault()?.Text ?? item.Notes.FirstOrDefault();

    /// <summary>The server's own text, as Velero quotes a Go error (the client's message adds cluster, verb and attempts).</summary>
    internal static string ApiText(KubernetesApiException ex)
    {
        var text = string.IsNullOrEmpty(ex.ApiMessage) ? ex.Message : ex.ApiMessage;
        var causes = ex.Causes.Where(c => c.Message.Length > 0 && !text.Contains(c.Message)).Select(c => c.ToString()).ToList();
        return causes.Count == 0 ? text : text + " [" + string.Join("; ", causes) + "]";
    }

    internal static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0 && span.Milliseconds == 0
            ? span.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture) + " minutes"
            : span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " seconds";

    private static JsonObject Desired(PlannedItem item) => item.ParseObject() ?? throw new InvalidOperationException("the planned item has no object");

    private static bool HasCondition(JsonObject obj, string type) =>
        obj["status"]?["conditions"] is JsonArray conditions
        && conditions.OfType<JsonObject>().Any(c => (c["type"] as JsonValue)?.ToString() == type && (c["status"] as JsonValue)?.ToString() == "True");

    private static bool IsReleasedOrDeleting(JsonObject pv) =>
        pv["metadata"]?["deletionTimestamp"] is not null || (pv["status"]?["phase"] as JsonValue)?.ToString() == "Released";
}

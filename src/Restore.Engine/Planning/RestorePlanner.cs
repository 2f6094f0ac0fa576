using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace Restore.Engine.Planning;

/// <summary>
/// Plans a restore the way Velero's restore engine would run it (docs/velero-compatibility.md#restore-passes through #resource-order, and #filters): the validated spec,
/// resources in priority order (CRDs in a first pass), namespace and cluster-scope filters, label and
/// <c>-Object</c> selectors, then per item the steps of docs/velero-compatibility.md#item-steps up to the create: completed and mirror pods,
/// de-duplication, PersistentVolume decisions, metadata reset, restore item actions (with additional items),
/// PVC fix-ups, resource modifiers and inline patches, namespace mapping and restore labels. Nothing is sent
/// to the cluster; the plan says what would be.
/// </summary>
internal sealed class RestorePlanner
{
    /// <summary>Plans the whole restore and keeps every item.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public RestorePlan Plan(RestorePlanRequest request, CancellationToken cancellationToken)
    {
        var stream = Stream(request, cancellationToken);
        var items = new List<PlannedItem>();
        foreach (var item in stream)
        {
            if (!request.RetainObjects)
            {
                item.ObjectUtf8 = null;
                item.StatusUtf8 = null;
            }

            items.Add(item);
        }

        stream.Plan.Items = items;
        return stream.Plan;
    }

    /// <summary>
    /// Plans the restore lazily: items are produced in restore order while enumerating, so a caller can execute each
    /// one and drop it. <see cref="RestorePlanStream.Plan"/> carries the tiers, results and summary, complete once the
    /// enumeration has finished (its <see cref="RestorePlan.Items"/> stays empty).
    /// </summary>
    public RestorePlanStream Stream(RestorePlanRequest request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var validation = RestoreValidator.Validate(request.Spec, request.Catalog);
        var plan = new RestorePlan(request.RestoreName, validation.Spec, validation.Errors, validation.Warnings)
        {
            Summary = new PlanSummary { BackupItems = request.Contents.ItemCount },
        };
        return new RestorePlanStream(plan, validation.IsValid ? new PlanSession(request, plan, cancellationToken) : null);
    }
}

/// <summary>A restore plan produced item by item (single use).</summary>
internal sealed class RestorePlanStream : IEnumerable<PlannedItem>
{
    private readonly PlanSession? session;
    private bool started;

    internal RestorePlanStream(RestorePlan plan, PlanSession? session)
    {
        Plan = plan;
        this.session = session;
    }

    /// <summary>The plan header: spec, validation, tiers, results and summary (complete after enumeration).</summary>
    public RestorePlan Plan { get; }

    /// <summary>True once every item has been produced.</summary>
    public bool IsComplete { get; private set; }

    /// <inheritdoc />
    public IEnumerator<PlannedItem> GetEnumerator()
    {
        if (started)
        {
            throw new InvalidOperationException("a restore plan stream can be enumerated only once");
        }

        started = true;
        return Enumerate();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerator<PlannedItem> Enumerate()
    {
        if (session is not null)
        {
            foreach (var item in session.Run())
            {
                yield return item;
            }
        }

        IsComplete = true;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Actions;

/// <summary>
/// The restore item actions the planner runs, in the order it runs them (spec §4.4 step 9:
/// plugin-registry order, which for Velero's built-ins is their registration order).
/// </summary>
public sealed class RestoreItemActionRegistry
{
    /// <summary>
    /// Velero's built-in restore item action names in registration order
    /// (<c>pkg/cmd/server/plugin/plugin.go</c>; v1 actions first, then the v2 CSI actions).
    /// <see cref="Default"/> sorts the built-ins by this list, so the order does not depend on
    /// the order they are listed in <see cref="CreateBuiltIns"/>.
    /// </summary>
    public static IReadOnlyList<string> VeleroRegistrationOrder { get; } = new[]
    {
        "velero.io/job",
        "velero.io/pod",
        "velero.io/pod-volume-restore",
        "velero.io/init-restore-hook",
        "velero.io/service",
        "velero.io/service-account",
        "velero.io/add-pvc-from-pod",
        "velero.io/change-storage-class",
        "velero.io/change-image-name",
        "velero.io/role-bindings",
        "velero.io/cluster-role-bindings",
        "velero.io/crd-preserve-fields",
        "velero.io/pvc",
        "velero.io/apiservice",
        "velero.io/admission-webhook-configuration",
        "velero.io/secret",
        "velero.io/dataupload",
        "velero.io/csi-pvc-restorer",
        "velero.io/csi-volumesnapshot-restorer",
        "velero.io/csi-volumesnapshotcontent-restorer",
        "velero.io/csi-volumesnapshotclass-restorer",
    };

    private static readonly Lazy<RestoreItemActionRegistry> DefaultInstance = new(() => new RestoreItemActionRegistry(OrderByRegistration(CreateBuiltIns())));

    /// <summary>Creates a registry that runs <paramref name="actions"/> in the given order.</summary>
    public RestoreItemActionRegistry(IEnumerable<IRestoreItemAction> actions)
    {
        if (actions is null)
        {
            throw new ArgumentNullException(nameof(actions));
        }

        Actions = actions.ToArray();
    }

    /// <summary>The built-in actions in Velero's registration order.</summary>
    public static RestoreItemActionRegistry Default => DefaultInstance.Value;

    /// <summary>A registry without actions (objects pass through unchanged).</summary>
    public static RestoreItemActionRegistry Empty { get; } = new(Array.Empty<IRestoreItemAction>());

    /// <summary>Every action, in run order.</summary>
    public IReadOnlyList<IRestoreItemAction> Actions { get; }

    /// <summary>The actions that apply to <paramref name="groupResource"/>, in run order.</summary>
    public IEnumerable<IRestoreItemAction> For(string groupResource)
    {
        foreach (var action in Actions)
        {
            if (action.AppliesTo(groupResource))
            {
                yield return action;
            }
        }
    }

    /// <summary>Sorts actions by <see cref="VeleroRegistrationOrder"/>; unknown names keep their relative order at the end.</summary>
    public static IReadOnlyList<IRestoreItemAction> OrderByRegistration(IEnumerable<IRestoreItemAction> actions)
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < VeleroRegistrationOrder.Count; i++)
        {
            rank[VeleroRegistrationOrder[i]] = i;
        }

        return actions
            .Select((action, index) => (action, index))
            .OrderBy(x => rank.TryGetValue(x.action.Name, out var r) ? r : int.MaxValue)
            .ThenBy(x => x.index)
            .Select(x => x.action)
            .ToArray();
    }

    // The actions helper adds one instance per built-in action here (any order: Default sorts them).
    private static IEnumerable<IRestoreItemAction> CreateBuiltIns() => new List<IRestoreItemAction>
    {
    };
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Actions;

/// <summary>
/// The restore item actions the planner runs, in the order it runs them (docs/velero-compatibility.md#item-steps step 9:
/// plugin-registry order, which for Velero's built-ins is the sorted name order of its plugin server).
/// </summary>
internal sealed class RestoreItemActionRegistry
{
    /// <summary>
    /// Velero's built-in restore item action names in the order Velero runs them: its plugin server lists
    /// each kind's names sorted, and the v1 actions come before the v2 (CSI) ones
    /// (see <see cref="BuiltInRestoreItemActions.RunOrder"/>). <see cref="Default"/> sorts by this list.
    /// </summary>
    public static IReadOnlyList<string> VeleroRegistrationOrder => BuiltInRestoreItemActions.RunOrder;

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

    private static IEnumerable<IRestoreItemAction> CreateBuiltIns() => BuiltInRestoreItemActions.Create();
}

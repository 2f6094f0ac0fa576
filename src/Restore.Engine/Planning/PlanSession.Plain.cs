using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Restore.Engine.Actions;
using Restore.Engine.Common;

namespace Restore.Engine.Planning;

/// <summary>Plain items: planned from their bytes, without an object tree (same plan as <see cref="RestoreItem"/> gives).</summary>
internal sealed partial class PlanSession
{
    private const string ServiceAccountTokenType = "kubernetes.io/service-account-token";

    /// <summary>Resources whose items may take the plain path, decided once per resource.</summary>
    private readonly Dictionary<string, (bool Plain, string? SecretActionName)> plainResources = new();

    private static readonly HashSet<string> TreeOnlyResources = new()
    {
        "pods", "jobs.batch", "persistentvolumes", "persistentvolumeclaims", NamespacesResource, CrdResource,
    };

    private PlainItemRewriter? plainRewriter;

    /// <summary>
    /// Plans the item from its bytes when nothing but the metadata reset, the target namespace and the restore labels
    /// would change it: no restore item action (or only the Secret action on a Secret that is not a token), no resource
    /// modifier or inline patch, no status to restore. False when the item needs the tree path.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private bool TryPlanPlain(string gr, SelectedItem selected, PlanTier tier)
    {
        if (!plainResources.TryGetValue(gr, out var kind))
        {
            kind = DecidePlain(gr);
            plainResources.Add(gr, kind);
        }

        var targetNamespace = selected.TargetNamespace;
        var refusedType = kind.SecretActionName is null ? null : ServiceAccountTokenType;
        if (!kind.Plain || !(plainRewriter ??= new PlainItemRewriter()).TryRewrite(selected.Bytes.Span, targetNamespace, restoreLabel, backupLabel, refusedType, out var rewritten))
        {
            return false;
        }

        // The steps of RestoreItem that apply to such an item, in its order.
        plan.PlainItems++;
        var name = rewritten.Name;
        var item = NewPlannedItem(gr, rewritten.ObjectNamespace, targetNamespace, name, selected.Path, rewritten.ApiVersion, rewritten.Kind, parentId: null);
        if (!PassesFilters(item, gr, rewritten.ObjectNamespace, targetNamespace, mustHave: false, tier) || !IsFirstOfItsKey(item, targetNamespace, name, tier))
        {
            return true;
        }

        if (kind.SecretActionName is { } secretAction)
        {
            item.AddAction(secretAction);
        }

        if (!ResolveTarget(rewritten.ApiVersion ?? string.Empty, rewritten.Kind ?? string.Empty, item, gr, item.ResourceId, tier))
        {
            return true;
        }

        item.WaitForEstablished = item.TargetGroupResource == CrdResource;
        item.TargetName = name;
        item.Decision = PlanDecision.Create;
        item.ResourceListAction = "created";
        item.SetObject(rewritten.ObjectUtf8, rewritten.ApiVersion, rewritten.Kind);
        Emit(item, tier);
        return true;
    }

    private (bool Plain, string? SecretActionName) DecidePlain(string gr)
    {
        if (!request.RewritePlainItems || request.ResourceModifiers is not null || inlinePatches.Count > 0
            || statusFilter?.ShouldInclude(gr) == true || MustHave.Contains(gr) || TreeOnlyResources.Contains(gr))
        {
            return (false, null);
        }

        var actions = request.Actions.For(gr).ToList();
        if (actions.Count == 0)
        {
            return (true, null);
        }

        // The Secret action changes only service-account token Secrets; the rewriter hands those to the tree path.
        return actions.Count == 1 && actions[0] is SecretAction && gr == "secrets" ? (true, actions[0].Name) : (false, null);
    }
}

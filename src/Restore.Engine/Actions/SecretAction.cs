using System;

namespace Restore.Engine.Actions;

/// <summary>
/// <c>velero.io/secret</c>: handles <c>kubernetes.io/service-account-token</c> secrets only. Such a
/// secret is skipped when the target cluster already has, in the secret's <b>original</b> (backup)
/// namespace, a ServiceAccount <c>X</c> whose auto-created token it is (the secret name starts with
/// <c>X-token-</c>), or this restore creates such a ServiceAccount there earlier in its order. Otherwise
/// the annotation <c>kubernetes.io/service-account.uid</c> and the data keys <c>token</c> and
/// <c>ca.crt</c> are removed so the target cluster issues a fresh token.
/// </summary>
/// <remarks>
/// Without a cluster view (<see cref="RestoreItemActionContext.Cluster"/> is null, e.g. when planning
/// offline, or into a folder) only the ServiceAccounts of the restore itself count; a stripped token
/// secret is harmless because the cluster's token controller fills it in again.
/// </remarks>
internal sealed class SecretAction : IRestoreItemAction
{
    private const string ServiceAccountTokenType = "kubernetes.io/service-account-token";

    private static readonly string[] TokenDataKeys = { "token", "ca.crt" };
    private static readonly string[] UidAnnotation = { "kubernetes.io/service-account.uid" };

    /// <inheritdoc />
    public string Name => "velero.io/secret";

    /// <inheritdoc />
    public bool AppliesTo(string groupResource) => KnownGroupResources.Is(groupResource, KnownGroupResources.Secrets);

    /// <inheritdoc />
    public RestoreItemActionResult Execute(RestoreItemActionContext context)
    {
        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var item = context.Item;
        if (ItemJson.String(item, "type") != ServiceAccountTokenType)
        {
            return RestoreItemActionResult.Continue;
        }

        var secretName = ItemJson.Name(item);
        if (context.Cluster is { } cluster)
        {
            foreach (var account in cluster.GetServiceAccountNames(context.SourceNamespace))
            {
                if (secretName.StartsWith(account + "-token-", StringComparison.Ordinal))
                {
                    return RestoreItemActionResult.SkipItem(
                        $"token secret auto-created for ServiceAccount \"{account}\", which exists in namespace \"{context.SourceNamespace}\" of the target cluster");
                }
            }
        }

        // Velero lists the cluster's ServiceAccounts when it reaches the secret, after the ServiceAccounts tier: those
        // this restore created count, in the secret's source namespace as Velero looks there.
        foreach (var account in context.RestoredServiceAccounts(context.SourceNamespace))
        {
            if (secretName.StartsWith(account + "-token-", StringComparison.Ordinal))
            {
                return RestoreItemActionResult.SkipItem(
                    $"token secret auto-created for ServiceAccount \"{account}\", which this restore creates in namespace \"{context.SourceNamespace}\"");
            }
        }

        ItemJson.RemoveKeys(ItemJson.Object(item, "metadata"), "annotations", UidAnnotation);
        ItemJson.RemoveKeys(item, "data", TokenDataKeys);
        return RestoreItemActionResult.Continue;
    }
}

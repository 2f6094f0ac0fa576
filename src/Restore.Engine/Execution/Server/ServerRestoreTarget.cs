using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Restore.Engine.Cluster;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution.Server;

/// <summary>One cluster of a restore through the Velero server: its client, what is created there, and the Restore object as last read.</summary>
internal sealed class ServerRestoreTarget : IDisposable
{
    public ServerRestoreTarget(string context, ClusterConnectionSettings settings, KubernetesClient client, RestoreRequest request)
    {
        Context = context;
        Settings = settings;
        Client = client;
        Request = request;
        Spec = (request.Spec ?? new RestoreSpec()).Clone();
    }

    /// <summary>The kube context (the name shown as the target).</summary>
    public string Context { get; }

    public ClusterConnectionSettings Settings { get; }

    /// <summary>The API server address (never credentials).</summary>
    public string Server => Settings.Server.ToString().TrimEnd('/');

    public KubernetesClient Client { get; }

    public RestoreRequest Request { get; }

    /// <summary>The spec sent to Velero (schedule resolved when the client chose the backup, resource modifier reference set).</summary>
    public RestoreSpec Spec { get; }

    /// <summary>The identity the cluster knows us by, when it said.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>The ConfigMaps to create (or created) for this restore.</summary>
    public IReadOnlyList<JsonObject> ConfigMaps { get; set; } = Array.Empty<JsonObject>();

    /// <summary>The Restore object as last read (or as created); null before it was created.</summary>
    public JsonObject? Current { get; set; }

    /// <summary>Why the Restore could not be created, or vanished; null otherwise.</summary>
    public string? Problem { get; set; }

    /// <summary>True once the ConfigMaps created for the restore were deleted again.</summary>
    public bool CleanedUp { get; set; }

    /// <summary>The phase as last read: <c>New</c> for an empty phase, <c>Failed</c> when the object could not be created or vanished.</summary>
    public string Phase => Problem is not null ? RestorePhase.Failed : PhaseOf(Current);

    /// <summary>True once nothing more will change.</summary>
    public bool IsTerminal => RestorePhase.IsTerminal(Phase);

    /// <summary>A Restore object's phase, <c>New</c> when Velero has not set one yet.</summary>
    public static string PhaseOf(JsonObject? restore) =>
        (restore?["status"] as JsonObject)?["phase"]?.GetValue<string>() is { Length: > 0 } phase ? phase : RestorePhase.New;

    public void Dispose() => Client.Dispose();
}

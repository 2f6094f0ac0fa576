using System;
using System.Collections.Generic;

namespace Restore.TestApiServer;

/// <summary>How a <see cref="TestApiServer"/> starts. Every property has a test-friendly default.</summary>
public sealed class TestApiServerOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Cluster name used in kubeconfig files (cluster, context and user names derive from it).</summary>
    public string ClusterName { get; set; } = "restore-test";

    /// <summary>The gitVersion /version reports (kubectl's version-skew checks read it).</summary>
    public string KubernetesVersion { get; set; } = "v1.32.4";

    /// <summary>The bearer token of <see cref="TokenUser"/>; random when null.</summary>
    public string? Token { get; set; }

    /// <summary>User name the token authenticates as.</summary>
    public string TokenUser { get; set; } = "token-user";

    /// <summary>Groups of the token user (system:authenticated is always added).</summary>
    public IList<string> TokenGroups { get; } = new List<string> { "system:masters" };

    /// <summary>User name in the client certificate's CN.</summary>
    public string ClientCertificateUser { get; set; } = "cert-user";

    /// <summary>Groups in the client certificate's O fields.</summary>
    public IList<string> ClientCertificateGroups { get; } = new List<string> { "system:masters" };

    /// <summary>More bearer tokens: token to user name (for RBAC tests with several users).</summary>
    public IDictionary<string, string> ExtraTokens { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>When true, requests without credentials run as system:anonymous instead of getting 401.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Create default, kube-system, kube-public, kube-node-lease, the kubernetes service and each namespace's default service account, as a real cluster has.</summary>
    public bool CreateDefaultObjects { get; set; } = true;

    /// <summary>Install the snapshot.storage.k8s.io CRDs (VolumeSnapshot, VolumeSnapshotContent, VolumeSnapshotClass).</summary>
    public bool InstallVolumeSnapshotCrds { get; set; }

    /// <summary>Install the velero.io CRDs (Backup, Restore, Schedule, BackupStorageLocation, ...).</summary>
    public bool InstallVeleroCrds { get; set; }

    /// <summary>Service cluster IP range.</summary>
    public string ServiceClusterIpRange { get; set; } = "10.96.0.0/12";

    /// <summary>Lowest node port.</summary>
    public int NodePortMin { get; set; } = 30000;

    /// <summary>Highest node port.</summary>
    public int NodePortMax { get; set; } = 32767;

    /// <summary>Initial <see cref="ServerKnobs.NamespaceTerminationDelay"/>.</summary>
    public TimeSpan NamespaceTerminationDelay { get; set; }

    /// <summary>Initial <see cref="ServerKnobs.CrdEstablishDelay"/>.</summary>
    public TimeSpan CrdEstablishDelay { get; set; }

    /// <summary>Record requests in the <see cref="RequestJournal"/>.</summary>
    public bool EnableJournal { get; set; } = true;

    /// <summary>Journal entries kept (oldest dropped beyond).</summary>
    public int JournalCapacity { get; set; } = 200_000;

    /// <summary>Offer HTTP/2 (kubectl uses it when offered); HTTP/1.1 is always available.</summary>
    public bool EnableHttp2 { get; set; } = true;

    /// <summary>Largest request body accepted (the real server's limit is 3 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;
}

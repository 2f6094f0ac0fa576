using System;
using System.Globalization;
using Restore.TestSupport;

namespace Restore.Benchmark;

/// <summary>
/// Synthetic but realistic backup items (0.5 to 3 KB of JSON each, as the API server returns them with
/// managedFields and status) for the benchmarks: pods, configmaps, secrets, services and deployments over
/// 100 namespaces.
/// </summary>
public static class BenchmarkItems
{
    /// <summary>Items of the restore scenarios carry the label <c>shard=shard-0</c> … <c>shard-9</c>, in blocks of 20.</summary>
    public const int ShardCount = 10;

    /// <summary>Adds <paramref name="count"/> items to <paramref name="builder"/>.</summary>
    public static VeleroBackupBuilder AddItems(VeleroBackupBuilder builder, int count)
    {
        ArgumentNullException.ThrowIfNull(builder);
        for (var i = 0; i < count; i++)
        {
            var ns = "team-" + (i % 100).ToString("D3", CultureInfo.InvariantCulture);
            var uid = new Guid(i, (short)(i >> 16), 7, 1, 2, 3, 4, 5, 6, 7, 8).ToString();
            switch (i % 20)
            {
                case < 8:
                    builder.AddItem("pods", ns, $"app-{i}-7d9f8c6b5-x2k4p", Pod(ns, $"app-{i}-7d9f8c6b5-x2k4p", uid, i));
                    break;
                case < 12:
                    builder.AddItem("configmaps", ns, $"settings-{i}", ConfigMap(ns, $"settings-{i}", uid, i));
                    break;
                case < 15:
                    builder.AddItem("secrets", ns, $"credentials-{i}", Secret(ns, $"credentials-{i}", uid, i));
                    break;
                case < 17:
                    builder.AddItem("services", ns, $"svc-{i}", Service(ns, $"svc-{i}", uid, i));
                    break;
                default:
                    builder.AddItem("deployments.apps", ns, $"app-{i}", Deployment(ns, $"app-{i}", uid, i));
                    break;
            }
        }

        return builder;
    }

    /// <summary>
    /// The restore benchmark's mix: <paramref name="count"/> items in all, of which one Namespace object per 100 items
    /// (at least 10 namespaces) and, spread over those namespaces, Secrets 30 %, ConfigMaps 30 %, Deployments 15 %,
    /// Services 15 % and ServiceAccounts 10 %.
    /// </summary>
    public static VeleroBackupBuilder AddRestoreMix(VeleroBackupBuilder builder, int count)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var namespaces = Math.Max(10, count / 100);
        for (var n = 0; n < namespaces; n++)
        {
            var ns = MixNamespace(n, namespaces);
            builder.AddItem("namespaces", string.Empty, ns, Namespace(ns, n));
        }

        for (var i = 0; i < count - namespaces; i++)
        {
            // Blocks of 20 consecutive items (one round of the kinds) share a namespace, so every namespace holds the whole mix.
            var ns = MixNamespace(i / 20 % namespaces, namespaces);
            var uid = Uid(i);
            switch (i % 20)
            {
                case < 6:
                    builder.AddItem("secrets", ns, $"credentials-{i}", Secret(ns, $"credentials-{i}", uid, i, Shard(i)));
                    break;
                case < 12:
                    builder.AddItem("configmaps", ns, $"settings-{i}", ConfigMap(ns, $"settings-{i}", uid, i, Shard(i)));
                    break;
                case < 15:
                    builder.AddItem("deployments.apps", ns, $"app-{i}", Deployment(ns, $"app-{i}", uid, i, Shard(i)));
                    break;
                case < 18:
                    builder.AddItem("services", ns, $"svc-{i}", Service(ns, $"svc-{i}", uid, i, Shard(i)));
                    break;
                default:
                    builder.AddItem("serviceaccounts", ns, $"sa-{i}", ServiceAccount(ns, $"sa-{i}", uid, i, Shard(i)));
                    break;
            }
        }

        return builder;
    }

    /// <summary>Velero issue #6845's case: <paramref name="count"/> Secrets in the one namespace <paramref name="ns"/> (plus its Namespace object).</summary>
    public static VeleroBackupBuilder AddSecrets(VeleroBackupBuilder builder, int count, string ns)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddItem("namespaces", string.Empty, ns, Namespace(ns, 0));
        for (var i = 0; i < count; i++)
        {
            builder.AddItem("secrets", ns, $"secret-{i:D6}", Secret(ns, $"secret-{i:D6}", Uid(i), i, Shard(i)));
        }

        return builder;
    }

    /// <summary>
    /// The label <c>shard=shard-N</c> the benchmark selects samples by. Blocks of 20 consecutive items (one full round of
    /// the mix's kinds) share a shard, so every shard has the mix's proportions; in the mix a shard is a tenth of the
    /// namespaces, whole.
    /// </summary>
    private static string Shard(int i) => ",\"shard\":\"shard-" + (i / 20 % ShardCount).ToString(CultureInfo.InvariantCulture) + "\"";

    private static string MixNamespace(int n, int namespaces) =>
        "team-" + n.ToString(namespaces > 1000 ? "D5" : "D4", CultureInfo.InvariantCulture);

    private static string Uid(int i) => new Guid(i, (short)(i >> 16), 7, 1, 2, 3, 4, 5, 6, 7, 8).ToString();

    private static string Namespace(string name, int n) =>
        $"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"creationTimestamp\":\"2025-01-01T00:00:00Z\",\"labels\":{{\"kubernetes.io/metadata.name\":\"{name}\",\"team\":\"t{n % 17}\"}},\"name\":\"{name}\",\"resourceVersion\":\"{5000 + n}\",\"uid\":\"{new Guid(n, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9)}\"}},\"spec\":{{\"finalizers\":[\"kubernetes\"]}},\"status\":{{\"phase\":\"Active\"}}}}";

    private static string ServiceAccount(string ns, string name, string uid, int i, string shard = "") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"" + shard) +
        $",\"secrets\":[{{\"name\":\"{name}-token-x7q2v\"}}]}}";

    private static string Meta(string ns, string name, string uid, int i, string labels) =>
        $"\"metadata\":{{\"creationTimestamp\":\"2025-01-01T00:00:00Z\",\"labels\":{{{labels}}},\"managedFields\":[{{\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{{\"f:metadata\":{{\"f:labels\":{{\".\":{{}},\"f:app\":{{}}}}}}}},\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"time\":\"2025-01-01T00:00:00Z\"}}],\"name\":\"{name}\",\"namespace\":\"{ns}\",\"resourceVersion\":\"{100000 + i}\",\"uid\":\"{uid}\"}}";

    private static string Pod(string ns, string name, string uid, int i) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\",\"pod-template-hash\":\"7d9f8c6b5\"") +
        $",\"spec\":{{\"containers\":[{{\"image\":\"registry.example.com/team/app:{i % 50}.0.1\",\"imagePullPolicy\":\"IfNotPresent\",\"name\":\"app\",\"ports\":[{{\"containerPort\":8080,\"protocol\":\"TCP\"}}],\"resources\":{{\"limits\":{{\"cpu\":\"500m\",\"memory\":\"256Mi\"}},\"requests\":{{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}}},\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"volumeMounts\":[{{\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\",\"name\":\"kube-api-access-{i % 997}\",\"readOnly\":true}}]}}],\"dnsPolicy\":\"ClusterFirst\",\"enableServiceLinks\":true,\"nodeName\":\"node-{i % 12}\",\"preemptionPolicy\":\"PreemptLowerPriority\",\"priority\":0,\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\",\"serviceAccountName\":\"default\",\"terminationGracePeriodSeconds\":30}}" +
        $",\"status\":{{\"conditions\":[{{\"lastTransitionTime\":\"2025-01-01T00:00:05Z\",\"status\":\"True\",\"type\":\"Initialized\"}},{{\"lastTransitionTime\":\"2025-01-01T00:00:09Z\",\"status\":\"True\",\"type\":\"Ready\"}}],\"hostIP\":\"10.0.{i % 12}.10\",\"phase\":\"Running\",\"podIP\":\"10.244.{i % 250}.{i % 200}\",\"qosClass\":\"Burstable\",\"startTime\":\"2025-01-01T00:00:01Z\"}}}}";

    private static string ConfigMap(string ns, string name, string uid, int i, string shard = "") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"" + shard) +
        $",\"data\":{{\"application.properties\":\"server.port=8080\\nfeature.flag.{i}=true\\nlogging.level=INFO\\ncache.size={i % 1000}\\n\",\"LOG_FORMAT\":\"json\"}}}}";

    private static string Secret(string ns, string name, string uid, int i, string shard = "") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"" + shard) +
        $",\"data\":{{\"password\":\"{Convert.ToBase64String(BitConverter.GetBytes(i * 7919L))}ZmFrZQ==\",\"username\":\"YXBw\"}},\"type\":\"Opaque\"}}";

    private static string Service(string ns, string name, string uid, int i, string shard = "") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"" + shard) +
        $",\"spec\":{{\"clusterIP\":\"10.96.{i % 250}.{i % 200}\",\"clusterIPs\":[\"10.96.{i % 250}.{i % 200}\"],\"internalTrafficPolicy\":\"Cluster\",\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\",\"ports\":[{{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\",\"targetPort\":8080}}],\"selector\":{{\"app\":\"app-{i}\"}},\"sessionAffinity\":\"None\",\"type\":\"ClusterIP\"}},\"status\":{{\"loadBalancer\":{{}}}}}}";

    private static string Deployment(string ns, string name, string uid, int i, string shard = "") =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"" + shard) +
        $",\"spec\":{{\"progressDeadlineSeconds\":600,\"replicas\":{1 + (i % 3)},\"revisionHistoryLimit\":10,\"selector\":{{\"matchLabels\":{{\"app\":\"app-{i}\"}}}},\"strategy\":{{\"rollingUpdate\":{{\"maxSurge\":\"25%\",\"maxUnavailable\":\"25%\"}},\"type\":\"RollingUpdate\"}},\"template\":{{\"metadata\":{{\"labels\":{{\"app\":\"app-{i}\"}}}},\"spec\":{{\"containers\":[{{\"env\":[{{\"name\":\"INSTANCE\",\"value\":\"{i}\"}}],\"image\":\"registry.example.com/team/app:{i % 50}.0.1\",\"imagePullPolicy\":\"IfNotPresent\",\"name\":\"app\",\"ports\":[{{\"containerPort\":8080,\"protocol\":\"TCP\"}}],\"resources\":{{\"limits\":{{\"cpu\":\"500m\",\"memory\":\"256Mi\"}},\"requests\":{{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}}}}}],\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\",\"terminationGracePeriodSeconds\":30}}}}}}" +
        $",\"status\":{{\"availableReplicas\":{1 + (i % 3)},\"conditions\":[{{\"lastTransitionTime\":\"2025-01-01T00:00:10Z\",\"lastUpdateTime\":\"2025-01-01T00:00:10Z\",\"message\":\"Deployment has minimum availability.\",\"reason\":\"MinimumReplicasAvailable\",\"status\":\"True\",\"type\":\"Available\"}}],\"observedGeneration\":1,\"readyReplicas\":{1 + (i % 3)},\"replicas\":{1 + (i % 3)},\"updatedReplicas\":{1 + (i % 3)}}}}}";
}

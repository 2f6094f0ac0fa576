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

    private static string Meta(string ns, string name, string uid, int i, string labels) =>
        $"\"metadata\":{{\"creationTimestamp\":\"2025-01-01T00:00:00Z\",\"labels\":{{{labels}}},\"managedFields\":[{{\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{{\"f:metadata\":{{\"f:labels\":{{\".\":{{}},\"f:app\":{{}}}}}}}},\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"time\":\"2025-01-01T00:00:00Z\"}}],\"name\":\"{name}\",\"namespace\":\"{ns}\",\"resourceVersion\":\"{100000 + i}\",\"uid\":\"{uid}\"}}";

    private static string Pod(string ns, string name, string uid, int i) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\",\"pod-template-hash\":\"7d9f8c6b5\"") +
        $",\"spec\":{{\"containers\":[{{\"image\":\"registry.example.com/team/app:{i % 50}.0.1\",\"imagePullPolicy\":\"IfNotPresent\",\"name\":\"app\",\"ports\":[{{\"containerPort\":8080,\"protocol\":\"TCP\"}}],\"resources\":{{\"limits\":{{\"cpu\":\"500m\",\"memory\":\"256Mi\"}},\"requests\":{{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}}},\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"volumeMounts\":[{{\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\",\"name\":\"kube-api-access-{i % 997}\",\"readOnly\":true}}]}}],\"dnsPolicy\":\"ClusterFirst\",\"enableServiceLinks\":true,\"nodeName\":\"node-{i % 12}\",\"preemptionPolicy\":\"PreemptLowerPriority\",\"priority\":0,\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\",\"serviceAccountName\":\"default\",\"terminationGracePeriodSeconds\":30}}" +
        $",\"status\":{{\"conditions\":[{{\"lastTransitionTime\":\"2025-01-01T00:00:05Z\",\"status\":\"True\",\"type\":\"Initialized\"}},{{\"lastTransitionTime\":\"2025-01-01T00:00:09Z\",\"status\":\"True\",\"type\":\"Ready\"}}],\"hostIP\":\"10.0.{i % 12}.10\",\"phase\":\"Running\",\"podIP\":\"10.244.{i % 250}.{i % 200}\",\"qosClass\":\"Burstable\",\"startTime\":\"2025-01-01T00:00:01Z\"}}}}";

    private static string ConfigMap(string ns, string name, string uid, int i) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"") +
        $",\"data\":{{\"application.properties\":\"server.port=8080\\nfeature.flag.{i}=true\\nlogging.level=INFO\\ncache.size={i % 1000}\\n\",\"LOG_FORMAT\":\"json\"}}}}";

    private static string Secret(string ns, string name, string uid, int i) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"") +
        $",\"data\":{{\"password\":\"{Convert.ToBase64String(BitConverter.GetBytes(i * 7919L))}ZmFrZQ==\",\"username\":\"YXBw\"}},\"type\":\"Opaque\"}}";

    private static string Service(string ns, string name, string uid, int i) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"") +
        $",\"spec\":{{\"clusterIP\":\"10.96.{i % 250}.{i % 200}\",\"clusterIPs\":[\"10.96.{i % 250}.{i % 200}\"],\"internalTrafficPolicy\":\"Cluster\",\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\",\"ports\":[{{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\",\"targetPort\":8080}}],\"selector\":{{\"app\":\"app-{i}\"}},\"sessionAffinity\":\"None\",\"type\":\"ClusterIP\"}},\"status\":{{\"loadBalancer\":{{}}}}}}";

    private static string Deployment(string ns, string name, string uid, int i) =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"," + Meta(ns, name, uid, i, $"\"app\":\"app-{i}\"") +
        $",\"spec\":{{\"progressDeadlineSeconds\":600,\"replicas\":{1 + (i % 3)},\"revisionHistoryLimit\":10,\"selector\":{{\"matchLabels\":{{\"app\":\"app-{i}\"}}}},\"strategy\":{{\"rollingUpdate\":{{\"maxSurge\":\"25%\",\"maxUnavailable\":\"25%\"}},\"type\":\"RollingUpdate\"}},\"template\":{{\"metadata\":{{\"labels\":{{\"app\":\"app-{i}\"}}}},\"spec\":{{\"containers\":[{{\"env\":[{{\"name\":\"INSTANCE\",\"value\":\"{i}\"}}],\"image\":\"registry.example.com/team/app:{i % 50}.0.1\",\"imagePullPolicy\":\"IfNotPresent\",\"name\":\"app\",\"ports\":[{{\"containerPort\":8080,\"protocol\":\"TCP\"}}],\"resources\":{{\"limits\":{{\"cpu\":\"500m\",\"memory\":\"256Mi\"}},\"requests\":{{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}}}}}],\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\",\"terminationGracePeriodSeconds\":30}}}}}}" +
        $",\"status\":{{\"availableReplicas\":{1 + (i % 3)},\"conditions\":[{{\"lastTransitionTime\":\"2025-01-01T00:00:10Z\",\"lastUpdateTime\":\"2025-01-01T00:00:10Z\",\"message\":\"Deployment has minimum availability.\",\"reason\":\"MinimumReplicasAvailable\",\"status\":\"True\",\"type\":\"Available\"}}],\"observedGeneration\":1,\"readyReplicas\":{1 + (i % 3)},\"replicas\":{1 + (i % 3)},\"updatedReplicas\":{1 + (i % 3)}}}}}";
}

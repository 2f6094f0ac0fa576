using System.Collections.Generic;
using System.Text;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Xunit;

namespace Restore.Engine.Tests.Planning;

public class ResourceCatalogTests
{
    private static readonly StaticResourceCatalog Catalog = StaticResourceCatalog.CreateDefault();

    [Theory] // docs/velero-compatibility.md#filters-resources: short names, singulars, kinds and resource.group resolve
    [InlineData("po", "pods")]
    [InlineData("pod", "pods")]
    [InlineData("Pod", "pods")]
    [InlineData("PODS", "pods")]
    [InlineData("svc", "services")]
    [InlineData("cm", "configmaps")]
    [InlineData("ns", "namespaces")]
    [InlineData("pv", "persistentvolumes")]
    [InlineData("pvc", "persistentvolumeclaims")]
    [InlineData("sa", "serviceaccounts")]
    [InlineData("ep", "endpoints")]
    [InlineData("limits", "limitranges")]
    [InlineData("quota", "resourcequotas")]
    [InlineData("deploy", "deployments.apps")]
    [InlineData("deployments.apps", "deployments.apps")]
    [InlineData("deployment.apps", "deployments.apps")]
    [InlineData("ds", "daemonsets.apps")]
    [InlineData("sts", "statefulsets.apps")]
    [InlineData("rs", "replicasets.apps")]
    [InlineData("cj", "cronjobs.batch")]
    [InlineData("jobs", "jobs.batch")]
    [InlineData("ing", "ingresses.networking.k8s.io")]
    [InlineData("netpol", "networkpolicies.networking.k8s.io")]
    [InlineData("pc", "priorityclasses.scheduling.k8s.io")]
    [InlineData("sc", "storageclasses.storage.k8s.io")]
    [InlineData("storageclasses", "storageclasses.storage.k8s.io")]
    [InlineData("crd", "customresourcedefinitions.apiextensions.k8s.io")]
    [InlineData("customresourcedefinitions", "customresourcedefinitions.apiextensions.k8s.io")]
    [InlineData("hpa", "horizontalpodautoscalers.autoscaling")]
    [InlineData("clusterroles", "clusterroles.rbac.authorization.k8s.io")]
    [InlineData("rolebindings", "rolebindings.rbac.authorization.k8s.io")]
    [InlineData("pdb", "poddisruptionbudgets.policy")]
    [InlineData("leases", "leases.coordination.k8s.io")]
    [InlineData("endpointslices", "endpointslices.discovery.k8s.io")]
    [InlineData("apiservices", "apiservices.apiregistration.k8s.io")]
    [InlineData("csr", "certificatesigningrequests.certificates.k8s.io")]
    [InlineData("runtimeclasses", "runtimeclasses.node.k8s.io")]
    [InlineData("mutatingwebhookconfigurations", "mutatingwebhookconfigurations.admissionregistration.k8s.io")]
    [InlineData("volumesnapshotclass.snapshot.storage.k8s.io", "volumesnapshotclasses.snapshot.storage.k8s.io")] // docs/velero-compatibility.md#default-priorities
    [InlineData("vs", "volumesnapshots.snapshot.storage.k8s.io")]
    [InlineData("datauploads.velero.io", "datauploads.velero.io")]
    [InlineData("backups", "backups.velero.io")]
    [InlineData("events", "events")] // the core group wins over events.k8s.io
    [InlineData("events.events.k8s.io", "events.events.k8s.io")]
    public void Resolves_names_like_discovery(string name, string groupResource)
    {
        Assert.Equal(groupResource, Catalog.Resolve(name)?.GroupResource);
    }

    [Theory]
    [InlineData("widgets")]
    [InlineData("*.apps")]
    [InlineData("pods.example.com")]
    [InlineData("")]
    [InlineData(".apps")]
    public void Unknown_names_do_not_resolve(string name) => Assert.Null(Catalog.Resolve(name));

    [Fact]
    public void Scope_kind_and_versions_are_known()
    {
        Assert.False(Catalog.FindByGroupResource("persistentvolumes")!.Namespaced);
        Assert.True(Catalog.FindByGroupResource("deployments.apps")!.Namespaced);
        Assert.Equal(new[] { "v2", "v1" }, Catalog.GetServedVersions("autoscaling"));
        Assert.Equal("v2", Catalog.FindByGroupResource("horizontalpodautoscalers.autoscaling")!.Version);
        Assert.Equal("v1", Catalog.FindByKind("autoscaling/v1", "HorizontalPodAutoscaler")!.Version);
        Assert.Null(Catalog.FindByKind("autoscaling/v2beta2", "HorizontalPodAutoscaler"));
        Assert.Equal("pods", Catalog.FindByKind("v1", "Pod")!.GroupResource);
        Assert.Null(Catalog.FindByKind("extensions/v1beta1", "Ingress"));
        Assert.Empty(Catalog.GetServedVersions("example.com"));
    }

    [Fact]
    public void Backup_crds_join_the_catalog_and_replace_built_ins()
    {
        var b = new TestBackup()
            .Add("customresourcedefinitions.apiextensions.k8s.io", K8s.Crd("example.com", "widgets", "Widget", "Namespaced", "v1", "v2beta1", "v1alpha1"))
            .Add("customresourcedefinitions.apiextensions.k8s.io", K8s.Crd("example.com", "gadgets", "Gadget", "Cluster", "v1"))
            .Add("customresourcedefinitions.apiextensions.k8s.io", K8s.Crd("snapshot.storage.k8s.io", "volumesnapshots", "VolumeSnapshot", "Namespaced", "v1", "v1beta1"))
            .AddRaw("resources/customresourcedefinitions.apiextensions.k8s.io/cluster/broken.json", "{not json");
        var log = new ListLog();
        var catalog = BackupResourceCatalog.Create(b.Contents, log);
        var widget = catalog.Resolve("wi")!;
        Assert.Equal("widgets.example.com", widget.GroupResource);
        Assert.Equal("v1", widget.Version);
        Assert.True(widget.Namespaced);
        Assert.Equal("widgets.example.com", catalog.Resolve("Widget")!.GroupResource);
        Assert.Equal("widgets.example.com", catalog.Resolve("widget.example.com")!.GroupResource);
        Assert.False(catalog.FindByGroupResource("gadgets.example.com")!.Namespaced);
        Assert.Equal(new[] { "v1", "v2beta1", "v1alpha1" }, catalog.GetServedVersions("example.com"));
        Assert.NotNull(catalog.FindByKind("example.com/v1alpha1", "Widget"));
        Assert.Equal(new[] { "v1", "v1beta1" }, catalog.GetServedVersions("snapshot.storage.k8s.io"));
        Assert.Single(catalog.Resources, r => r.GroupResource == "volumesnapshots.snapshot.storage.k8s.io");
        Assert.Contains(log.Entries, e => e.Contains("broken"));
    }

    [Fact]
    public void Layered_catalog_asks_the_primary_first()
    {
        var b = new TestBackup().Add("customresourcedefinitions.apiextensions.k8s.io", K8s.Crd("example.com", "widgets", "Widget"));
        var live = StaticResourceCatalog.CreateDefault();
        var layered = new LayeredResourceCatalog(live, BackupResourceCatalog.Create(b.Contents));
        Assert.Equal("widgets.example.com", layered.Resolve("widgets")!.GroupResource);
        Assert.Equal("pods", layered.Resolve("po")!.GroupResource);
        Assert.Equal(new[] { "v1" }, layered.GetServedVersions("example.com"));
        Assert.Equal(live.Resources.Count + 1, layered.Resources.Count);
    }
}

internal sealed class ListLog : Restore.Engine.Common.IEngineLog
{
    public List<string> Entries { get; } = new();

    public void Write(Restore.Engine.Common.EngineLogEntry entry)
    {
        lock (Entries)
        {
            Entries.Add(entry.Level + ": " + entry.Message);
        }
    }
}

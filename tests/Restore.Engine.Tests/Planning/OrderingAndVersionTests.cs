using System;
using System.Linq;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

public class OrderingAndVersionTests
{
    [Fact]
    public void Default_priorities_are_velero_code_list()
    {
        var p = ResourcePriorities.Default;
        Assert.Equal(23, p.High.Count);
        Assert.Equal("customresourcedefinitions", p.High[0]);
        Assert.Equal("volumesnapshotclass.snapshot.storage.k8s.io", p.High[3]);
        Assert.Equal("services", p.High[22]);
        Assert.Equal(new[] { "clusterbootstraps.run.tanzu.vmware.com", "clusters.cluster.x-k8s.io", "clusterresourcesets.addons.cluster.x-k8s.io", "apps.kappctrl.k14s.io", "packageinstalls.packaging.carvel.dev" }, p.Low);
    }

    [Fact]
    public void Order_keeps_raw_string_duplicates_and_sorts_the_middle() // docs/velero-compatibility.md#resource-order
    {
        var order = ResourcePriorities.Default.OrderFor(new[] { "statefulsets.apps", "pods", "storageclasses.storage.k8s.io", "cronjobs.batch", "ingresses.networking.k8s.io", "deployments.apps", "daemonsets.apps" });
        var middle = order.Where(o => o.Group == PriorityGroup.Default).Select(o => o.Entry).ToList();
        Assert.Equal(new[] { "cronjobs.batch", "daemonsets.apps", "deployments.apps", "ingresses.networking.k8s.io", "statefulsets.apps", "storageclasses.storage.k8s.io" }, middle);
        Assert.DoesNotContain(order, o => o.Entry == "pods" && o.Group == PriorityGroup.Default);
        Assert.Equal(23 + 6 + 5, order.Count);
    }

    [Theory]
    [InlineData("a,b", "a,b", "clusterbootstraps.run.tanzu.vmware.com")]
    [InlineData("a,-,z", "a", "z")]
    [InlineData("-,z", "", "z")]
    [InlineData("a,-", "a", "")]
    public void Custom_priorities_replace_the_high_list(string custom, string high, string firstLow)
    {
        var p = ResourcePriorities.FromRestoreSpec(custom.Split(','));
        Assert.Equal(high.Length == 0 ? Array.Empty<string>() : high.Split(','), p.High);
        Assert.Equal(firstLow, p.Low.FirstOrDefault() ?? string.Empty);
    }

    [Fact]
    public void Two_separators_are_rejected()
    {
        var ex = Assert.Throws<FormatException>(() => ResourcePriorities.Parse(new[] { "a", "-", "b", "-" }));
        Assert.Equal("multiple priority separator \"-\" found", ex.Message);
    }

    [Theory]
    [InlineData("v2", "v1", 1)]
    [InlineData("v1", "v1beta2", 1)]
    [InlineData("v1beta2", "v1beta1", 1)]
    [InlineData("v1beta1", "v1alpha1", 1)]
    [InlineData("v10", "v2", 1)]
    [InlineData("v1", "v11beta2", 1)]
    [InlineData("v11beta2", "v10beta3", 1)]
    [InlineData("v3beta1", "v12alpha1", 1)]
    [InlineData("v11alpha2", "foo1", 1)]
    [InlineData("foo1", "foo10", 1)]
    [InlineData("v1", "v1", 0)]
    public void Kube_version_priority(string higher, string lower, int sign)
    {
        Assert.Equal(sign, Math.Sign(KubeVersion.Compare(higher, lower)));
        Assert.Equal(-sign, Math.Sign(KubeVersion.Compare(lower, higher)));
    }

    [Fact]
    public void Kube_version_sort_matches_the_documented_example()
    {
        var sorted = KubeVersion.Sort(new[] { "foo10", "v1", "v10beta3", "v2", "v12alpha1", "v11beta2", "foo1", "v3beta1", "v10", "v11alpha2" });
        Assert.Equal(new[] { "v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "foo1", "foo10" }, sorted);
    }

    [Theory]
    // group, source preferred, source versions, target served (preferred first), user, expected version, expected dir, rule
    [InlineData("v1", "v1,v2beta1", "v2,v1", "", "v1", "v1-preferredversion", 2)]
    [InlineData("v1", "v1,v2", "v2,v1", "", "v2", "v2", 1)]
    [InlineData("v2", "v2,v1", "v2,v1", "", "v2", "v2-preferredversion", 1)]
    [InlineData("v2", "v2,v1beta1", "v1,v1beta1", "", "v1beta1", "v1beta1", 3)]
    [InlineData("v2", "v2", "v1", "", "v2", "v2-preferredversion", 4)]
    [InlineData("v2", "v2,v1", "v2,v1", "v1", "v1", "v1", 0)]
    [InlineData("v2", "v2,v1", "v2,v1", "v9,v2", "v2", "v2-preferredversion", 0)]
    [InlineData("v2", "v2,v1", "v2", "v1", "v2", "v2-preferredversion", 1)] // user version not served: ignored
    [InlineData("v2", "v2,v1", "", "", "v2", "v2-preferredversion", -1)] // group not served at all
    public void Api_group_version_rules(string sourcePreferred, string source, string target, string user, string version, string dir, int rule)
    {
        static string[] L(string s) => s.Length == 0 ? Array.Empty<string>() : s.Split(',');
        var chosen = ApiGroupVersionChooser.Choose("example.com", sourcePreferred, KubeVersion.Sort(L(source)), L(target), user.Length == 0 ? null : L(user));
        Assert.Equal(version, chosen.Version);
        Assert.Equal(dir, chosen.Directory);
        Assert.Equal(rule, chosen.Rule);
    }

    [Theory]
    [InlineData("1.1.0", true)]
    [InlineData("1.2.0", true)]
    [InlineData("1.0.0", false)] // docs/velero-compatibility.md#api-group-versions
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Version_choice_needs_format_1_1_0(string? format, bool applies) => Assert.Equal(applies, ApiGroupVersionChooser.AppliesTo(format));

    [Fact]
    public void User_priorities_parse_like_velero()
    {
        var map = ApiGroupVersionChooser.ParseUserPriorities("rockbands.music.example.io = v2beta1, v2beta2\nbad line\n=v1\nx=\na=b=c\nhpa.autoscaling=v1\n");
        Assert.Equal(new[] { "rockbands.music.example.io", "hpa.autoscaling" }, map.Keys);
        Assert.Equal(new[] { "v2beta1", "v2beta2" }, map["rockbands.music.example.io"]);
    }

    [Theory] // docs/velero-compatibility.md#restore-labels
    [InlineData("short", "short")]
    [InlineData("a-name-of-exactly-sixty-three-characters-xxxxxxxxxxxxxxxxxxxxxx", "a-name-of-exactly-sixty-three-characters-xxxxxxxxxxxxxxxxxxxxxx")]
    public void Short_label_values_are_kept(string value, string expected) => Assert.Equal(expected, RestoreLabels.GetValidName(value));

    [Fact]
    public void Long_label_values_get_57_characters_and_a_sha256_prefix()
    {
        var name = new string('b', 70);
        var valid = RestoreLabels.GetValidName(name);
        Assert.Equal(63, valid.Length);
        Assert.StartsWith(new string('b', 57), valid);
        using var sha = System.Security.Cryptography.SHA256.Create();
        var hex = Convert.ToHexString(sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(name))).ToLowerInvariant();
        Assert.Equal(hex.Substring(0, 6), valid.Substring(57));
    }
}

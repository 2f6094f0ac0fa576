using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Restore.Engine.Actions;
using Restore.Engine.Archive;
using Restore.Engine.Planning;
using Restore.Engine.Velero;
using Xunit;

namespace Restore.Engine.Tests.Planning;

/// <summary>
/// Items planned from their bytes (no object tree) must give exactly the plan the tree path gives: each case is planned
/// both ways and every item compared, object bytes included.
/// </summary>
public class PlainItemTests
{
    private const string Reset = "\"uid\":\"u-1\",\"resourceVersion\":\"42\",\"creationTimestamp\":\"2024-05-01T10:00:00Z\",\"generation\":3,\"selfLink\":\"/x\",\"managedFields\":[{\"manager\":\"kubectl\",\"fieldsV1\":{\"f:data\":{}}}]";

    public static IEnumerable<object[]> Cases() => new[]
    {
        Case("typical", Cm("shop", "a", "\"labels\":{\"app\":\"web\"},\"annotations\":{\"note\":\"x\"}", "\"data\":{\"k\":\"v\"}")),
        Case("escapes and non-ASCII", Cm("shop", "b", "\"labels\":{\"t\\u00e9am\":\"caf\\u00e9\"}", "\"data\":{\"k\\u00e9y\":\"a\\\"b\\\\c\\nd\\u003c/\\/ \u00fc \ud83d\ude00 \\ud83d\\ude00\",\"html\":\"<b>&amp;</b>\"}")),
        Case("numbers as written", Cm("shop", "c", string.Empty, "\"binaryData\":null,\"n\":[1.0,1e3,-0,12345678901234567890,0.10,true,false,null]")),
        Case("labels absent, null or not an object", Cm("shop", "d1", string.Empty, "\"data\":{}"), Cm("shop", "d2", "\"labels\":null", "\"data\":{}"), Cm("shop", "d3", "\"labels\":\"x\"", "\"data\":{}")),
        Case("restore labels already there", Cm("shop", "e", "\"labels\":{\"velero.io/restore-name\":\"old\",\"a\":\"1\",\"velero.io/backup-name\":\"old\"}", "\"data\":{}")),
        Case("namespace missing or different", Raw("configmaps", "shop", "f1", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"f1\"," + Reset + "}}"), Raw("configmaps", "shop", "f2", "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"namespace\":\"other\",\"name\":\"f2\"}}")),
        Case("status dropped; restore-status annotation left to the tree", Cm("shop", "g1", string.Empty, "\"status\":{\"x\":1}"), Cm("shop", "g2", "\"annotations\":{\"velero.io/restore-status\":\"true\"}", "\"status\":{\"x\":1}")),
        Case("secrets: ordinary and token", Secret("shop", "s1", "Opaque"), Secret("shop", "builder-token-abcde", "kubernetes.io/service-account-token")),
        Case("duplicate keys nested, and at the top", Cm("shop", "h1", string.Empty, "\"data\":{\"k\":\"1\",\"k\":\"2\"}"), Raw("configmaps", "shop", "h2", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"h2\",\"namespace\":\"shop\"},\"data\":{},\"data\":{}}")),
        Case("odd shapes left to the tree", Raw("configmaps", "shop", "i1", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":[]}"), Raw("configmaps", "shop", "i2", "{\"apiVersion\":1,\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"i2\",\"namespace\":\"shop\"}}"), Raw("configmaps", "shop", "i3", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"i3\",\"namespace\":\"shop\"}}")),
        Case("cluster-scoped", Raw("clusterroles.rbac.authorization.k8s.io", string.Empty, "reader", "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"reader\"," + Reset + "},\"rules\":[{\"verbs\":[\"get\"]}]}")),
        Case("same object twice", Cm("shop", "j", string.Empty, "\"data\":{}"), Raw("configmaps", "shop", "j-copy", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"j\",\"namespace\":\"shop\"}}")),
        Case("next to tree items", Cm("shop", "k", string.Empty, "\"data\":{}"), Raw("services", "shop", "web", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"port\":80}]}}")),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PlainItemsArePlannedExactlyAsTheTreePathPlansThem(string name, (string Gr, string Ns, string Name, string Json)[] items)
    {
        foreach (var mapping in new[] { false, true })
        {
            var tree = Plan(items, rewrite: false, mapping, out var treeError);
            var plain = Plan(items, rewrite: true, mapping, out var plainError);

            Assert.Equal(treeError, plainError);
            if (tree is null || plain is null)
            {
                continue;
            }

            Assert.Equal(0, tree.PlainItems);
            Assert.Equal(tree.Items.Count, plain.Items.Count);
            for (var i = 0; i < tree.Items.Count; i++)
            {
                Assert.Equal(Describe(tree.Items[i]), Describe(plain.Items[i]));
            }

            Assert.Equal(string.Join("\n", tree.Results.Warnings.All()), string.Join("\n", plain.Results.Warnings.All()));
            Assert.Equal(string.Join("\n", tree.Results.Errors.All()), string.Join("\n", plain.Results.Errors.All()));
            Assert.Equal((tree.Summary.ToCreate, tree.Summary.Skipped, tree.Summary.Failed, tree.Summary.Excluded), (plain.Summary.ToCreate, plain.Summary.Skipped, plain.Summary.Failed, plain.Summary.Excluded));
            _ = name;
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void RandomItemsArePlannedExactlyAsTheTreePathPlansThem(int seed)
    {
        var random = new Random(seed);
        var items = Enumerable.Range(0, 150).Select(i => RandomItem(random, i)).ToArray();

        PlainItemsArePlannedExactlyAsTheTreePathPlansThem("random " + seed, items);
        Assert.True(Plan(items, rewrite: true, mapping: false, out _)!.PlainItems > 50, "too few random items took the plain path to compare");
    }

    [Fact]
    public void TheCasesReallyTakeThePlainPath()
    {
        var all = Cases().SelectMany(c => ((string, string, string, string)[])c[1]).ToArray();
        var plan = Plan(all, rewrite: true, mapping: false, out var error);

        Assert.Null(error);
        var plainMaterial = new[] { "a", "b", "c", "d1", "d2", "d3", "e", "f1", "g1", "s1", "h1", "reader", "k" };
        Assert.True(plan!.PlainItems >= plainMaterial.Length, $"only {plan.PlainItems} items took the plain path");
        Assert.Equal("velero.io/secret", Assert.Single(plan.Items.Single(i => i.Name == "s1").Actions));
    }

    private static object[] Case(string name, params (string, string, string, string)[] items) => new object[] { name, items };

    /// <summary>A ConfigMap or Secret with shuffled keys, odd metadata shapes, escapes, numbers and the odd duplicate.</summary>
    private static (string, string, string, string) RandomItem(Random random, int index)
    {
        string Pick(params string[] options) => options[random.Next(options.Length)];
        string Text() => Pick("\"plain\"", "\"caf\\u00e9\"", "\"caf\u00e9\"", "\"q\\\"uote\"", "\"line\\nbreak\"", "\"<tag>&amp;\"", "\"\\u2028\"", "\"\ud83d\ude00\"", "\"\\/slash\"", "\"\"");
        string Scalar() => Pick(Text(), Text(), "0", "-1", "1.50", "2e10", "12345678901234567890", "true", "false", "null");
        string Value(int depth) => depth > 2 || random.Next(3) > 0 ? Scalar() : random.Next(2) == 0
            ? "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(k => "\"k" + random.Next(4) + "\":" + Value(depth + 1))) + "}"
            : "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth + 1))) + "]";
        string Map(params string[] keys) => "{" + string.Join(",", keys.Where(_ => random.Next(3) > 0).Select(k => "\"" + k + "\":" + Text())) + "}";

        var secret = random.Next(3) == 0;
        var ns = Pick("shop", "shop", "shop", "other");
        var name = "r" + index;
        var metadata = new List<string> { "\"name\":\"" + name + "\"" };
        if (random.Next(4) > 0)
        {
            metadata.Add("\"namespace\":\"" + ns + "\"");
        }

        foreach (var reset in new[] { "\"uid\":\"u\"", "\"resourceVersion\":\"7\"", "\"creationTimestamp\":null", "\"generation\":2", "\"managedFields\":[{\"manager\":\"m\"}]", "\"generateName\":\"g-\"", "\"finalizers\":[\"f\"]" })
        {
            if (random.Next(2) == 0)
            {
                metadata.Add(reset);
            }
        }

        metadata.Add("\"labels\":" + Pick(Map("app", "velero.io/backup-name", "velero.io/restore-name", "t\u00e9am"), "null", "\"x\"", "{}", Map("app")));
        if (random.Next(2) == 0)
        {
            metadata.Add("\"annotations\":" + (random.Next(10) == 0 ? "{\"velero.io/restore-status\":\"true\"}" : Map("note", "kubernetes.io/service-account.uid", "k\\u00e9y")));
        }

        var top = new List<string>
        {
            "\"apiVersion\":\"v1\"",
            "\"kind\":\"" + (secret ? "Secret" : "ConfigMap") + "\"",
            "\"metadata\":{" + string.Join(",", metadata.OrderBy(_ => random.Next())) + "}",
            "\"data\":" + (random.Next(8) == 0 ? "{\"d\":1,\"d\":2}" : Value(0)),
        };
        if (random.Next(3) == 0)
        {
            top.Add("\"status\":" + Value(0));
        }

        if (secret && random.Next(2) == 0)
        {
            top.Add("\"type\":" + Pick("\"Opaque\"", "\"kubernetes.io/service-account-token\"", "\"kubernetes.io/tls\""));
        }

        if (random.Next(4) == 0)
        {
            top.Add("\"extra\":" + Value(0));
        }

        return Raw(secret ? "secrets" : "configmaps", "shop", name, "{" + string.Join(",", top.OrderBy(_ => random.Next())) + "}");
    }

    private static (string, string, string, string) Cm(string ns, string name, string extraMetadata, string rest) =>
        Raw("configmaps", ns, name, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"," + Reset + (extraMetadata.Length > 0 ? "," + extraMetadata : string.Empty) + "}" + (rest.Length > 0 ? "," + rest : string.Empty) + "}");

    private static (string, string, string, string) Secret(string ns, string name, string type) =>
        Raw("secrets", ns, name, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"annotations\":{\"kubernetes.io/service-account.uid\":\"u\"}," + Reset + "},\"type\":\"" + type + "\",\"data\":{\"token\":\"dA==\",\"ca.crt\":\"Yw==\",\"other\":\"bw==\"}}");

    private static (string, string, string, string) Raw(string gr, string ns, string name, string json) => (gr, ns, name, json);

    private static RestorePlan? Plan((string Gr, string Ns, string Name, string Json)[] items, bool rewrite, bool mapping, out string? error)
    {
        var contents = new BackupContents();
        contents.Add("metadata/version", Encoding.UTF8.GetBytes("1.1.0\n"));
        foreach (var (gr, ns, name, json) in items)
        {
            contents.Add(BackupContents.ItemPath(gr, ns, name), Encoding.UTF8.GetBytes(json));
        }

        var spec = new RestoreSpec { BackupName = "b1" };
        if (mapping)
        {
            spec.NamespaceMapping = new Dictionary<string, string> { ["shop"] = "prod" };
        }

        var request = new RestorePlanRequest(contents, spec, BackupResourceCatalog.Create(contents))
        {
            RestoreName = "r1",
            Actions = RestoreItemActionRegistry.Default,
            BackupFormatVersion = "1.1.0",
            RetainObjects = true,
            RewritePlainItems = rewrite,
        };
        try
        {
            error = null;
            return new RestorePlanner().Plan(request, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            error = ex.GetType().Name + ": " + ex.Message;
            return null;
        }
    }

    private static string Describe(PlannedItem i) => string.Join(
        "\n",
        i.Order, i.Decision, i.Reason, i.GroupResource, i.TargetGroupResource, i.ApiVersion, i.Kind, i.SourceNamespace, i.Name,
        i.TargetNamespace, i.TargetName, i.ResourceListAction, i.TierIndex, i.TierName, i.Path, i.IsNamespace, i.RestoreStatus,
        i.WaitForEstablished, string.Join(",", i.Actions), string.Join(",", i.Warnings), string.Join(",", i.Errors), string.Join(",", i.Notes),
        i.ObjectJson, i.StatusUtf8 is null ? null : Encoding.UTF8.GetString(i.StatusUtf8), i.ObjectApiVersion, i.ObjectKind);
}

using System;
using System.Diagnostics;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

/// <summary>
/// kubectl holds the server honest: the commands below print what they print against a real cluster
/// (messages are kubectl's own rendering of the Status bodies a real API server returns).
/// </summary>
public class KubectlTests : IClassFixture<ApiServerFixture>, IDisposable
{
    private readonly ApiServerFixture fixture;
    private readonly KubectlRunner kubectl;

    public KubectlTests(ApiServerFixture fixture)
    {
        this.fixture = fixture;
        kubectl = new KubectlRunner(fixture.Server);
    }

    private TestApiServer.TestApiServer Server => fixture.Server;

    public void Dispose()
    {
        Server.Knobs.Reset();
        kubectl.Dispose();
    }

    [KubectlFact]
    public async Task CreateTwiceIsAlreadyExists()
    {
        var file = kubectl.Manifest("cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app-config
            data:
              mode: fast
            """);

        var first = await kubectl.RunAsync("create", "-f", file);
        Assert.Equal(new KubectlResult(0, "configmap/app-config created\n", string.Empty), first);

        var second = await kubectl.RunAsync("create", "-f", file);
        Assert.Equal(1, second.ExitCode);
        Assert.Equal($"Error from server (AlreadyExists): error when creating \"{file}\": configmaps \"app-config\" already exists\n", second.Stderr);
    }

    [KubectlFact]
    public async Task GetJsonReturnsTheStoredObjectAndMissingIsNotFound()
    {
        Server.Store.Create("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shown","namespace":"default","labels":{"app":"web"}},"data":{"k":"v"}}""");
        var result = await kubectl.RunAsync("get", "configmap", "shown", "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var obj = JsonNode.Parse(result.Stdout)!;
        var stored = Server.Store.Get("configmaps", "default", "shown")!;
        Assert.Equal("ConfigMap", obj["kind"]!.ToString());
        Assert.Equal("v", obj["data"]!["k"]!.ToString());
        Assert.Equal(stored["metadata"]!["uid"]!.ToString(), obj["metadata"]!["uid"]!.ToString());
        Assert.Equal(stored["metadata"]!["resourceVersion"]!.ToString(), obj["metadata"]!["resourceVersion"]!.ToString());
        Assert.NotNull(obj["metadata"]!["creationTimestamp"]);

        var missing = await kubectl.RunAsync("get", "configmap", "missing");
        Assert.Equal(new KubectlResult(1, string.Empty, "Error from server (NotFound): configmaps \"missing\" not found\n"), missing);

        var deployment = await kubectl.RunAsync("get", "deployment", "missing", "-n", "kube-system");
        Assert.Equal("Error from server (NotFound): deployments.apps \"missing\" not found\n", deployment.Stderr);
    }

    [KubectlFact]
    public async Task ApplyCreatesThenIsUnchangedThenConfigured()
    {
        const string manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.25
                    ports:
                    - containerPort: 80
            """;
        var file = kubectl.Manifest("deploy.yaml", manifest);
        Assert.Equal(new KubectlResult(0, "deployment.apps/web created\n", string.Empty), await kubectl.RunAsync("apply", "-f", file));
        Assert.Equal(new KubectlResult(0, "deployment.apps/web unchanged\n", string.Empty), await kubectl.RunAsync("apply", "-f", file));

        kubectl.Manifest("deploy.yaml", manifest.Replace("nginx:1.25", "nginx:1.26", StringComparison.Ordinal));
        Assert.Equal(new KubectlResult(0, "deployment.apps/web configured\n", string.Empty), await kubectl.RunAsync("apply", "-f", file));

        var stored = Server.Store.Get("deployments.apps", "default", "web")!;
        Assert.Equal("nginx:1.26", stored["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.ToString());
        Assert.Equal(2, stored["metadata"]!["generation"]!.GetValue<long>());
        Assert.Contains("nginx:1.26", stored["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.ToString());
        Assert.Contains(Server.Journal.Entries, e => e.Verb == "patch" && e.Resource == "deployments.apps" && e.Query.Contains("fieldValidation=Strict", StringComparison.Ordinal));
    }

    [KubectlFact]
    public async Task PatchMergeJsonAndStrategic()
    {
        Server.Store.Create("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"patched","namespace":"default"},"data":{"a":"1"}}""");
        Assert.Equal(new KubectlResult(0, "configmap/patched patched\n", string.Empty), await kubectl.RunAsync("patch", "configmap", "patched", "--type", "merge", "-p", """{"data":{"b":"2"}}"""));
        Assert.Equal(new KubectlResult(0, "configmap/patched patched (no change)\n", string.Empty), await kubectl.RunAsync("patch", "configmap", "patched", "--type", "merge", "-p", """{"data":{"b":"2"}}"""));
        Assert.Equal(new KubectlResult(0, "configmap/patched patched\n", string.Empty), await kubectl.RunAsync("patch", "configmap", "patched", "--type", "json", "-p", """[{"op":"remove","path":"/data/a"}]"""));
        Assert.Equal("""{"b":"2"}""", Server.Store.Get("configmaps", "default", "patched")!["data"]!.ToJsonString());

        var failed = await kubectl.RunAsync("patch", "configmap", "patched", "--type", "json", "-p", """[{"op":"test","path":"/data/b","value":"9"}]""");
        Assert.Equal(new KubectlResult(1, string.Empty, "The request is invalid: the server rejected our request due to an error in our request\n"), failed);

        Server.Store.Create(StorageSemanticsTests.Deployment("two", "default", "app:1").Replace("""}]}}}}""", """},{"name":"sidecar","image":"side:1"}]}}}}""", StringComparison.Ordinal));
        var strategic = await kubectl.RunAsync("patch", "deployment", "two", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"side:2"}]}}}}""");
        Assert.Equal(new KubectlResult(0, "deployment.apps/two patched\n", string.Empty), strategic);
        var containers = Server.Store.Get("deployments.apps", "default", "two")!["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(new[] { "two=app:1", "sidecar=side:2" }, containers.Select(c => $"{c!["name"]}={c["image"]}"));
    }

    [KubectlFact]
    public async Task DeleteThenDeleteAgainIsNotFound()
    {
        Server.Store.Create("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"doomed","namespace":"default"}}""");
        Assert.Equal(new KubectlResult(0, "configmap \"doomed\" deleted\n", string.Empty), await kubectl.RunAsync("delete", "configmap", "doomed"));
        Assert.Equal(new KubectlResult(1, string.Empty, "Error from server (NotFound): configmaps \"doomed\" not found\n"), await kubectl.RunAsync("delete", "configmap", "doomed"));
    }

    [KubectlFact]
    public async Task GetWithLabelSelectors()
    {
        Server.Store.EnsureNamespace("labels");
        foreach (var (name, labels) in new[] { ("web", """{"app":"web","tier":"front"}"""), ("db", """{"app":"db"}"""), ("bare", "{}") })
        {
            Server.Store.Create($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"labels","labels":{{{labels}}}}}""");
        }

        async Task<string> Names(string selector) => (await kubectl.RunAsync("get", "configmaps", "-n", "labels", "-l", selector, "-o", "name")).Stdout;

        Assert.Equal("configmap/web\n", await Names("app=web"));
        Assert.Equal("configmap/db\nconfigmap/web\n", await Names("app in (web,db)"));
        Assert.Equal("configmap/bare\nconfigmap/db\n", await Names("app notin (web)"));
        Assert.Equal("configmap/bare\n", await Names("!app"));
        Assert.Equal("configmap/bare\nconfigmap/db\n", await Names("app!=web"));
        Assert.Equal("configmap/web\n", await Names("app,tier=front"));
        var none = await kubectl.RunAsync("get", "configmaps", "-n", "labels", "-l", "app=nothing");
        Assert.Equal(new KubectlResult(0, string.Empty, "No resources found in labels namespace.\n"), none);
    }

    [KubectlFact]
    public async Task CrdCreateThenTheNewKindIsServed()
    {
        var crd = kubectl.Manifest("crd.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wg]}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """);
        var widget = kubectl.Manifest("widget.yaml", """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w1}
            spec: {size: 3}
            """);

        Assert.Equal(new KubectlResult(0, "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n", string.Empty), await kubectl.RunAsync("create", "-f", crd));
        Assert.Equal(new KubectlResult(0, "widget.example.com/w1 created\n", string.Empty), await kubectl.RunAsync("create", "-f", widget));
        Assert.Equal(new KubectlResult(0, "widget.example.com/w1\n", string.Empty), await kubectl.RunAsync("get", "wg", "-o", "name"));
        var json = await kubectl.RunAsync("get", "widgets", "w1", "-o", "json");
        Assert.Equal(3, JsonNode.Parse(json.Stdout)!["spec"]!["size"]!.GetValue<int>());
    }

    [KubectlFact]
    public async Task ApiResourcesListsBuiltInsLikeARealServer()
    {
        var result = await kubectl.RunAsync("api-resources");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        Assert.Matches(@"^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^configmaps\s+cm\s+v1\s+true\s+ConfigMap$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^deployments\s+deploy\s+apps/v1\s+true\s+Deployment$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io/v1\s+false\s+CustomResourceDefinition$"));
        Assert.DoesNotContain(lines, l => l.Contains("/status", StringComparison.Ordinal));

        var apps = await kubectl.RunAsync("api-resources", "--api-group=apps", "-o", "name");
        Assert.Equal("controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n", apps.Stdout);
    }

    [KubectlFact]
    public async Task AuthWhoamiShowsTheUserOfEachContext()
    {
        var token = await kubectl.RunAsync("auth", "whoami");
        Assert.Equal(new KubectlResult(0, "ATTRIBUTE   VALUE\nUsername    token-user\nGroups      [system:masters system:authenticated]\n", string.Empty), token);

        var cert = await kubectl.RunAsync("auth", "whoami", "--context", Server.ContextName(KubeconfigAuth.ClientCertificate));
        Assert.Equal(new KubectlResult(0, "ATTRIBUTE   VALUE\nUsername    cert-user\nGroups      [system:masters system:authenticated]\n", string.Empty), cert);
    }

    [KubectlFact]
    public async Task ForbiddenNamespaceMissingAndTerminatingErrors()
    {
        Server.Store.EnsureNamespace("locked");
        Server.Knobs.Forbid("secrets", verb: "create", @namespace: "locked");
        var secret = kubectl.Manifest("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: locked}\nstringData: {a: b}\n");
        var forbidden = await kubectl.RunAsync("create", "-f", secret);
        Assert.Equal(new KubectlResult(1, string.Empty, $"Error from server (Forbidden): error when creating \"{secret}\": secrets is forbidden: User \"token-user\" cannot create resource \"secrets\" in API group \"\" in the namespace \"locked\"\n"), forbidden);

        var orphan = kubectl.Manifest("orphan.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: nope}\n");
        Assert.Equal(new KubectlResult(1, string.Empty, $"Error from server (NotFound): error when creating \"{orphan}\": namespaces \"nope\" not found\n"), await kubectl.RunAsync("create", "-f", orphan));

        Server.Knobs.NamespaceTerminationDelay = TimeSpan.FromSeconds(30);
        Server.Store.EnsureNamespace("closing");
        Assert.Equal(new KubectlResult(0, "namespace \"closing\" deleted\n", string.Empty), await kubectl.RunAsync("delete", "namespace", "closing", "--wait=false"));
        var late = kubectl.Manifest("late.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: closing}\n");
        Assert.Equal(new KubectlResult(1, string.Empty, $"Error from server (Forbidden): error when creating \"{late}\": configmaps \"late\" is forbidden: unable to create new content in namespace closing because it is being terminated\n"), await kubectl.RunAsync("create", "-f", late));
    }

    [KubectlFact]
    public async Task DeleteNamespaceWaitsWhileItTerminates()
    {
        Server.Knobs.NamespaceTerminationDelay = TimeSpan.FromSeconds(1);
        Server.Store.EnsureNamespace("waited");
        var watch = Stopwatch.StartNew();
        var result = await kubectl.RunAsync("delete", "namespace", "waited", "--timeout=20s");
        Assert.Equal(new KubectlResult(0, "namespace \"waited\" deleted\n", string.Empty), result);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"kubectl returned after {watch.Elapsed}");
        Assert.Null(Server.Store.Get("namespaces", null, "waited"));

        // A watch enters the journal when it ends, which the server notices just after kubectl exits.
        var deadline = Stopwatch.StartNew();
        while (!Server.Journal.Entries.Any(e => e.Verb == "watch" && e.Resource == "namespaces") && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.Contains(Server.Journal.Entries, e => e.Verb == "watch" && e.Resource == "namespaces");
    }

    [KubectlFact]
    public async Task ServiceWithAllocatedNodePortIsInvalid()
    {
        var first = kubectl.Manifest("svc-a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: svc-a}\nspec:\n  type: NodePort\n  selector: {app: a}\n  ports: [{port: 80, nodePort: 30080}]\n");
        var second = kubectl.Manifest("svc-b.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: svc-b}\nspec:\n  type: NodePort\n  selector: {app: b}\n  ports: [{port: 80, nodePort: 30080}]\n");
        Assert.Equal(new KubectlResult(0, "service/svc-a created\n", string.Empty), await kubectl.RunAsync("create", "-f", first));
        Assert.Equal(new KubectlResult(1, string.Empty, "The Service \"svc-b\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n"), await kubectl.RunAsync("create", "-f", second));
    }

    [KubectlFact]
    public async Task WrongTokenIsUnauthorized()
    {
        var good = await System.IO.File.ReadAllTextAsync(kubectl.KubeconfigPath);
        await System.IO.File.WriteAllTextAsync(kubectl.KubeconfigPath, good.Replace(Server.Token, "not-the-token", StringComparison.Ordinal));
        var result = await kubectl.RunAsync("get", "configmaps");
        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("error: You must be logged in to the server (the server has asked for the client to provide credentials)\n", result.Stderr);
    }

    [KubectlFact]
    public async Task ImperativeCreatesSendProtobufAndWork()
    {
        Assert.Equal(new KubectlResult(0, "namespace/imperative created\n", string.Empty), await kubectl.RunAsync("create", "namespace", "imperative"));
        Assert.Equal(new KubectlResult(0, "configmap/settings created\n", string.Empty), await kubectl.RunAsync("create", "configmap", "settings", "-n", "imperative", "--from-literal=a=b"));
        Assert.Equal(new KubectlResult(0, "secret/login created\n", string.Empty), await kubectl.RunAsync("create", "secret", "generic", "login", "-n", "imperative", "--from-literal=password=hunter2"));
        Assert.Equal(new KubectlResult(0, "serviceaccount/robot created\n", string.Empty), await kubectl.RunAsync("create", "serviceaccount", "robot", "-n", "imperative"));

        Assert.Equal("imperative", Server.Store.Get("namespaces", null, "imperative")!["metadata"]!["labels"]!["kubernetes.io/metadata.name"]!.ToString());
        Assert.Equal("""{"a":"b"}""", Server.Store.Get("configmaps", "imperative", "settings")!["data"]!.ToJsonString());
        Assert.Equal("aHVudGVyMg==", Server.Store.Get("secrets", "imperative", "login")!["data"]!["password"]!.ToString());
        Assert.Contains(Server.Journal.Entries, e => e.Verb == "create" && e.Resource == "configmaps" && e.StatusCode == 201);

        Server.Knobs.Forbid("secrets", verb: "delete");
        Assert.Equal(new KubectlResult(1, "no\n", string.Empty), await kubectl.RunAsync("auth", "can-i", "delete", "secrets"));
        Assert.Equal(new KubectlResult(0, "yes\n", string.Empty), await kubectl.RunAsync("auth", "can-i", "create", "secrets"));
    }

    [KubectlFact]
    public async Task HumanOutputUsesServerSideTables()
    {
        var result = await kubectl.RunAsync("get", "namespace", "default");
        Assert.Matches(@"^NAME\s+STATUS\s+AGE\ndefault\s+Active\s+\d+[smhd]\n$", result.Stdout);
    }
}

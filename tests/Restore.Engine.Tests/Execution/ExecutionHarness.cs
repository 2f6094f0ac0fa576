using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestApiServer;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Execution;

/// <summary>Collects engine log entries (thread-safe).</summary>
internal sealed class CollectingLog : IEngineLog
{
    private readonly List<EngineLogEntry> entries = new();

    public IReadOnlyList<EngineLogEntry> Entries
    {
        get
        {
            lock (entries)
            {
                return entries.ToList();
            }
        }
    }

    public void Write(EngineLogEntry entry)
    {
        lock (entries)
        {
            entries.Add(entry);
        }
    }
}

/// <summary>
/// One end-to-end restore setup: a storage location (local folder unless an S3 one is given), test API servers with
/// a shared kubeconfig, and helpers to build backups, requests and engines.
/// </summary>
public sealed class ExecutionHarness : IAsyncDisposable
{
    private readonly List<TestApiServer.TestApiServer> servers = new();
    private readonly List<string> folders = new();

    private ExecutionHarness(TestStorage storage)
    {
        Storage = storage;
        Scratch = Path.Combine(Path.GetTempPath(), "restore-exec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Scratch);
        folders.Add(Scratch);
        KubeconfigPath = Path.Combine(Scratch, "kubeconfig");
    }

    public TestStorage Storage { get; }

    public string Scratch { get; }

    public string KubeconfigPath { get; }

    internal CollectingLog Log { get; } = new();

    public IReadOnlyList<TestApiServer.TestApiServer> Servers => servers;

    public TestApiServer.TestApiServer Server => servers[0];

    internal StorageLocation? Location { get; private set; }

    public static async Task<ExecutionHarness> CreateAsync(int servers = 1, Action<TestApiServerOptions>? configure = null, TestStorage? storage = null)
    {
        var harness = new ExecutionHarness(storage ?? await TestStorage.CreateAsync(TestStorage.Local, null));
        for (var i = 0; i < servers; i++)
        {
            var options = new TestApiServerOptions { ClusterName = "cluster" + i };
            configure?.Invoke(options);
            harness.servers.Add(await TestApiServer.TestApiServer.StartAsync(options));
        }

        if (servers > 0)
        {
            TestApiServer.TestApiServer.WriteKubeconfig(harness.KubeconfigPath, harness.servers);
        }

        return harness;
    }

    public string Context(int server = 0) => servers[server].ContextName(KubeconfigAuth.Token);

    public Task WriteBackupAsync(VeleroBackupBuilder backup) => Storage.WriteAsync(backup);

    internal RestoreEngine Engine(IObjectStore? recordStore = null, Action<RunTimingsView>? timings = null)
    {
        Location ??= Storage.Open();
        var engine = new RestoreEngine(Location, Log, recordStore);
        var view = new RunTimingsView(engine);
        view.Fast();
        timings?.Invoke(view);
        return engine;
    }

    internal RestoreRequest Request(string backup, string? name = null, params int[] serverIndexes)
    {
        var indexes = serverIndexes.Length == 0 ? new[] { 0 } : serverIndexes;
        return new RestoreRequest
        {
            Name = name,
            Spec = new RestoreSpec { BackupName = backup },
            KubeConfig = KubeconfigPath,
            Contexts = indexes.Select(Context).ToList(),
            ItemOperationTimeout = TimeSpan.FromSeconds(30),
            NamespaceTerminationTimeout = TimeSpan.FromSeconds(20),
        };
    }

    /// <summary>Creates objects on a server as a live cluster would have them (server-set metadata dropped first).</summary>
    public JsonObject Seed(JsonObject obj, int server = 0)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            meta.Remove("uid");
            meta.Remove("resourceVersion");
            meta.Remove("creationTimestamp");
        }

        return servers[server].Store.Seed(new[] { copy })[0];
    }

    public string NewFolder()
    {
        var folder = Path.Combine(Scratch, "out-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        return folder;
    }

    internal RestoreRecordStore Records() => new((Location ??= Storage.Open()).Store, Location.Layout);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }

        Location?.Dispose();
        Storage.Dispose();
        foreach (var folder in folders.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Shortens the engine's storage timings for tests.</summary>
public sealed class RunTimingsView
{
    private readonly RestoreEngine engine;

    public RunTimingsView(RestoreEngine engine) => this.engine = engine;

    public void Fast()
    {
        engine.Timings.FlushInterval = TimeSpan.FromMilliseconds(200);
        engine.Timings.HeartbeatInterval = TimeSpan.FromSeconds(1);
        engine.Timings.FinalWriteAttempts = 3;
        engine.Timings.FinalWriteRetryDelay = TimeSpan.FromMilliseconds(100);
        engine.Timings.WriteTimeout = TimeSpan.FromSeconds(10);
    }

    public void FinalRetries(int attempts, TimeSpan delay)
    {
        engine.Timings.FinalWriteAttempts = attempts;
        engine.Timings.FinalWriteRetryDelay = delay;
    }

    public void Fallback(string folder) => engine.Timings.FallbackRoot = folder;
}

/// <summary>Small Kubernetes objects for backups.</summary>
public static class K8s
{
    public static JsonObject Meta(string name, string? ns = null, params (string Key, string Value)[] labels)
    {
        var meta = new JsonObject
        {
            ["name"] = name,
            ["uid"] = Guid.NewGuid().ToString(),
            ["resourceVersion"] = "123",
            ["creationTimestamp"] = "2024-12-01T00:00:00Z",
        };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        if (labels.Length > 0)
        {
            meta["labels"] = new JsonObject(labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value)));
        }

        return meta;
    }

    public static JsonObject Namespace(string name, params (string Key, string Value)[] labels) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = Meta(name, null, labels),
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    public static JsonObject ConfigMap(string ns, string name, params (string Key, string Value)[] data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = Meta(name, ns, ("app", "web")),
        ["data"] = new JsonObject(data.Select(d => new KeyValuePair<string, JsonNode?>(d.Key, d.Value))),
    };

    public static JsonObject Secret(string ns, string name, string key, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = Meta(name, ns),
        ["type"] = "Opaque",
        ["data"] = new JsonObject { [key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value)) },
    };

    public static JsonObject ServiceAccount(string ns, string name, params string[] secrets) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ServiceAccount",
        ["metadata"] = Meta(name, ns),
        ["secrets"] = new JsonArray(secrets.Select(s => (JsonNode?)new JsonObject { ["name"] = s }).ToArray()),
    };

    public static JsonObject Deployment(string ns, string name, int replicas = 1) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = Meta(name, ns, ("app", name)),
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "nginx:1.27" }) },
            },
        },
        ["status"] = new JsonObject { ["replicas"] = replicas, ["readyReplicas"] = replicas },
    };

    public static VeleroBackupBuilder ConfigMaps(string backup, string ns, int count)
    {
        var builder = new VeleroBackupBuilder(backup).AddItem("namespaces", string.Empty, ns, Namespace(ns));
        for (var i = 0; i < count; i++)
        {
            var name = "cm-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            builder.AddItem("configmaps", ns, name, ConfigMap(ns, name, ("index", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        return builder;
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;
using Restore.TestApiServer;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Reliability;

/// <summary>An engine log that keeps every entry, thread-safe.</summary>
internal sealed class CapturingLog : IEngineLog
{
    private readonly ConcurrentQueue<EngineLogEntry> entries = new();

    public IReadOnlyList<EngineLogEntry> Entries => entries.ToArray();

    public string Text => string.Join("\n", Entries.Select(Format));

    public void Write(EngineLogEntry entry) => entries.Enqueue(entry);

    public IEnumerable<string> Warnings => Entries.Where(e => e.Level == EngineLogLevel.Warning).Select(e => e.Message);

    public static string Format(EngineLogEntry e) => $"{e.Level} {e.Message} " + string.Join(" ", e.Fields.Select(f => f.Key + "=" + f.Value));
}

/// <summary>Everything one restore run produced: the result or the exception, and every file it stored.</summary>
internal sealed class RunCapture
{
    public RestoreRunResult? Result { get; set; }

    public Exception? Error { get; set; }

    public List<RestoreItemOutcome> Callbacks { get; } = new();

    public List<string> Progress { get; } = new();

    public RestoreRecord? StoredRecord { get; set; }

    public string? StoredLog { get; set; }

    public RestoreResults? StoredResults { get; set; }

    public IReadOnlyList<RestoreItemOutcome> StoredOutcomes { get; set; } = Array.Empty<RestoreItemOutcome>();

    /// <summary>Every file under <c>restores/&lt;name&gt;/</c>, decompressed, by key.</summary>
    public Dictionary<string, string> StoredFiles { get; } = new(StringComparer.Ordinal);

    public RestoreRecord? Record => Result?.Record ?? StoredRecord;

    public string Phase => Record?.Phase ?? "(no record)";

    public int Count(string action) => StoredOutcomes.Count(o => o.Action == action);

    /// <summary>"6 created, 1 failed" over the stored item outcomes.</summary>
    public string OutcomeSummary()
    {
        var parts = new List<string>();
        foreach (var action in new[] { ItemRestoreAction.Created, ItemRestoreAction.Updated, ItemRestoreAction.Skipped, ItemRestoreAction.Failed })
        {
            var n = Count(action);
            if (n > 0)
            {
                parts.Add($"{n} {action.ToString().ToLowerInvariant()}");
            }
        }

        return parts.Count == 0 ? "no item outcomes" : string.Join(", ", parts);
    }

    /// <summary>Every text the run showed anyone: for canary scans.</summary>
    public IEnumerable<(string Source, string Text)> Texts()
    {
        if (Error is not null)
        {
            yield return ("exception", Error.ToString());
        }

        if (Result is not null)
        {
            yield return ("result record", Result.Record.ToJson().ToJsonString());
            yield return ("result messages", Result.Results.ToJson());
            yield return ("result storage problems", string.Join("\n", Result.StorageProblems));
        }

        yield return ("item callbacks", string.Join("\n", Callbacks.Select(o => o.ToJson().ToJsonString())));
        yield return ("progress", string.Join("\n", Progress));
        foreach (var file in StoredFiles)
        {
            yield return ("stored " + file.Key, file.Value);
        }
    }
}

/// <summary>
/// A throw-away world for one case: a local storage location, a target folder, a fallback folder, optionally a test
/// API server with a kubeconfig, and the engine log. Knows what each may hold afterwards, so writes outside the work
/// area can be found.
/// </summary>
internal sealed class RestoreSandbox : IAsyncDisposable
{
    private readonly HashSet<string> filesBefore = new(StringComparer.Ordinal);

    private RestoreSandbox(CaseProbe probe)
    {
        Probe = probe;
        Root = Path.Combine(Path.GetTempPath(), "restore-reliability-" + Guid.NewGuid().ToString("N"));
        StorageFolder = Path.Combine(Root, "storage");
        TargetFolder = Path.Combine(Root, "target");
        FallbackFolder = Path.Combine(Root, "fallback");
        Directory.CreateDirectory(StorageFolder);
        Directory.CreateDirectory(FallbackFolder);
        probe.Mask(Root, "<sandbox>");
    }

    public CaseProbe Probe { get; }

    public string Root { get; }

    public string StorageFolder { get; }

    public string TargetFolder { get; }

    public string FallbackFolder { get; }

    public CapturingLog EngineLog { get; } = new();

    public TestApiServer.TestApiServer? Server { get; private set; }

    public string? KubeconfigPath { get; private set; }

    public string? Context { get; private set; }

    public static async Task<RestoreSandbox> CreateAsync(CaseProbe probe, bool cluster = false, Action<TestApiServerOptions>? configure = null)
    {
        var sandbox = new RestoreSandbox(probe);
        if (cluster)
        {
            var options = new TestApiServerOptions();
            configure?.Invoke(options);
            sandbox.Server = await TestApiServer.TestApiServer.StartAsync(options);
            sandbox.KubeconfigPath = Path.Combine(sandbox.Root, "kubeconfig");
            sandbox.Server.WriteKubeconfig(sandbox.KubeconfigPath);
            sandbox.Context = sandbox.Server.ContextName(KubeconfigAuth.Token);
            probe.Mask(sandbox.Server.Server, "<server>");
            probe.Mask(sandbox.Server.BaseAddress.Authority, "<server>");
        }

        return sandbox;
    }

    public Task WriteBackupAsync(VeleroBackupBuilder backup)
    {
        backup.WriteToFolder(StorageFolder);
        return Task.CompletedTask;
    }

    /// <summary>Remembers the files present now; <see cref="FilesOutsideWorkArea"/> reports new ones in the wrong place.</summary>
    public void SnapshotFiles()
    {
        filesBefore.Clear();
        foreach (var file in AllFiles())
        {
            filesBefore.Add(file);
        }
    }

    public StorageLocation OpenLocation(Func<IObjectStore, IObjectStore>? decorate = null) =>
        decorate is null
            ? StorageLocation.Open(new StorageLocationOptions { Location = StorageFolder }, EngineLog)
            : StorageLocation.Decorate(new StorageLocationOptions { Location = StorageFolder }, EngineLog, decorate);

    public RestoreEngine Engine(StorageLocation location, IObjectStore? recordStore = null) =>
        new(location, EngineLog, recordStore)
        {
            Timings = new RunTimings
            {
                FlushInterval = TimeSpan.FromMilliseconds(50),
                HeartbeatInterval = TimeSpan.FromSeconds(1),
                WriteTimeout = TimeSpan.FromSeconds(10),
                FinalWriteAttempts = 3,
                FinalWriteRetryDelay = TimeSpan.FromMilliseconds(50),
                FallbackRoot = FallbackFolder,
            },
        };

    public RestoreRequest ToFolder(string backup, string name, Action<RestoreSpec>? spec = null)
    {
        var request = new RestoreRequest { Name = name, Spec = new RestoreSpec { BackupName = backup }, ToDirectory = TargetFolder, CreatedBy = "reliability" };
        spec?.Invoke(request.Spec);
        return request;
    }

    public RestoreRequest ToCluster(string backup, string name, Action<RestoreSpec>? spec = null)
    {
        var request = new RestoreRequest
        {
            Name = name,
            Spec = new RestoreSpec { BackupName = backup },
            KubeConfig = KubeconfigPath ?? throw new InvalidOperationException("The sandbox has no cluster."),
            Contexts = new[] { Context! },
            ItemOperationTimeout = TimeSpan.FromSeconds(30),
        };
        spec?.Invoke(request.Spec);
        return request;
    }

    /// <summary>
    /// Runs a restore as New-Restore does (verify the location, then run the engine) and reads back everything it
    /// stored; never throws for the restore's own failures.
    /// </summary>
    public async Task<RunCapture> RunAsync(RestoreRequest request, StorageLocation? location = null, IObjectStore? recordStore = null, CancellationToken cancellationToken = default, Action<RestoreItemOutcome, RunCapture>? onItem = null, bool verify = true)
    {
        var capture = new RunCapture();
        var ownLocation = location is null;
        location ??= OpenLocation();
        try
        {
            // New-Restore checks the location before it starts the engine.
            if (verify)
            {
                await location.VerifyAsync(cancellationToken);
            }

            var engine = Engine(location, recordStore);
            var progress = new CallbackProgress<RunProgress>(p =>
            {
                lock (capture.Progress)
                {
                    capture.Progress.Add($"{p.Target} {p.Phase} {p.ItemsDone}/{p.TotalItems} {p.CurrentTier} {p.CurrentNamespace}");
                }
            });
            capture.Result = await engine.RunAsync(
                request,
                progress,
                o =>
                {
                    lock (capture.Callbacks)
                    {
                        capture.Callbacks.Add(o);
                    }

                    onItem?.Invoke(o, capture);
                },
                cancellationToken);
        }
        catch (Exception ex)
        {
            capture.Error = ex;
        }
        finally
        {
            if (ownLocation)
            {
                location.Dispose();
            }
        }

        if (request.Name is { } name)
        {
            await ReadStoredAsync(name, capture);
        }

        return capture;
    }

    public async Task ReadStoredAsync(string name, RunCapture capture)
    {
        using var raw = new LocalFolderObjectStore(StorageFolder);
        var store = new RestoreRecordStore(raw, new ObjectStoreLayout(string.Empty));
        capture.StoredRecord = await store.GetAsync(name, CancellationToken.None);
        capture.StoredLog = await store.ReadLogTextAsync(name, CancellationToken.None);
        capture.StoredResults = await store.ReadResultsAsync(name, CancellationToken.None);
        capture.StoredOutcomes = await store.ReadItemOutcomesAsync(name, CancellationToken.None);
        capture.StoredFiles.Clear();
        foreach (var key in await raw.ListKeysAsync("restores/" + name + "/", CancellationToken.None))
        {
            var bytes = await raw.ReadAllBytesAsync(key, CancellationToken.None);
            capture.StoredFiles[key] = key.EndsWith(".gz", StringComparison.Ordinal) ? Gunzip(bytes) : Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>New files that are neither in the target folder, under <c>restores/&lt;name&gt;/</c>, nor (when allowed) in the fallback folder.</summary>
    public IReadOnlyList<string> FilesOutsideWorkArea(IEnumerable<string> restoreNames, bool allowFallback = false)
    {
        var allowed = new List<string> { TargetFolder + Path.DirectorySeparatorChar };
        allowed.AddRange(restoreNames.Select(n => Path.Combine(StorageFolder, "restores", n) + Path.DirectorySeparatorChar));
        if (allowFallback)
        {
            allowed.Add(FallbackFolder + Path.DirectorySeparatorChar);
        }

        return AllFiles()
            .Where(f => !filesBefore.Contains(f) && !allowed.Any(a => f.StartsWith(a, StringComparison.Ordinal)))
            .Select(f => f.Substring(Root.Length))
            .ToList();
    }

    /// <summary>Checks that nothing was written outside the work area, and says so.</summary>
    public void CheckNothingOutside(params string[] restoreNames) => CheckNothingOutside(restoreNames, allowFallback: false);

    public void CheckNothingOutside(IEnumerable<string> restoreNames, bool allowFallback)
    {
        var outside = FilesOutsideWorkArea(restoreNames, allowFallback);
        if (Probe.Check(outside.Count == 0, "written outside the work area: " + string.Join(", ", outside)))
        {
            Probe.Observe("Nothing written outside the work area");
        }
    }

    /// <summary>Files in the target folder, relative, sorted.</summary>
    public IReadOnlyList<string> TargetFiles() =>
        Directory.Exists(TargetFolder)
            ? Directory.EnumerateFiles(TargetFolder, "*", SearchOption.AllDirectories).Select(f => f.Substring(TargetFolder.Length + 1).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal).ToList()
            : Array.Empty<string>();

    /// <summary>Requests that changed the cluster: method, resource, namespace/name and status.</summary>
    public IReadOnlyList<JournalEntry> ClusterWrites() =>
        Server?.Journal.Where(e => e.Method is "POST" or "PUT" or "PATCH" or "DELETE" && e.Verb.Length > 0 && e.Resource != "selfsubjectreviews.authentication.k8s.io" && e.Resource != "selfsubjectaccessreviews.authorization.k8s.io") ?? Array.Empty<JournalEntry>();

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private static string Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private IEnumerable<string> AllFiles() => Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories);
}

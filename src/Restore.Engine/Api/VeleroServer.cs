using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Common;
using Restore.Engine.Execution;
using Restore.Engine.Execution.Server;
using Restore.Engine.Storage;

namespace Restore.Engine.Api;

/// <summary>What New-Restore -Server asks for: the restore parameters and where Velero runs.</summary>
public sealed class ServerRestoreRequest
{
    /// <summary>The restore, as for a client restore (only the parameters Velero has may be given).</summary>
    public RestoreParameters Parameters { get; set; } = new();

    /// <summary>The namespace Velero runs in, in every cluster. Default <c>velero</c>.</summary>
    public string VeleroNamespace { get; set; } = VeleroServerApi.DefaultNamespace;

    /// <summary>A backup per kube context (context to backup name), for fleets whose clusters each have their own backup; null for one backup everywhere.</summary>
    public IDictionary? BackupByContext { get; set; }

    /// <summary>The storage location the backup must come from (its bucket and prefix are checked against the backup's BackupStorageLocation); null to use the cluster's own locations.</summary>
    public StorageLocationSettings? StorageLocation { get; set; }
}

/// <summary>What New-Restore -Server would do, for -WhatIf and -Confirm.</summary>
public sealed class ServerRestorePreview
{
    internal ServerRestorePreview(string name, IReadOnlyList<string> contexts, IReadOnlyList<string> lines)
    {
        RestoreName = name;
        Contexts = contexts;
        Lines = lines;
    }

    /// <summary>The restore's name (the default name when none was given).</summary>
    public string RestoreName { get; }

    /// <summary>The kube contexts, in order.</summary>
    public IReadOnlyList<string> Contexts { get; }

    /// <summary>One line per context.</summary>
    public IReadOnlyList<string> Lines { get; }
}

/// <summary>How following a server restore ended.</summary>
public sealed class ServerRestoreReport
{
    internal ServerRestoreReport(RestoreInfo restore, bool finished)
    {
        Restore = restore;
        Finished = finished;
    }

    /// <summary>The restore as last read, over every cluster.</summary>
    public RestoreInfo Restore { get; }

    /// <summary>True when every cluster's restore reached a terminal phase; false after -Timeout (the server keeps running).</summary>
    public bool Finished { get; }
}

/// <summary>A restore created in the clusters' Velero servers, to follow until it ends.</summary>
public sealed class ServerRestoreRun : IDisposable
{
    private readonly ServerRestoreSession session;
    private readonly StorageLocationOptions? origin;
    private readonly string? kubeConfig;
    private readonly TimeSpan? timeout;

    internal ServerRestoreRun(ServerRestoreSession session, StorageLocationOptions? origin, string? kubeConfig, TimeSpan? timeout)
    {
        this.session = session;
        this.origin = origin;
        this.kubeConfig = kubeConfig;
        this.timeout = timeout;
    }

    /// <summary>The restore's name (the same in every cluster).</summary>
    public string Name => session.Name;

    /// <summary>The restore as last read.</summary>
    public RestoreInfo Current => RestoreInfo.FromServer(session.Name, session.VeleroNamespace, session.Targets.Select(t => new ServerTargetView(t.Context, t.Server, t.Current, t.Problem)).ToList(), origin, kubeConfig);

    /// <summary>Test hook: how often the Restore objects are read.</summary>
    internal TimeSpan PollInterval
    {
        get => session.PollInterval;
        set => session.PollInterval = value;
    }

    /// <summary>
    /// Reads the Restore objects until every one has ended, or -Timeout passed. Canceling stops only the following
    /// (<see cref="OperationCanceledException"/>): Velero cannot cancel a restore, so the servers go on.
    /// </summary>
    /// <exception cref="RestoreEngineException">A cluster failed in a way that stops following.</exception>
    public Task<ServerRestoreReport> FollowAsync(IProgress<RestoreProgress>? progress, CancellationToken cancellationToken) =>
        EngineFailures.Guard(async () =>
        {
            var finished = await session.FollowAsync(
                progress is null ? null : new CallbackProgress<RunProgress>(p => progress.Report(RestoreProgress.From(p))),
                timeout,
                cancellationToken).ConfigureAwait(false);
            return new ServerRestoreReport(Current, finished);
        });

    /// <summary>Releases the cluster connections (the restores go on).</summary>
    public void Dispose() => session.Dispose();
}

/// <summary>
/// Restores through the Velero server in the clusters (New-Restore -Server), and the Restore objects there
/// (Get-Restore -Context, Remove-Restore -Context). Nothing here applies items itself; Velero does.
/// </summary>
public static class VeleroServer
{
    /// <summary>The parameters of New-Restore only the client implements: given with -Server they are refused.</summary>
    public static IReadOnlyList<string> ClientOnlyParameters(RestoreParameters parameters)
    {
        if (parameters is null)
        {
            throw new ArgumentNullException(nameof(parameters));
        }

        var found = new List<string>();
        void Add(bool given, string name)
        {
            if (given && !found.Contains(name))
            {
                found.Add(name);
            }
        }

        Add(parameters.Object is { Count: > 0 }, "Object");
        Add(!string.IsNullOrEmpty(parameters.ToDirectory), "ToDirectory");
        Add(parameters.Force, "Force");
        Add(parameters.Parallel is not null, "Parallel");
        Add(parameters.Qps is not null, "Qps");
        Add(parameters.Burst is not null, "Burst");
        Add(parameters.SensitiveObject is { Count: > 0 }, "SensitiveObject");
        Add(parameters.ResourcePriority is { Count: > 0 }, "ResourcePriority");
        Add(parameters.JsonPatch is { Count: > 0 }, "JsonPatch");
        if (parameters.ManifestText is not null)
        {
            try
            {
                foreach (var field in ServerRestoreObjects.ClientOnlyFields(parameters.ToRequest().Spec))
                {
                    Add(true, field);
                }
            }
            catch (RestoreEngineException)
            {
                // An unreadable manifest is reported by the validation that follows.
            }
        }

        return found;
    }

    /// <summary>The restore's name and one line per cluster, reading only the kubeconfig (for -WhatIf and -Confirm).</summary>
    /// <exception cref="RestoreEngineException">A parameter is refused or invalid, or the kubeconfig cannot be read.</exception>
    public static ServerRestorePreview Describe(ServerRestoreRequest request) =>
        EngineFailures.GuardSync(() =>
        {
            var (name, pairs) = Requests(request);
            var lines = pairs.Select(p =>
                $"Create Restore '{name}' in namespace '{request.VeleroNamespace}' of cluster context '{p.Context}' for backup '{p.Request.Spec.BackupName ?? "(newest of schedule " + p.Request.Spec.ScheduleName + ")"}'; that cluster's Velero server runs it").ToList();
            return new ServerRestorePreview(name, pairs.Select(p => p.Context!).ToList(), lines);
        });

    /// <summary>
    /// Checks every cluster (Velero's CRDs and namespace, the backup synced, its location the same as
    /// <see cref="ServerRestoreRequest.StorageLocation"/> and Available, no plugin ConfigMap in the way, the name free),
    /// then creates the ConfigMaps and the Restore in each. Nothing is created unless every cluster passes.
    /// </summary>
    /// <exception cref="RestoreEngineException">
    /// <see cref="FailureKind.ClientOnlyParameter"/>, <see cref="FailureKind.VeleroNotInstalled"/>, <see cref="FailureKind.BackupNotSynced"/>,
    /// <see cref="FailureKind.StorageLocationMismatch"/>, <see cref="FailureKind.StorageLocationUnavailable"/>,
    /// <see cref="FailureKind.PluginConfigConflict"/>, <see cref="FailureKind.NameInUse"/>, parameter, kubeconfig and cluster failures.
    /// </exception>
    public static Task<ServerRestoreRun> StartAsync(ServerRestoreRequest request, ILogSink? log, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var (name, pairs) = Requests(request);
            var engineLog = LogSinkAdapter.For(log);
            var options = request.StorageLocation?.ToOptions();
            var address = options is null ? null : StorageAddress.Parse(options.Location);
            var timeout = request.Parameters.Timeout is { } text ? RestoreParameters.ParseDuration("Timeout", text) : (TimeSpan?)null;
            var session = await ServerRestoreSession.StartAsync(name, pairs, request.VeleroNamespace, request.Parameters.KubeConfig, address, options?.Location, engineLog, cancellationToken).ConfigureAwait(false);
            return new ServerRestoreRun(session, options, request.Parameters.KubeConfig, timeout);
        });

    /// <summary>
    /// The Restore objects in the Velero namespace of each context (null or empty: the current context), one
    /// <see cref="RestoreInfo"/> per restore name with a target per cluster. A cluster that cannot be read goes to
    /// <paramref name="onProblem"/> (from any thread) and is left out.
    /// </summary>
    public static Task<IReadOnlyList<RestoreInfo>> ListAsync(string? kubeConfig, IReadOnlyList<string>? contexts, string? veleroNamespace, Action<RestoreEngineException>? onProblem, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var ns = string.IsNullOrEmpty(veleroNamespace) ? VeleroServerApi.DefaultNamespace : veleroNamespace!;
            var wanted = contexts is { Count: > 0 } ? contexts.Select(c => (string?)c).ToList() : new List<string?> { null };
            var objects = await ServerRestoreCatalog.ListAsync(
                kubeConfig,
                wanted,
                ns,
                NullEngineLog.Instance,
                (context, problem) => onProblem?.Invoke(Translate(problem) ?? new RestoreEngineException(FailureKind.ClusterUnreachable, problem.Message, problem) { Subject = context }),
                cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<RestoreInfo>)objects
                .GroupBy(o => o.Name, StringComparer.Ordinal)
                .Select(g => RestoreInfo.FromServer(g.Key, ns, g.Select(o => new ServerTargetView(o.Context, o.Server, o.Restore, null)).ToList(), null, kubeConfig))
                .ToList();
        });

    /// <summary>
    /// Deletes the Restore object <paramref name="name"/> from the Velero namespace of each context, and the ConfigMaps
    /// made for it; Velero then deletes the restore's files, as <c>velero restore delete</c> does. Never deletes anything
    /// restored. Returns the contexts that had it.
    /// </summary>
    public static Task<IReadOnlyList<string>> DeleteAsync(string name, string? kubeConfig, IReadOnlyList<string>? contexts, string? veleroNamespace, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var ns = string.IsNullOrEmpty(veleroNamespace) ? VeleroServerApi.DefaultNamespace : veleroNamespace!;
            var wanted = contexts is { Count: > 0 } ? contexts.Select(c => (string?)c).ToList() : new List<string?> { null };
            var had = new List<string>();
            foreach (var context in wanted)
            {
                if (await ServerRestoreCatalog.DeleteAsync(kubeConfig, context, ns, name, NullEngineLog.Instance, cancellationToken).ConfigureAwait(false))
                {
                    had.Add(context ?? string.Empty);
                }
            }

            return (IReadOnlyList<string>)had;
        });

    /// <summary>The restore name and one request per context, checked as far as the kubeconfig allows.</summary>
    private static (string Name, List<(string? Context, RestoreRequest Request)> Pairs) Requests(ServerRestoreRequest request)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var parameters = request.Parameters ?? throw new ArgumentNullException(nameof(request), "Parameters is required.");
        var refused = ClientOnlyParameters(parameters);
        if (refused.Count > 0)
        {
            var names = string.Join(", ", refused.Select(r => r.StartsWith("Manifest", StringComparison.Ordinal) ? r : "-" + r));
            throw new RestoreEngineException(
                FailureKind.ClientOnlyParameter,
                $"With -Server, Velero runs the restore and has no setting for {names}: only this module's own (client) restore implements {(refused.Count == 1 ? "it" : "them")}. Leave {(refused.Count == 1 ? "it" : "them")} out, or restore without -Server.")
            { Parameter = refused[0] };
        }

        var byContext = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.BackupByContext is { } map)
        {
            foreach (DictionaryEntry entry in map)
            {
                var context = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                var backup = Convert.ToString(entry.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                if (context.Trim().Length == 0 || backup.Trim().Length == 0)
                {
                    throw RestoreEngineException.ForParameter("Backup", "-Backup as a hashtable maps kube contexts to backup names; neither may be empty.");
                }

                byContext[context.Trim()] = backup.Trim();
            }
        }

        var contexts = parameters.Context?.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? new List<string>();
        if (contexts.Count == 0 && byContext.Count > 0)
        {
            contexts = byContext.Keys.ToList();
        }

        if (contexts.Count == 0)
        {
            var current = KubeConfig.Load(parameters.KubeConfig, null);
            contexts.Add(current.ContextName ?? current.DisplayName);
        }

        var missing = byContext.Count == 0 ? new List<string>() : contexts.Where(c => !byContext.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw RestoreEngineException.ForParameter("Backup", $"-Backup names no backup for context(s) {string.Join(", ", missing)}: give one per context in -Context.");
        }

        var pairs = new List<(string? Context, RestoreRequest Request)>();
        var original = parameters.Backup;
        try
        {
            foreach (var context in contexts)
            {
                if (byContext.TryGetValue(context, out var backup))
                {
                    parameters.Backup = backup;
                }

                var one = parameters.ToRequest();
                one.Contexts = new[] { context };
                Validate(one);
                pairs.Add((context, one));
            }
        }
        finally
        {
            parameters.Backup = original;
        }

        var first = pairs[0].Request;
        var name = first.Name;
        if (string.IsNullOrEmpty(name))
        {
            var source = string.IsNullOrEmpty(first.Spec.ScheduleName) ? first.Spec.BackupName : first.Spec.ScheduleName;
            name = (string.IsNullOrEmpty(source) ? "restore" : source) + "-" + DateTime.Now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        }

        if (!ObjectStoreLayout.IsValidRestoreName(name!))
        {
            throw RestoreEngineException.ForParameter("Name", $"'{name}' is not a valid restore name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit.");
        }

        return (name!, pairs);
    }

    /// <summary>The checks Velero's validation makes on the spec, with its messages (docs/velero-compatibility.md#restore-validation): refused here, before anything is created.</summary>
    private static void Validate(RestoreRequest request)
    {
        var result = Planning.RestoreValidator.Validate(request.Spec.Clone());
        var errors = result.VeleroErrors;
        if (errors.Count > 0)
        {
            throw new RestoreEngineException(FailureKind.InvalidArgument, "Velero would refuse this restore: " + string.Join("; ", errors));
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await EngineFailures.Guard(call).ConfigureAwait(false);
        }
        catch (ServerRestoreException problem)
        {
            throw Translate(problem)!;
        }
    }

    private static RestoreEngineException? Translate(Exception error) => error is ServerRestoreException problem
        ? new RestoreEngineException(
            problem.Problem switch
            {
                ServerRestoreProblem.ClientOnlyParameter => FailureKind.ClientOnlyParameter,
                ServerRestoreProblem.VeleroNotInstalled => FailureKind.VeleroNotInstalled,
                ServerRestoreProblem.BackupNotSynced => FailureKind.BackupNotSynced,
                ServerRestoreProblem.LocationMismatch => FailureKind.StorageLocationMismatch,
                ServerRestoreProblem.LocationUnavailable => FailureKind.StorageLocationUnavailable,
                ServerRestoreProblem.PluginConfigConflict => FailureKind.PluginConfigConflict,
                ServerRestoreProblem.NameInUse => FailureKind.NameInUse,
                ServerRestoreProblem.ResourceModifier => FailureKind.ResourceModifierInvalid,
                _ => FailureKind.InvalidArgument,
            },
            problem.Message,
            problem) { Subject = problem.Subject, Name = problem.Problem == ServerRestoreProblem.NameInUse ? problem.Subject : null }
        : EngineFailures.Translate(error);
}

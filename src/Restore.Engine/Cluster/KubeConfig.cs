using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Restore.Engine.Cluster;

/// <summary>
/// Reads kubeconfig files the way kubectl does and turns a context into <see cref="ClusterConnectionSettings"/>.
/// </summary>
/// <remarks>
/// Files: the explicit path (or list) if given, else the <c>KUBECONFIG</c> list (separated by
/// <see cref="Path.PathSeparator"/>; missing files skipped), else <c>~/.kube/config</c>. When none exists
/// and the process runs in a pod, the service account is used. Merging: for clusters, users and
/// contexts the first file that defines a name wins; <c>current-context</c> comes from the first file
/// that sets it. Relative paths in an entry are resolved against the directory of the file defining it.
/// </remarks>
internal sealed class KubeConfig
{
    private readonly Dictionary<string, KubeConfigEntry> clusters;
    private readonly Dictionary<string, KubeConfigEntry> users;
    private readonly Dictionary<string, KubeConfigEntry> contexts;
    private readonly List<string> contextOrder;

    private KubeConfig(IReadOnlyList<string> files, string? currentContext, Dictionary<string, KubeConfigEntry> clusters, Dictionary<string, KubeConfigEntry> users, Dictionary<string, KubeConfigEntry> contexts, List<string> contextOrder)
    {
        SourceFiles = files;
        CurrentContext = currentContext;
        this.clusters = clusters;
        this.users = users;
        this.contexts = contexts;
        this.contextOrder = contextOrder;
    }

    /// <summary>The files read, in merge order.</summary>
    public IReadOnlyList<string> SourceFiles { get; }

    /// <summary>The merged current-context; null when no file sets one.</summary>
    public string? CurrentContext { get; }

    /// <summary>Context names, in the order the files define them.</summary>
    public IReadOnlyList<string> ContextNames => contextOrder;

    /// <summary>
    /// Loads connection settings: kubeconfig files as kubectl finds and merges them, then the context
    /// (<paramref name="context"/>, or the current-context). Falls back to the in-cluster service account
    /// when no kubeconfig file exists and the process runs in a pod.
    /// </summary>
    /// <param name="kubeconfigPathOrList">A kubeconfig path, or several separated by <see cref="Path.PathSeparator"/>; null for <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.</param>
    /// <param name="context">The context name; null for the current-context.</param>
    /// <exception cref="KubeConfigException">No usable configuration, unknown context, or a malformed entry.</exception>
    public static ClusterConnectionSettings Load(string? kubeconfigPathOrList, string? context) =>
        Load(kubeconfigPathOrList, context, KubeConfigEnvironment.Default);

    /// <summary>Reads and merges kubeconfig files without choosing a context (for listing contexts).</summary>
    /// <param name="kubeconfigPathOrList">As for <see cref="Load(string?, string?)"/>.</param>
    /// <exception cref="KubeConfigException">No kubeconfig file was found or one is malformed.</exception>
    public static KubeConfig Read(string? kubeconfigPathOrList) =>
        Read(kubeconfigPathOrList, KubeConfigEnvironment.Default) ?? throw NoConfig(kubeconfigPathOrList, KubeConfigEnvironment.Default);

    /// <summary>Reads one kubeconfig from YAML text (for tests and callers that hold the text).</summary>
    /// <param name="yaml">The kubeconfig YAML.</param>
    /// <param name="baseDirectory">The directory relative paths are resolved against.</param>
    public static KubeConfig Parse(string yaml, string baseDirectory)
    {
        var file = KubeConfigFile.Parse(yaml, Path.Combine(baseDirectory, "kubeconfig"), "kubeconfig text");
        return Merge(new[] { file });
    }

    /// <summary>Builds settings for a context.</summary>
    /// <param name="context">The context name; null for the current-context.</param>
    /// <exception cref="KubeConfigContextNotFoundException">The context does not exist.</exception>
    /// <exception cref="KubeConfigException">No context is selected, or the context refers to missing entries.</exception>
    public ClusterConnectionSettings GetConnectionSettings(string? context)
    {
        var name = string.IsNullOrEmpty(context) ? CurrentContext : context;
        if (string.IsNullOrEmpty(name))
        {
            throw new KubeConfigException($"No context selected: {DescribeFiles()} set no current-context. Pass -Context with one of: {AvailableContexts()}.");
        }

        if (!contexts.TryGetValue(name!, out var contextEntry))
        {
            var source = string.IsNullOrEmpty(context) ? "The current-context" : "The context";
            throw new KubeConfigContextNotFoundException(
                $"{source} '{name}' was not found in {DescribeFiles()}. Available contexts: {AvailableContexts()}.",
                name!,
                contextOrder.ToArray());
        }

        var clusterName = contextEntry.GetString("cluster");
        if (string.IsNullOrEmpty(clusterName) || !clusters.TryGetValue(clusterName!, out var cluster))
        {
            throw new KubeConfigException($"Context '{name}' refers to cluster '{clusterName}', which is not defined in {DescribeFiles()}.");
        }

        KubeConfigEntry? user = null;
        var userName = contextEntry.GetString("user");
        if (!string.IsNullOrEmpty(userName) && !users.TryGetValue(userName!, out user))
        {
            throw new KubeConfigException($"Context '{name}' refers to user '{userName}', which is not defined in {DescribeFiles()}.");
        }

        return KubeConfigSettingsBuilder.Build(name!, contextEntry, clusterName!, cluster, userName, user, SourceFiles);
    }

    internal static ClusterConnectionSettings Load(string? kubeconfigPathOrList, string? context, KubeConfigEnvironment environment)
    {
        var config = Read(kubeconfigPathOrList, environment);
        var isEmpty = config is null || (config.contextOrder.Count == 0 && config.CurrentContext is null);

        // As kubectl: an empty configuration in a pod means "use the service account".
        if (config is not null && !(isEmpty && string.IsNullOrEmpty(context) && InClusterConfig.IsAvailable(environment)))
        {
            return config.GetConnectionSettings(context);
        }

        if (InClusterConfig.IsAvailable(environment))
        {
            if (!string.IsNullOrEmpty(context))
            {
                throw new KubeConfigException(
                    $"Context '{context}' was asked for, but no kubeconfig file exists ({NoConfig(kubeconfigPathOrList, environment).Message}) and in-cluster configuration has no contexts.",
                    KubeConfigProblem.NotFound,
                    LookedIn(kubeconfigPathOrList, environment));
            }

            return InClusterConfig.Load(environment);
        }

        throw NoConfig(kubeconfigPathOrList, environment);
    }

    /// <summary>Reads the files; null when none of the implicit files exist.</summary>
    internal static KubeConfig? Read(string? kubeconfigPathOrList, KubeConfigEnvironment environment)
    {
        var files = new List<KubeConfigFile>();
        if (!string.IsNullOrWhiteSpace(kubeconfigPathOrList))
        {
            // Explicit paths must exist: a typo should not silently select another cluster.
            foreach (var path in SplitList(kubeconfigPathOrList!))
            {
                var full = environment.ExpandHome(path);
                if (!File.Exists(full))
                {
                    throw new KubeConfigException($"The kubeconfig file '{full}' does not exist.", KubeConfigProblem.NotFound, full);
                }

                files.Add(KubeConfigFile.Load(full));
            }
        }
        else
        {
            var fromEnvironment = environment.GetEnvironmentVariable("KUBECONFIG");
            var candidates = !string.IsNullOrWhiteSpace(fromEnvironment)
                ? SplitList(fromEnvironment!)
                : new[] { Path.Combine(environment.HomeDirectory, ".kube", "config") };
            foreach (var path in candidates)
            {
                var full = environment.ExpandHome(path);
                if (File.Exists(full))
                {
                    files.Add(KubeConfigFile.Load(full));
                }
            }

            if (files.Count == 0)
            {
                return null;
            }
        }

        return Merge(files);
    }

    private static KubeConfig Merge(IReadOnlyList<KubeConfigFile> files)
    {
        var clusters = new Dictionary<string, KubeConfigEntry>(StringComparer.Ordinal);
        var users = new Dictionary<string, KubeConfigEntry>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, KubeConfigEntry>(StringComparer.Ordinal);
        var contextOrder = new List<string>();
        string? currentContext = null;
        foreach (var file in files)
        {
            if (currentContext is null && !string.IsNullOrEmpty(file.CurrentContext))
            {
                currentContext = file.CurrentContext;
            }

            AddFirstWins(clusters, file.Clusters, null);
            AddFirstWins(users, file.Users, null);
            AddFirstWins(contexts, file.Contexts, contextOrder);
        }

        return new KubeConfig(files.Select(f => f.Path).ToList(), currentContext, clusters, users, contexts, contextOrder);
    }

    private static void AddFirstWins(Dictionary<string, KubeConfigEntry> target, IEnumerable<KubeConfigEntry> entries, List<string>? order)
    {
        foreach (var entry in entries)
        {
            if (!target.ContainsKey(entry.Name))
            {
                target.Add(entry.Name, entry);
                order?.Add(entry.Name);
            }
        }
    }

    private static string[] SplitList(string list) =>
        list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Trim())
            .Where(p => p.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    private static KubeConfigException NoConfig(string? kubeconfigPathOrList, KubeConfigEnvironment environment)
    {
        var fromEnvironment = environment.GetEnvironmentVariable("KUBECONFIG");
        var looked = !string.IsNullOrWhiteSpace(kubeconfigPathOrList) || string.IsNullOrWhiteSpace(fromEnvironment)
            ? LookedIn(kubeconfigPathOrList, environment)
            : "$KUBECONFIG (" + fromEnvironment + ")";
        return new KubeConfigException(
            $"No kubeconfig was found (looked in {looked}) and this is not running inside a Kubernetes pod. Pass -KubeConfig, set KUBECONFIG, or create ~/.kube/config.",
            KubeConfigProblem.NotFound,
            LookedIn(kubeconfigPathOrList, environment));
    }

    /// <summary>The file, or path list, a kubeconfig was looked for in.</summary>
    private static string LookedIn(string? kubeconfigPathOrList, KubeConfigEnvironment environment)
    {
        var fromEnvironment = environment.GetEnvironmentVariable("KUBECONFIG");
        return !string.IsNullOrWhiteSpace(kubeconfigPathOrList) ? kubeconfigPathOrList!
            : !string.IsNullOrWhiteSpace(fromEnvironment) ? fromEnvironment!
            : Path.Combine(environment.HomeDirectory, ".kube", "config");
    }

    private string DescribeFiles() => SourceFiles.Count == 1 ? "kubeconfig " + SourceFiles[0] : "kubeconfig files " + string.Join(", ", SourceFiles);

    private string AvailableContexts() => contextOrder.Count == 0 ? "(none defined)" : string.Join(", ", contextOrder);
}

/// <summary>Process environment lookups, injectable for tests.</summary>
internal sealed class KubeConfigEnvironment
{
    public static readonly KubeConfigEnvironment Default = new(Environment.GetEnvironmentVariable, DefaultHome(), "/var/run/secrets/kubernetes.io/serviceaccount");

    public KubeConfigEnvironment(Func<string, string?> getEnvironmentVariable, string homeDirectory, string serviceAccountDirectory)
    {
        GetEnvironmentVariable = getEnvironmentVariable;
        HomeDirectory = homeDirectory;
        ServiceAccountDirectory = serviceAccountDirectory;
    }

    public Func<string, string?> GetEnvironmentVariable { get; }

    public string HomeDirectory { get; }

    public string ServiceAccountDirectory { get; }

    public string ExpandHome(string path)
    {
        if (path == "~")
        {
            return HomeDirectory;
        }

        if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            return Path.Combine(HomeDirectory, path.Substring(2));
        }

        return Path.GetFullPath(path);
    }

    private static string DefaultHome()
    {
        // kubectl prefers HOME, then USERPROFILE (Windows).
        var home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetEnvironmentVariable("USERPROFILE");
        }

        return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home!;
    }
}

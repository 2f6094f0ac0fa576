using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Restore.Engine.Velero;

namespace Restore.Engine.Actions;

/// <summary>
/// The restore's hooks as Velero reads them (docs/velero-compatibility.md#restore-hooks): the
/// <c>spec.hooks.resources</c> entries with their namespace globs and label selector (their
/// <c>includedResources</c>/<c>excludedResources</c> are ignored: restore hooks always apply to pods),
/// and the pod annotations that take precedence over them.
/// </summary>
internal sealed class RestoreHookRules
{
    /// <summary>Annotation keys of the init-container hook.</summary>
    public const string InitImageAnnotation = "init.hook.restore.velero.io/container-image";

    /// <summary>Name of the added init container; generated when absent.</summary>
    public const string InitNameAnnotation = "init.hook.restore.velero.io/container-name";

    /// <summary>The init container's command (a JSON array or one word).</summary>
    public const string InitCommandAnnotation = "init.hook.restore.velero.io/command";

    /// <summary>Exec hook: the container (default: the pod's first).</summary>
    public const string ExecContainerAnnotation = "post.hook.restore.velero.io/container";

    /// <summary>Exec hook: the command; without it there is no annotation exec hook.</summary>
    public const string ExecCommandAnnotation = "post.hook.restore.velero.io/command";

    /// <summary>Exec hook: <c>Continue</c> or <c>Fail</c>.</summary>
    public const string ExecOnErrorAnnotation = "post.hook.restore.velero.io/on-error";

    /// <summary>Exec hook: how long the command may run.</summary>
    public const string ExecTimeoutAnnotation = "post.hook.restore.velero.io/exec-timeout";

    /// <summary>Exec hook: how long to wait for the container.</summary>
    public const string ExecWaitTimeoutAnnotation = "post.hook.restore.velero.io/wait-timeout";

    /// <summary>Exec hook: wait for the container to be Ready rather than running.</summary>
    public const string ExecWaitForReadyAnnotation = "post.hook.restore.velero.io/wait-for-ready";

    /// <summary>The hook name Velero records for an annotation exec hook.</summary>
    public const string AnnotationHookName = "<from-annotation>";

    /// <summary>The init container Velero keeps first (file-system backup restores).</summary>
    public const string RestoreWaitContainer = "restore-wait";

    private readonly IReadOnlyList<Entry> entries;

    private RestoreHookRules(IReadOnlyList<Entry> entries) => this.entries = entries;

    /// <summary>No hooks in the spec (annotations still apply).</summary>
    public static RestoreHookRules Empty { get; } = new(Array.Empty<Entry>());

    /// <summary>True when the spec has hook entries.</summary>
    public bool HasSpecHooks => entries.Count > 0;

    /// <summary>Reads <c>spec.hooks</c>; selectors were validated with the restore, a bad one here matches nothing.</summary>
    public static RestoreHookRules From(RestoreHooksSpec? hooks)
    {
        if (hooks?.Resources is not { Count: > 0 } resources)
        {
            return Empty;
        }

        var list = new List<Entry>();
        foreach (var r in resources)
        {
            LabelSelector? selector = null;
            if (r.LabelSelector is not null)
            {
                try
                {
                    selector = LabelSelector.FromJson(RestoreSpecJson.WriteSelector(r.LabelSelector));
                }
                catch (FormatException)
                {
                    selector = LabelSelector.Nothing;
                }
            }

            list.Add(new Entry(r.Name, Globs(r.IncludedNamespaces), Globs(r.ExcludedNamespaces), selector, r.PostHooks ?? new List<RestoreHookSpec>()));
        }

        return new RestoreHookRules(list);
    }

    /// <summary>
    /// The init containers the spec adds to a pod in <paramref name="targetNamespace"/> (Velero matches the
    /// namespace the pod is restored into), in spec order.
    /// </summary>
    public IEnumerable<JsonObject> SpecInitContainers(string targetNamespace, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var entry in entries.Where(e => e.AppliesTo(targetNamespace, labels)))
        {
            foreach (var hook in entry.PostHooks.Where(h => h.Init is not null))
            {
                foreach (var raw in hook.Init!.InitContainers ?? new List<string>())
                {
                    if (JsonNode.Parse(raw) is JsonObject container)
                    {
                        yield return container;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The exec hooks for a restored pod, grouped by container in first-seen order: the annotation hook alone when the pod
    /// has <c>post.hook.restore.velero.io/command</c>, else every matching spec hook in spec order. An empty container
    /// name means the pod's first container.
    /// </summary>
    public IReadOnlyList<ExecHook> ExecHooks(JsonObject pod, List<string>? warnings = null)
    {
        // Most pods have neither: answer without building dictionaries (the planner asks for every pod).
        if (!HasSpecHooks && string.IsNullOrEmpty(ItemJson.Annotation(pod, ExecCommandAnnotation)))
        {
            return Array.Empty<ExecHook>();
        }

        var firstContainer = ItemJson.AsString((ItemJson.Array(pod, "spec", "containers")?.FirstOrDefault() as JsonObject)?["name"]);
        if (firstContainer is null)
        {
            return Array.Empty<ExecHook>();
        }

        var annotations = ReadStrings(ItemJson.Annotations(pod));
        if (FromAnnotations(annotations, warnings) is { } annotated)
        {
            return new[] { annotated.WithContainer(annotated.Container.Length == 0 ? firstContainer : annotated.Container) };
        }

        var hooks = new List<ExecHook>();
        var ns = ItemJson.String(pod, "metadata", "namespace") ?? string.Empty;
        var labels = ReadStrings(ItemJson.Labels(pod));
        foreach (var entry in entries.Where(e => e.AppliesTo(ns, labels)))
        {
            for (var i = 0; i < entry.PostHooks.Count; i++)
            {
                if (entry.PostHooks[i].Exec is not { } exec)
                {
                    continue;
                }

                hooks.Add(new ExecHook(
                    entry.Name,
                    "spec",
                    i,
                    string.IsNullOrEmpty(exec.Container) ? firstContainer : exec.Container!,
                    exec.Command ?? new List<string>(),
                    OnError(exec.OnError),
                    Duration(exec.ExecTimeout),
                    Duration(exec.WaitTimeout),
                    exec.WaitForReady == true));
            }
        }

        // Velero groups by container, keeping spec order within each container.
        return hooks.GroupBy(h => h.Container, StringComparer.Ordinal).SelectMany(g => g).ToList();
    }

    /// <summary>The init container the pod's annotations ask for; null without <c>container-image</c>.</summary>
    public static JsonObject? InitContainerFromAnnotations(IReadOnlyDictionary<string, string> annotations, Func<string> generatedName)
    {
        if (!annotations.TryGetValue(InitImageAnnotation, out var image) || image.Length == 0)
        {
            return null;
        }

        var name = annotations.TryGetValue(InitNameAnnotation, out var n) && n.Length > 0 ? n : generatedName();
        var container = new JsonObject { ["name"] = name, ["image"] = image };

        // Without a command the image's entrypoint runs (Velero's documented behaviour).
        if (annotations.TryGetValue(InitCommandAnnotation, out var command) && command.Length > 0)
        {
            container["command"] = new JsonArray(ParseCommand(command).Select(c => (JsonNode?)c).ToArray());
        }

        return container;
    }

    /// <summary>
    /// A hook command from an annotation: a JSON array of strings when the text starts with <c>[</c> and parses as one,
    /// otherwise the whole text as a single word (no shell splitting), as Velero reads it.
    /// </summary>
    public static IReadOnlyList<string> ParseCommand(string text)
    {
        if (text.Length > 0 && text[0] == '[')
        {
            try
            {
                if (JsonNode.Parse(text) is JsonArray array && array.All(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String))
                {
                    return array.Select(e => (string)e!).ToList();
                }
            }
            catch (JsonException)
            {
                // Not JSON: the text is one word.
            }
        }

        return new[] { text };
    }

    /// <summary>The annotations (or labels) as strings; non-string values are skipped.</summary>
    public static Dictionary<string, string> ReadStrings(JsonObject? map)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in map ?? new JsonObject())
        {
            if (ItemJson.AsString(pair.Value) is { } value)
            {
                result[pair.Key] = value;
            }
        }

        return result;
    }

    private static ExecHook? FromAnnotations(IReadOnlyDictionary<string, string> annotations, List<string>? warnings)
    {
        if (!annotations.TryGetValue(ExecCommandAnnotation, out var command) || command.Length == 0)
        {
            return null;
        }

        TimeSpan Parse(string key)
        {
            if (!annotations.TryGetValue(key, out var text) || text.Length == 0)
            {
                return TimeSpan.Zero;
            }

            if (GoDuration.TryParse(text, out var value, out var error))
            {
                return value;
            }

            warnings?.Add($"annotation {key}: {error}; ignored");
            return TimeSpan.Zero;
        }

        var waitForReady = false;
        if (annotations.TryGetValue(ExecWaitForReadyAnnotation, out var ready) && ready.Length > 0 && !TryParseGoBool(ready, out waitForReady))
        {
            warnings?.Add($"annotation {ExecWaitForReadyAnnotation}: \"{ready}\" is not a boolean; ignored");
        }

        return new ExecHook(
            AnnotationHookName,
            "annotation",
            0,
            annotations.TryGetValue(ExecContainerAnnotation, out var c) ? c : string.Empty,
            ParseCommand(command),
            OnError(annotations.TryGetValue(ExecOnErrorAnnotation, out var e) ? e : null),
            Parse(ExecTimeoutAnnotation),
            Parse(ExecWaitTimeoutAnnotation),
            waitForReady);
    }

    // strconv.ParseBool.
    private static bool TryParseGoBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    // Only the exact words count; anything else is "unset", which behaves as Continue (docs/velero-compatibility.md#restore-hooks).
    private static HookOnError OnError(string? text) => text == "Fail" ? HookOnError.Fail : HookOnError.Continue;

    private static TimeSpan Duration(string? text) => GoDuration.TryParse(text, out var value, out _) && value > TimeSpan.Zero ? value : TimeSpan.Zero;

    private static GlobPattern[] Globs(List<string>? patterns) =>
        (patterns ?? new List<string>()).Select(p => GlobPattern.TryCompile(p, null, out var g, out _) ? g! : null).Where(g => g is not null).Select(g => g!).ToArray();

    private sealed class Entry
    {
        private readonly GlobPattern[] includes;
        private readonly GlobPattern[] excludes;
        private readonly LabelSelector? selector;

        public Entry(string name, GlobPattern[] includes, GlobPattern[] excludes, LabelSelector? selector, List<RestoreHookSpec> postHooks)
        {
            Name = name;
            this.includes = includes;
            this.excludes = excludes;
            this.selector = selector;
            PostHooks = postHooks;
        }

        public string Name { get; }

        public List<RestoreHookSpec> PostHooks { get; }

        // Velero's IncludesExcludes: excludes win; no includes or "*" includes everything.
        public bool AppliesTo(string ns, IReadOnlyDictionary<string, string> labels)
        {
            if (excludes.Any(g => g.IsMatch(ns)))
            {
                return false;
            }

            if (includes.Length > 0 && !includes.Any(g => g.Pattern == "*" || g.IsMatch(ns)))
            {
                return false;
            }

            return selector is null || selector.Matches(labels);
        }
    }
}

/// <summary>What a failed exec hook does to the rest (docs/velero-compatibility.md#restore-hooks).</summary>
internal enum HookOnError
{
    /// <summary>Log the failure and go on (the default).</summary>
    Continue,

    /// <summary>Stop every hook not yet run in this restore; the restore ends PartiallyFailed.</summary>
    Fail,
}

/// <summary>One exec hook for one pod, with Velero's defaults not yet applied (zero means unset).</summary>
internal sealed class ExecHook
{
    /// <summary>Creates a hook.</summary>
    public ExecHook(string name, string source, int index, string container, IReadOnlyList<string> command, HookOnError onError, TimeSpan execTimeout, TimeSpan waitTimeout, bool waitForReady)
    {
        Name = name;
        Source = source;
        Index = index;
        Container = container;
        Command = command;
        OnError = onError;
        ExecTimeout = execTimeout;
        WaitTimeout = waitTimeout;
        WaitForReady = waitForReady;
    }

    /// <summary>The spec entry's name, or <c>&lt;from-annotation&gt;</c>.</summary>
    public string Name { get; }

    /// <summary><c>annotation</c> or <c>spec</c>.</summary>
    public string Source { get; }

    /// <summary>Position in the spec entry's <c>postHooks</c>.</summary>
    public int Index { get; }

    /// <summary>The container to run in.</summary>
    public string Container { get; }

    /// <summary>The command (not run through a shell).</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>What a failure does.</summary>
    public HookOnError OnError { get; }

    /// <summary>How long the command may run; zero for Velero's default (30 s).</summary>
    public TimeSpan ExecTimeout { get; }

    /// <summary>How long to wait for the container, from when the pod was restored; zero waits without limit.</summary>
    public TimeSpan WaitTimeout { get; }

    /// <summary>Wait for the container to be Ready, not just running.</summary>
    public bool WaitForReady { get; }

    /// <summary>A copy for another container.</summary>
    public ExecHook WithContainer(string container) => new(Name, Source, Index, container, Command, OnError, ExecTimeout, WaitTimeout, WaitForReady);

    /// <summary>Short text for plans and logs: <c>hook-1 in container app: /bin/sh -c ...</c>.</summary>
    public string Describe() => $"{(Name == RestoreHookRules.AnnotationHookName ? "annotation hook" : "hook " + Name)} in container {Container}: {string.Join(" ", Command)}";
}

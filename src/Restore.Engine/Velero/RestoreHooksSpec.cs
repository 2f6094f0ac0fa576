using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Velero;

/// <summary><c>spec.hooks</c> of a Restore; run as Velero runs them (docs/velero-compatibility.md#restore-hooks).</summary>
internal sealed class RestoreHooksSpec
{
    /// <summary><c>resources</c>: hook sets, each for pods matching its selectors.</summary>
    public List<RestoreResourceHookSpec>? Resources { get; set; }

    /// <summary>A deep copy.</summary>
    public RestoreHooksSpec Clone() => new() { Resources = Resources?.Select(r => r.Clone()).ToList() };
}

/// <summary>One entry of <c>hooks.resources</c>.</summary>
internal sealed class RestoreResourceHookSpec
{
    /// <summary><c>name</c> (always written).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>includedNamespaces</c>.</summary>
    public List<string>? IncludedNamespaces { get; set; }

    /// <summary><c>excludedNamespaces</c>.</summary>
    public List<string>? ExcludedNamespaces { get; set; }

    /// <summary><c>includedResources</c>.</summary>
    public List<string>? IncludedResources { get; set; }

    /// <summary><c>excludedResources</c>.</summary>
    public List<string>? ExcludedResources { get; set; }

    /// <summary><c>labelSelector</c>.</summary>
    public LabelSelectorSpec? LabelSelector { get; set; }

    /// <summary><c>postHooks</c>.</summary>
    public List<RestoreHookSpec>? PostHooks { get; set; }

    /// <summary>A deep copy.</summary>
    public RestoreResourceHookSpec Clone() => new()
    {
        Name = Name,
        IncludedNamespaces = RestoreSpec.CopyList(IncludedNamespaces),
        ExcludedNamespaces = RestoreSpec.CopyList(ExcludedNamespaces),
        IncludedResources = RestoreSpec.CopyList(IncludedResources),
        ExcludedResources = RestoreSpec.CopyList(ExcludedResources),
        LabelSelector = LabelSelector?.Clone(),
        PostHooks = PostHooks?.Select(h => h.Clone()).ToList(),
    };
}

/// <summary>One post-restore hook: <c>exec</c> or <c>init</c>.</summary>
internal sealed class RestoreHookSpec
{
    /// <summary><c>exec</c>: a command run in a restored pod's container.</summary>
    public ExecRestoreHookSpec? Exec { get; set; }

    /// <summary><c>init</c>: init containers added to restored pods.</summary>
    public InitRestoreHookSpec? Init { get; set; }

    /// <summary>A deep copy.</summary>
    public RestoreHookSpec Clone() => new() { Exec = Exec?.Clone(), Init = Init?.Clone() };
}

/// <summary><c>exec</c> restore hook.</summary>
internal sealed class ExecRestoreHookSpec
{
    /// <summary><c>container</c>.</summary>
    public string? Container { get; set; }

    /// <summary><c>command</c>.</summary>
    public List<string>? Command { get; set; }

    /// <summary><c>onError</c>: <c>Continue</c> or <c>Fail</c>.</summary>
    public string? OnError { get; set; }

    /// <summary><c>execTimeout</c>, a Go duration string.</summary>
    public string? ExecTimeout { get; set; }

    /// <summary><c>waitTimeout</c>, a Go duration string.</summary>
    public string? WaitTimeout { get; set; }

    /// <summary><c>waitForReady</c>.</summary>
    public bool? WaitForReady { get; set; }

    /// <summary>A deep copy.</summary>
    public ExecRestoreHookSpec Clone() => new()
    {
        Container = Container,
        Command = RestoreSpec.CopyList(Command),
        OnError = OnError,
        ExecTimeout = ExecTimeout,
        WaitTimeout = WaitTimeout,
        WaitForReady = WaitForReady,
    };
}

/// <summary><c>init</c> restore hook.</summary>
internal sealed class InitRestoreHookSpec
{
    /// <summary><c>initContainers</c>: each container as compact JSON text (Velero keeps them raw).</summary>
    public List<string>? InitContainers { get; set; }

    /// <summary><c>timeout</c>, a Go duration string.</summary>
    public string? Timeout { get; set; }

    /// <summary>A deep copy.</summary>
    public InitRestoreHookSpec Clone() => new() { InitContainers = RestoreSpec.CopyList(InitContainers), Timeout = Timeout };
}

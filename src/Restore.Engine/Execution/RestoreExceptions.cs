using System;
using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Execution;

/// <summary>What kind of problem stopped a restore before it started (to pick an error category).</summary>
internal enum RestoreValidationProblem
{
    /// <summary>The spec or the request is invalid (Velero's FailedValidation messages, bad timeouts, bad name).</summary>
    InvalidArguments,

    /// <summary>The backup (or a completed backup of the schedule) does not exist.</summary>
    BackupNotFound,

    /// <summary>A kube context is missing from the kubeconfig.</summary>
    ContextNotFound,

    /// <summary>The folder target cannot be used (not absolute, not empty without Force, not writable).</summary>
    TargetUnusable,

    /// <summary>The resource modifier document or ConfigMap cannot be read or is invalid.</summary>
    ResourceModifier,

    /// <summary>No kubeconfig file: the one given does not exist, or none was found where kubectl looks.</summary>
    KubeConfigNotFound,

    /// <summary>The kubeconfig cannot be used: malformed, no context selected, a context whose cluster or user is missing.</summary>
    KubeConfigInvalid,
}

/// <summary>
/// The restore was not started because its arguments are invalid (Velero's <c>FailedValidation</c>). Nothing was
/// written: no record, no log. <see cref="Errors"/> holds every message.
/// </summary>
internal sealed class RestoreValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RestoreValidationException(RestoreValidationProblem problem, IReadOnlyList<string> errors)
        : this(problem, errors, null)
    {
    }

    /// <summary>Creates the exception, naming what the main problem is about.</summary>
    public RestoreValidationException(RestoreValidationProblem problem, IReadOnlyList<string> errors, string? subject)
        : base(Format(errors))
    {
        Problem = problem;
        Errors = errors ?? Array.Empty<string>();
        Subject = subject;
    }

    /// <summary>Creates the exception with one message.</summary>
    public RestoreValidationException(RestoreValidationProblem problem, string error)
        : this(problem, new[] { error })
    {
    }

    /// <summary>The main kind of problem (the first one found).</summary>
    public RestoreValidationProblem Problem { get; }

    /// <summary>Every validation message, in the order found.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>What the main problem is about when it names one thing (the kubeconfig file, the context); null otherwise.</summary>
    public string? Subject { get; }

    private static string Format(IReadOnlyList<string>? errors)
    {
        var list = errors ?? Array.Empty<string>();
        return list.Count switch
        {
            0 => "The restore is not valid.",
            1 => "The restore is not valid: " + list[0],
            _ => "The restore is not valid: " + string.Join("; ", list.Select(e => e.TrimEnd('.'))) + ".",
        };
    }
}

/// <summary>Another restore already holds the name (running or finished); nothing was changed.</summary>
internal sealed class RestoreNameInUseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RestoreNameInUseException(string restoreName, string location)
        : base($"A restore named '{restoreName}' already exists in {location} (another session may be running it). Choose another name, or remove the old restore with Remove-Restore.")
    {
        RestoreName = restoreName;
        Location = location;
    }

    /// <summary>The name asked for.</summary>
    public string RestoreName { get; }

    /// <summary>The storage location.</summary>
    public string Location { get; }
}

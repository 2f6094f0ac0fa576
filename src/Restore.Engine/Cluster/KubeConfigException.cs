using System;

namespace Restore.Engine.Cluster;

/// <summary>What kind of kubeconfig problem it is: callers pick an error id from it, never from the message.</summary>
internal enum KubeConfigProblem
{
    /// <summary>The configuration exists but cannot be used: malformed, no context selected, a missing entry, bad credentials.</summary>
    Invalid,

    /// <summary>No kubeconfig file: a given path does not exist, or none was found where kubectl looks.</summary>
    NotFound,

    /// <summary>The kubeconfig does not define the context asked for.</summary>
    ContextNotFound,
}

/// <summary>
/// A kubeconfig or in-cluster configuration problem: missing file, unknown context, malformed entry,
/// unusable credentials. The message names the file and entry and never contains secret values.
/// </summary>
internal class KubeConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KubeConfigException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KubeConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public KubeConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a given kind of problem and what it is about.</summary>
    public KubeConfigException(string message, KubeConfigProblem problem, string? subject)
        : base(message)
    {
        Problem = problem;
        Subject = subject;
    }

    /// <summary>The kind of problem.</summary>
    public KubeConfigProblem Problem { get; }

    /// <summary>What the problem is about, when it names one thing: the missing file (or the paths looked in), the context.</summary>
    public string? Subject { get; }
}

/// <summary>The requested kubeconfig context does not exist.</summary>
internal sealed class KubeConfigContextNotFoundException : KubeConfigException
{
    /// <summary>Creates the exception.</summary>
    public KubeConfigContextNotFoundException(string message, string context, string[] availableContexts)
        : base(message, KubeConfigProblem.ContextNotFound, context)
    {
        Context = context;
        AvailableContexts = availableContexts;
    }

    /// <summary>The context that was asked for.</summary>
    public string Context { get; }

    /// <summary>The contexts the kubeconfig does define.</summary>
    public string[] AvailableContexts { get; }
}

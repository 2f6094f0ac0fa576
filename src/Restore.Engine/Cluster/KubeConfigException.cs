using System;

namespace Restore.Engine.Cluster;

/// <summary>
/// A kubeconfig or in-cluster configuration problem: missing file, unknown context, malformed entry,
/// unusable credentials. The message names the file and entry and never contains secret values.
/// </summary>
public class KubeConfigException : Exception
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
}

/// <summary>The requested kubeconfig context does not exist.</summary>
public sealed class KubeConfigContextNotFoundException : KubeConfigException
{
    /// <summary>Creates the exception.</summary>
    public KubeConfigContextNotFoundException(string message, string context, string[] availableContexts)
        : base(message)
    {
        Context = context;
        AvailableContexts = availableContexts;
    }

    /// <summary>The context that was asked for.</summary>
    public string Context { get; }

    /// <summary>The contexts the kubeconfig does define.</summary>
    public string[] AvailableContexts { get; }
}

using System;

namespace Restore.Engine.Execution.Server;

/// <summary>Why a restore through the Velero server could not be started.</summary>
internal enum ServerRestoreProblem
{
    /// <summary>A parameter only the client implements was given.</summary>
    ClientOnlyParameter,

    /// <summary>The parameters are invalid as Velero would judge them.</summary>
    InvalidArgument,

    /// <summary>The cluster has no Velero CRDs or no Velero namespace.</summary>
    VeleroNotInstalled,

    /// <summary>The cluster's Velero has no Backup object of that name (or none for the schedule).</summary>
    BackupNotSynced,

    /// <summary>The backup's BackupStorageLocation is missing or points elsewhere than -StorageLocation.</summary>
    LocationMismatch,

    /// <summary>The backup's BackupStorageLocation is not Available.</summary>
    LocationUnavailable,

    /// <summary>Velero's plugin ConfigMap for a mapping exists already.</summary>
    PluginConfigConflict,

    /// <summary>A Restore object of that name exists already.</summary>
    NameInUse,

    /// <summary>The resource modifier document does not parse.</summary>
    ResourceModifier,
}

/// <summary>A restore through the Velero server could not be started; nothing was created in any cluster.</summary>
internal sealed class ServerRestoreException : Exception
{
    public ServerRestoreException(ServerRestoreProblem problem, string message, string? subject = null, Exception? inner = null)
        : base(message, inner)
    {
        Problem = problem;
        Subject = subject;
    }

    /// <summary>What went wrong.</summary>
    public ServerRestoreProblem Problem { get; }

    /// <summary>The parameter, context or object the problem is about, when it is about one.</summary>
    public string? Subject { get; }
}

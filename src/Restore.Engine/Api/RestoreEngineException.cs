using System;

namespace Restore.Engine.Api;

/// <summary>
/// A call of <see cref="RestoreEngine"/> (or <see cref="RestoreParameters"/>) failed. <see cref="Kind"/> says how;
/// the message says it in words (it names the location, backup, restore or parameter, never secret data), and the
/// inner exception, when there is one, is the engine's own.
/// </summary>
public sealed class RestoreEngineException : Exception
{
    internal RestoreEngineException(FailureKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What kind of failure it is.</summary>
    public FailureKind Kind { get; }

    /// <summary>The parameter (without the dash) that is invalid, for <see cref="FailureKind.InvalidArgument"/> and <see cref="FailureKind.ManifestInvalid"/> from parameters; else null.</summary>
    public string? Parameter { get; internal set; }

    /// <summary>The backup or restore the failure is about, when it is about one; else null.</summary>
    public string? Name { get; internal set; }

    /// <summary>What a validation or kubeconfig failure names, when it names one thing: the kubeconfig file, the context; else null.</summary>
    public string? Subject { get; internal set; }

    /// <summary>The key of the object in the storage location the failure is about, when there is one; else null.</summary>
    public string? Key { get; internal set; }

    /// <summary>True for the kinds that make a whole storage location unusable (the rest concern one backup, restore or object).</summary>
    public bool IsLocationFailure => Kind is FailureKind.StorageLocationInvalid or FailureKind.StorageNotFound or FailureKind.StorageAccessDenied
        or FailureKind.StorageCredentialsUnavailable or FailureKind.StorageUnreachable or FailureKind.NotAVeleroLocation;

    /// <summary>A parameter of <see cref="RestoreParameters"/> (or the manifest) is unusable; the message names it.</summary>
    internal static RestoreEngineException ForParameter(string parameter, string message) =>
        new(parameter == "Manifest" ? FailureKind.ManifestInvalid : FailureKind.InvalidArgument, message) { Parameter = parameter };
}

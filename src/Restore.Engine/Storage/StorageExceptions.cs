using System;

namespace Restore.Engine.Storage;

/// <summary>What went wrong with a storage location; the cmdlets map it to an error id and category.</summary>
internal enum StorageErrorKind
{
    /// <summary>The location string or an option is malformed (a bad argument).</summary>
    InvalidLocation,

    /// <summary>The bucket or the local folder does not exist.</summary>
    LocationNotFound,

    /// <summary>The store refused the identity used (wrong keys, missing permission).</summary>
    AccessDenied,

    /// <summary>No credentials could be found for an S3 location.</summary>
    CredentialsUnavailable,

    /// <summary>The endpoint could not be reached (DNS, connection, TLS, timeout).</summary>
    Unreachable,

    /// <summary>The prefix holds top-level folders Velero does not allow, so it is not a Velero location.</summary>
    NotAVeleroLocation,

    /// <summary>An object that must exist is missing.</summary>
    ObjectNotFound,

    /// <summary>No usable backup of that name (no <c>velero-backup.json</c>).</summary>
    BackupNotFound,

    /// <summary><c>velero-backup.json</c> exists but cannot be read as a Velero Backup.</summary>
    InvalidBackup,

    /// <summary>The backup exists but its tarball does not.</summary>
    TarballMissing,

    /// <summary>A write outside <c>restores/&lt;name&gt;/</c> was refused.</summary>
    WriteRefused,

    /// <summary>Any other store failure.</summary>
    Other,
}

/// <summary>A storage failure with a message that names the location, and the key when there is one.</summary>
internal class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageException(StorageErrorKind kind, string location, string message, string? key = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Location = location;
        Key = key;
    }

    /// <summary>What went wrong.</summary>
    public StorageErrorKind Kind { get; }

    /// <summary>The storage location as the user gave it (never contains credentials).</summary>
    public string Location { get; }

    /// <summary>The object key involved, when there is one.</summary>
    public string? Key { get; }
}

/// <summary>An object that was read does not exist.</summary>
internal sealed class ObjectNotFoundException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public ObjectNotFoundException(string location, string key, Exception? innerException = null)
        : base(StorageErrorKind.ObjectNotFound, location, $"'{key}' does not exist in {location}.", key, innerException)
    {
    }
}

/// <summary>No usable backup of the given name exists.</summary>
internal sealed class BackupNotFoundException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public BackupNotFoundException(string location, string backupName, string message, string? key = null)
        : base(StorageErrorKind.BackupNotFound, location, message, key)
    {
        BackupName = backupName;
    }

    /// <summary>The backup asked for.</summary>
    public string BackupName { get; }
}

/// <summary>A backup whose <c>velero-backup.json</c> cannot be read as a Velero Backup.</summary>
internal sealed class InvalidBackupException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public InvalidBackupException(string location, string backupName, string key, string message, Exception? innerException = null)
        : base(StorageErrorKind.InvalidBackup, location, message, key, innerException)
    {
        BackupName = backupName;
    }

    /// <summary>The backup whose metadata is bad.</summary>
    public string BackupName { get; }
}

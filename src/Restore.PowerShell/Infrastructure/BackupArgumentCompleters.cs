using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Shared plumbing of the completers that list a storage location: the location comes from the parameters
/// already typed (<c>-StorageLocation</c>, <c>-Endpoint</c>, <c>-Credential</c>…) or RESTORE_STORAGE_LOCATION, a
/// folder resolved against the PowerShell location; listing gives up after a few seconds so the prompt stays
/// responsive; any failure just means no suggestions.
/// </summary>
public abstract class StorageArgumentCompleter : IArgumentCompleter
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var settings = SettingsFrom(fakeBoundParameters);
            if (settings is null)
            {
                return Array.Empty<CompletionResult>();
            }

            using var engine = RestoreEngine.Open(settings, null);
            using var timeout = new CancellationTokenSource(Budget);
            var names = Task.Run(() => ListAsync(engine, timeout.Token), timeout.Token).GetAwaiter().GetResult();
            return CompletionSupport.Complete(names, wordToComplete);
        }
#pragma warning disable CA1031 // A completer that throws only loses the user's Tab; there is nothing to report to.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>The candidate values.</summary>
    protected abstract Task<IReadOnlyList<string>> ListAsync(RestoreEngine engine, CancellationToken cancellationToken);

    private static StorageLocationSettings? SettingsFrom(IDictionary bound)
    {
        var typed = CompletionSupport.Text(bound, nameof(StorageCmdletBase.StorageLocation)) ?? Environment.GetEnvironmentVariable(StorageCmdletBase.StorageLocationVariable);
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }

        // A folder that cannot be resolved offers nothing, rather than a guess from the process's directory.
        var location = StorageCmdletBase.ResolveLocation(typed!.Trim(), path => CompletionSupport.ResolvePath(path) ?? string.Empty);
        if (location.Length == 0)
        {
            return null;
        }

        var options = new StorageLocationSettings
        {
            Location = location,
            Endpoint = CompletionSupport.Text(bound, nameof(StorageCmdletBase.Endpoint)),
            Region = CompletionSupport.Text(bound, nameof(StorageCmdletBase.Region)),
            ProfileName = CompletionSupport.Text(bound, nameof(StorageCmdletBase.ProfileName)),
            GoogleCredentialFile = CompletionSupport.Text(bound, nameof(StorageCmdletBase.GoogleCredentialFile)) is { } keyFile ? CompletionSupport.ResolvePath(keyFile) : null,
            CaBundlePath = CompletionSupport.Text(bound, nameof(StorageCmdletBase.CaBundle)) is { } bundle ? CompletionSupport.ResolvePath(bundle) : null,
            SkipCertificateCheck = LanguagePrimitives.IsTrue(CompletionSupport.Value(bound, nameof(StorageCmdletBase.SkipCertificateCheck))),
            MaxRetries = 0,
            AzureCredentialSource = CompletionSupport.Text(bound, nameof(StorageCmdletBase.AzureCredentialSource)),
            SasToken = CompletionSupport.Value(bound, nameof(StorageCmdletBase.SasToken)) as System.Security.SecureString,
        };
        if (CompletionSupport.Value(bound, nameof(StorageCmdletBase.Credential)) is PSCredential credential && credential != PSCredential.Empty)
        {
            options.AccessKeyId = credential.UserName;
            options.SecretAccessKey = credential.Password;
        }

        return options;
    }
}

/// <summary>Completes backup names from the storage location.</summary>
public sealed class BackupNameCompleter : StorageArgumentCompleter
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListAsync(RestoreEngine engine, CancellationToken cancellationToken) =>
        engine?.ListBackupNamesAsync(cancellationToken) ?? throw new ArgumentNullException(nameof(engine));
}

/// <summary>Completes schedule names (label <c>velero.io/schedule-name</c> of the stored backups).</summary>
public sealed class ScheduleNameCompleter : StorageArgumentCompleter
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListAsync(RestoreEngine engine, CancellationToken cancellationToken) =>
        engine?.ListScheduleNamesAsync(cancellationToken) ?? throw new ArgumentNullException(nameof(engine));
}

/// <summary>Completes Velero's backup phases.</summary>
public sealed class BackupPhaseCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(BackupInfo.Phases, wordToComplete);
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Shared plumbing of the completers that list a storage location: the location comes from the parameters
/// already typed (<c>-StorageLocation</c>, <c>-Endpoint</c>…) or RESTORE_STORAGE_LOCATION; listing gives up
/// after a few seconds so the prompt stays responsive; any failure just means no suggestions.
/// </summary>
public abstract class StorageArgumentCompleter : IArgumentCompleter
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var options = OptionsFrom(fakeBoundParameters);
            if (options is null)
            {
                return Array.Empty<CompletionResult>();
            }

            using var location = StorageLocation.Open(options, NullEngineLog.Instance);
            using var timeout = new CancellationTokenSource(Budget);
            var names = Task.Run(() => ListAsync(new BackupStore(location, null), timeout.Token)).GetAwaiter().GetResult();
            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return names.Where(pattern.IsMatch).Select(Result).ToList();
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException or ArgumentException or InvalidOperationException or System.IO.IOException)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>The candidate values.</summary>
    protected abstract Task<IReadOnlyList<string>> ListAsync(BackupStore store, CancellationToken cancellationToken);

    private static CompletionResult Result(string value)
    {
        var text = value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#' }) >= 0 ? "'" + value.Replace("'", "''") + "'" : value;
        return new CompletionResult(text, value, CompletionResultType.ParameterValue, value);
    }

    private static StorageLocationOptions? OptionsFrom(IDictionary bound)
    {
        var location = Text(bound, "StorageLocation") ?? Environment.GetEnvironmentVariable(StorageCmdletBase.StorageLocationVariable);
        if (string.IsNullOrWhiteSpace(location))
        {
            return null;
        }

        var options = new StorageLocationOptions
        {
            Location = StorageCmdletBase.ResolveLocation(location!, ResolveAgainstCurrentLocation),
            Endpoint = Text(bound, "Endpoint"),
            Region = Text(bound, "Region"),
            ProfileName = Text(bound, "ProfileName"),
            CaBundlePath = Text(bound, "CaBundle") is { } bundle ? ResolveAgainstCurrentLocation(bundle) : null,
            SkipCertificateCheck = bound.Contains("SkipCertificateCheck") && LanguagePrimitives.IsTrue(bound["SkipCertificateCheck"]),
            MaxRetries = 0,
        };
        if (bound.Contains("Credential") && bound["Credential"] is PSCredential credential && credential != PSCredential.Empty)
        {
            options.AccessKeyId = credential.UserName;
            options.SecretAccessKey = credential.Password;
        }

        return options;
    }

    private static string? Text(IDictionary bound, string name)
    {
        if (!bound.Contains(name))
        {
            return null;
        }

        var value = bound[name];
        var text = (value is PSObject wrapped ? wrapped.BaseObject : value)?.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    private static string ResolveAgainstCurrentLocation(string path)
    {
        var current = Runspace.DefaultRunspace?.SessionStateProxy?.Path?.CurrentFileSystemLocation?.ProviderPath;
        return current is null ? path : System.IO.Path.Combine(current, path);
    }
}

/// <summary>Completes backup names from the storage location.</summary>
public sealed class BackupNameCompleter : StorageArgumentCompleter
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListAsync(BackupStore store, CancellationToken cancellationToken) =>
        store?.ListBackupNamesAsync(cancellationToken) ?? throw new ArgumentNullException(nameof(store));
}

/// <summary>Completes schedule names (label <c>velero.io/schedule-name</c> of the stored backups).</summary>
public sealed class ScheduleNameCompleter : StorageArgumentCompleter
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListAsync(BackupStore store, CancellationToken cancellationToken) =>
        store?.ListScheduleNamesAsync(cancellationToken) ?? throw new ArgumentNullException(nameof(store));
}

/// <summary>Completes Velero's backup phases.</summary>
public sealed class BackupPhaseCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty) + "*", WildcardOptions.IgnoreCase);
        return BackupPhase.All.Where(pattern.IsMatch).Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p));
    }
}

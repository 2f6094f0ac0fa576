using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Cluster;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Velero;

namespace Restore.PowerShell.Infrastructure;

/// <summary>Completes restore names from the storage location.</summary>
public sealed class RestoreNameCompleter : StorageArgumentCompleter
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListAsync(BackupStore store, CancellationToken cancellationToken) =>
        new RestoreCatalog((store ?? throw new ArgumentNullException(nameof(store))).Location).ListNamesAsync(cancellationToken);
}

/// <summary>Completes the statuses Get-Restore filters on: Velero's restore phases, Running and Abandoned.</summary>
public sealed class RestoreStatusCompleter : IArgumentCompleter
{
    private static readonly string[] Statuses =
    {
        RestorePhase.New, RestorePhase.FailedValidation, RestorePhase.InProgress, RestorePhase.Completed,
        RestorePhase.PartiallyFailed, RestorePhase.Failed, "Running", "Abandoned", "Canceled",
    };

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return Statuses.Where(pattern.IsMatch).Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, s));
    }
}

/// <summary>
/// Completes kubeconfig context names: from the file in <c>-KubeConfig</c> when typed, else <c>$env:KUBECONFIG</c>
/// or <c>~/.kube/config</c>. A kubeconfig that cannot be read just gives no suggestions.
/// </summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<string> contexts;
        try
        {
            var path = fakeBoundParameters is not null && fakeBoundParameters.Contains("KubeConfig") ? fakeBoundParameters["KubeConfig"]?.ToString() : null;
            contexts = KubeConfig.Read(string.IsNullOrWhiteSpace(path) ? null : FromCurrentLocation(path!)).ContextNames;
        }
        catch (Exception ex) when (ex is KubeConfigException or System.IO.IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException)
        {
            return Array.Empty<CompletionResult>();
        }

        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return contexts.Where(pattern.IsMatch).Select(Result).ToList();
    }

    private static string FromCurrentLocation(string path)
    {
        var current = System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.SessionStateProxy?.Path?.CurrentFileSystemLocation?.ProviderPath;
        return current is null ? path : System.IO.Path.Combine(current, path.Trim('\'', '"'));
    }

    private static CompletionResult Result(string context)
    {
        var text = context.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#' }) >= 0 ? "'" + context.Replace("'", "''") + "'" : context;
        return new CompletionResult(text, context, CompletionResultType.ParameterValue, context);
    }
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>Completes restore names from the storage location.</summary>
public sealed class RestoreNameCompleter : StorageArgumentCompleter
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<string>> ListAsync(RestoreEngine engine, CancellationToken cancellationToken) =>
        engine?.ListRestoreNamesAsync(cancellationToken) ?? throw new ArgumentNullException(nameof(engine));
}

/// <summary>Completes the statuses Get-Restore filters on: Velero's restore phases, Running and Abandoned.</summary>
public sealed class RestoreStatusCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(RestorePhases.Statuses, wordToComplete);
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
        try
        {
            string? paths = null;
            if (CompletionSupport.Text(fakeBoundParameters, "KubeConfig") is { } typed)
            {
                // Like the cmdlet: a list of files, as in $env:KUBECONFIG, each resolved against the PowerShell location.
                var parts = typed.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries).Select(CompletionSupport.ResolvePath).ToList();
                if (parts.Any(p => p is null))
                {
                    return Array.Empty<CompletionResult>();
                }

                paths = string.Join(Path.PathSeparator.ToString(), parts);
            }

            return CompletionSupport.Complete(RestoreEngine.ListKubeContexts(paths), wordToComplete);
        }
#pragma warning disable CA1031 // A completer that throws only loses the user's Tab; an unreadable kubeconfig just gives no suggestions.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Array.Empty<CompletionResult>();
        }
    }
}

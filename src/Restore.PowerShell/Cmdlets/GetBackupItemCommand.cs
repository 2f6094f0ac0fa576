using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the Kubernetes items inside a backup.</para>
/// <para type="description">Streams the backup tarball without extracting it; one object per item.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BackupItem", DefaultParameterSetName = ByNameSet, HelpUri = HelpLinks.Docs + "Get-BackupItem.md")]
[OutputType(typeof(BackupItem))]
public sealed class GetBackupItemCommand : StorageCmdletBase
{
    private const string ByNameSet = "ByName";
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The backup to read. Binds from the Backup (or Name) property of Get-Backup output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [Alias("BackupName")]
    [ArgumentCompleter(typeof(BackupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Backup { get; set; } = string.Empty;

    /// <summary>Only items in these namespaces; wildcards allowed. Cluster-scoped items are left out when given.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>Only these resources, as <c>resource.group</c> (<c>deployments.apps</c>, <c>*.apps</c>) or a bare resource name; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Resource { get; set; }

    /// <summary>Only items with these names; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? ItemName { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var engine = OpenEngine();
        var backup = Backup;
        var filter = BuildFilter();
        var activity = $"Reading backup {backup}";
        var progressId = Math.Abs(backup.GetHashCode() % 1000) + 1;
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var progressShown = false;
        var progress = new CallbackProgress<BackupScanProgress>(p =>
        {
            if (clock.Elapsed - lastProgress < ProgressInterval)
            {
                return;
            }

            lastProgress = clock.Elapsed;
            var record = new ProgressRecord(progressId, activity, $"{p.ItemsSeen} items");
            if (p.CompressedLength is > 0)
            {
                record.PercentComplete = (int)Math.Min(100, p.CompressedBytesRead * 100 / p.CompressedLength.Value);
            }

            Post(() =>
            {
                progressShown = true;
                WriteProgress(record);
            });
        });

        try
        {
            var result = RunEngine(async token =>
            {
                await engine.VerifyAsync(token).ConfigureAwait(false);
                return await engine.ScanBackupItemsAsync(backup, filter, item => Post(() => Emit(item)), progress, token).ConfigureAwait(false);
            });
            if (!result.HasResources)
            {
                WriteWarning($"The backup '{backup}' has no resources/ folder: it holds no items.");
            }
        }
        catch (RestoreEngineException ex) when (ex.IsLocationFailure)
        {
            ThrowTerminatingError(FailureRecord(ex, engine.Location));
        }
        catch (RestoreEngineException ex)
        {
            WriteError(FailureRecord(ex, backup));
        }
        catch (IOException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIdPrefix + "ReadFailed", ErrorCategory.ReadError, backup));
        }
        finally
        {
            if (progressShown)
            {
                WriteProgress(new ProgressRecord(progressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    private static List<WildcardPattern>? Patterns(IEnumerable<string>? values) =>
        values?.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToList();

    private Func<string, string, string, bool>? BuildFilter()
    {
        var namespaces = Patterns(Namespace);
        var resources = Resource?.Select(r => (Pattern: new WildcardPattern(r, WildcardOptions.IgnoreCase), Bare: r.IndexOf('.') < 0)).ToList();
        var names = Patterns(ItemName);
        if (namespaces is null && resources is null && names is null)
        {
            return null;
        }

        return (groupResource, ns, name) =>
        {
            if (namespaces is not null && (ns.Length == 0 || !namespaces.Any(p => p.IsMatch(ns))))
            {
                return false;
            }

            if (resources is not null)
            {
                // "deployments" means deployments of any group, as users type it; "deployments.apps" is exact.
                var dot = groupResource.IndexOf('.');
                var resource = dot < 0 ? groupResource : groupResource.Substring(0, dot);
                if (!resources.Any(r => r.Pattern.IsMatch(groupResource) || (r.Bare && r.Pattern.IsMatch(resource))))
                {
                    return false;
                }
            }

            return names is null || names.Any(p => p.IsMatch(name));
        };
    }

    private void Emit(BackupItem item)
    {
        if (item.DecodeError is null)
        {
            WriteObject(item);
            return;
        }

        WriteError(new ErrorRecord(
            new InvalidDataException(item.DecodeError),
            ErrorIdPrefix + "InvalidItem",
            ErrorCategory.InvalidData,
            item));
    }
}

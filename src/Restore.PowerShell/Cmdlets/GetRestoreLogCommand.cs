using System.Collections.Generic;
using System.Management.Automation;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the log of a restore, also while it runs.</para>
/// <para type="description">Reads restore-&lt;name&gt;-logs.gz from the storage location: one object per line (time, level, message, fields), or the text lines with -Raw.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "RestoreLog", DefaultParameterSetName = EntriesSet, HelpUri = HelpLinks.Docs + "Get-RestoreLog.md")]
[OutputType(typeof(RestoreLogEntry), ParameterSetName = new[] { EntriesSet })]
[OutputType(typeof(string), ParameterSetName = new[] { RawSet })]
public sealed class GetRestoreLogCommand : RestoreRecordCmdletBase
{
    private const string EntriesSet = "Entries";
    private const string RawSet = "Raw";

    /// <summary>The restore(s); wildcards allowed. Binds from the Name property of Get-Restore output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("RestoreName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RestoreNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <summary>The lowest level shown: Trace, Debug, Info, Warning or Error. Default: every line.</summary>
    [Parameter(ParameterSetName = EntriesSet)]
    [Parameter(ParameterSetName = RawSet)]
    public RestoreLogLevel Level { get; set; } = RestoreLogLevel.Trace;

    /// <summary>Only the last n lines (after -Level), per restore.</summary>
    [Parameter(ParameterSetName = EntriesSet)]
    [Parameter(ParameterSetName = RawSet)]
    [ValidateRange(0, int.MaxValue)]
    public int Tail { get; set; } = -1;

    /// <summary>Output the log lines as text, exactly as stored, instead of parsed entries.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RawSet)]
    public SwitchParameter Raw { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var raw = Raw.IsPresent;
        var level = Level;
        int? tail = Tail >= 0 ? Tail : null;
        RunWithEngine(async (engine, token) =>
        {
            foreach (var name in await ResolveNamesAsync(engine, Name, token).ConfigureAwait(false))
            {
                IReadOnlyList<RestoreLogEntry>? entries;
                try
                {
                    entries = await engine.ReadRestoreLogAsync(name, level, tail, token).ConfigureAwait(false);
                }
                catch (RestoreEngineException problem) when (problem.Kind == FailureKind.RecordInvalid)
                {
                    Post(() => WriteError(InvalidRecord(problem)));
                    continue;
                }

                if (entries is null)
                {
                    Post(() => WriteVerbose($"{name}: no log yet."));
                    continue;
                }

                Post(() =>
                {
                    foreach (var entry in entries)
                    {
                        WriteObject(raw ? entry.Line : entry);
                    }
                });
            }
        });
    }
}

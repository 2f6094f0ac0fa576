using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Restore.Engine.Api;
using Restore.PowerShell.Infrastructure;

namespace Restore.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Restores Kubernetes objects from a Velero backup into clusters or into a folder of manifests.</para>
/// <para type="description">Plans the restore, then restores in priority order, in parallel within each tier, while writing its record, log and results under restores/&lt;name&gt;/ in the storage location. Emits the finished Restore object.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "Restore", SupportsShouldProcess = true, DefaultParameterSetName = BackupSet, HelpUri = HelpLinks.Docs + "New-Restore.md")]
[OutputType(typeof(RestoreInfo))]
[OutputType(typeof(Job))]
public sealed class NewRestoreCommand : RestoreSpecCmdletBase
{
    /// <summary>The restore's name. Default: the backup (or schedule) name and the local time, yyyyMMddHHmmss.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Free text kept with the restore record.</summary>
    [Parameter]
    [ValidateNotNull]
    public string? Description { get; set; }

    /// <summary>Labels of the restore record.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? Label { get; set; }

    /// <summary>With -ToDirectory: write into a folder that is not empty, replacing files of the same name.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Items in flight per target (0 means one per processor).</summary>
    // The help's default values come from the engine's constants, so they cannot drift from what runs.
    [Parameter]
    [PSDefaultValue(Value = RestoreParameters.DefaultParallel)]
    [ValidateRange(0, 1024)]
    public int Parallel { get; set; }

    /// <summary>Requests per second per cluster.</summary>
    [Parameter]
    [PSDefaultValue(Value = RestoreParameters.DefaultQps)]
    [ValidateRange(0.1, 1000000.0)]
    public double Qps { get; set; }

    /// <summary>Request burst per cluster.</summary>
    [Parameter]
    [PSDefaultValue(Value = RestoreParameters.DefaultBurst, Help = "twice -Qps when -Qps is given")]
    [ValidateRange(1, 1000000)]
    public int Burst { get; set; }

    /// <summary>Longest time one item may take: 10m, 1h30m or 00:10:00.</summary>
    [Parameter]
    [PSDefaultValue(Value = RestoreParameters.DefaultItemOperationTimeout)]
    [ValidateNotNullOrEmpty]
    public string? ItemOperationTimeout { get; set; }

    /// <summary>Longest time the whole restore may take: 2h or 02:00:00 (default: no limit).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Timeout { get; set; }

    /// <summary>Run the restore as a background job and return the job.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Let the Velero server in each cluster run the restore: create a velero.io/v1 Restore there and follow it.</summary>
    [Parameter]
    public SwitchParameter Server { get; set; }

    /// <summary>With -Server: return once the Restore objects are created, without waiting for them to end.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    private ServerRestoreRunner? following;

    /// <inheritdoc />
    protected override bool AcceptsBackupPerContext => Server.IsPresent;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Server.IsPresent)
        {
            ProcessServerRestore();
            return;
        }

        foreach (var serverOnly in new[] { nameof(NoWait) }.Where(MyInvocation.BoundParameters.ContainsKey))
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException($"-{serverOnly} applies only to restores through the Velero server: add -Server, or leave -{serverOnly} out."),
                ErrorIdPrefix + "InvalidArgument",
                ErrorCategory.InvalidArgument,
                serverOnly));
        }

        var parameters = NewRestoreParameters();
        ValidateParameters(parameters);
        var engine = OpenEngine();

        // -WhatIf and -Confirm are answered here, also for -AsJob: one line per target, and only approved targets run.
        RestoreWhatIf preview;
        try
        {
            preview = RunEngine(async token =>
            {
                await engine.VerifyAsync(token).ConfigureAwait(false);
                return await engine.DescribeAsync(parameters, token).ConfigureAwait(false);
            });
        }
        catch (Exception ex) when (RestoreErrorRecord(ex, BackupName ?? Schedule ?? Manifest) is { } record)
        {
            ThrowTerminatingError(record);
            return;
        }

        // The default name has the time in it: keep the one -WhatIf showed.
        parameters.Name = preview.RestoreName;
        parameters.NameIsDefault = preview.NameIsDefault;
        if (!Approve(preview, parameters))
        {
            return;
        }

        if (AsJob.IsPresent)
        {
            StartJob(parameters, preview.BackupName, ResolveStorageSettings());
            return;
        }

        var runner = new RestoreRunner(new PipelineStreams(this), ErrorIdPrefix);
        try
        {
            // Once started, only Ctrl+C (or -Timeout) stops the restore; a write that throws is rethrown after it ended.
            RunEngine(token => runner.RunAsync(engine, parameters, preview.BackupName, token), finishOnWriteFailure: true);
        }
        catch (Exception ex) when (RestoreErrorRecord(ex, BackupName ?? Schedule ?? Manifest) is { } record)
        {
            ThrowTerminatingError(record);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        if (following?.Following is { } name)
        {
            try
            {
                // The pipeline takes no more writes once it stops; the host still shows this line.
                Host.UI.WriteWarningLine(ServerRestoreRunner.StoppedNote(name, following.Clusters ?? "the cluster"));
            }
            catch (Exception ex) when (ex is PSInvalidOperationException or NotImplementedException or InvalidOperationException or System.IO.IOException)
            {
                // A host without a console: Get-Restore -Context still shows the restore.
            }
        }

        base.StopProcessing();
    }

    /// <summary>New-Restore -Server: Velero runs the restore; this command creates the Restore objects and follows them.</summary>
    private void ProcessServerRestore()
    {
        var parameters = NewRestoreParameters();
        var request = new ServerRestoreRequest
        {
            Parameters = parameters,
            VeleroNamespace = VeleroNamespace ?? "velero",
            BackupByContext = BackupByContext,
            StorageLocation = HasStorageLocation ? ResolveStorageSettings() : null,
        };

        ServerRestorePreview preview;
        try
        {
            preview = VeleroServer.Describe(request);
        }
        catch (RestoreEngineException ex)
        {
            ThrowTerminatingError(RestoreErrorRecord(ex, BackupName ?? Schedule ?? Manifest)!);
            return;
        }

        parameters.Name = preview.RestoreName;
        var approved = preview.Contexts.Where((context, i) => ShouldProcess(preview.Lines[i], preview.Lines[i] + "?", "New-Restore")).ToList();
        if (approved.Count == 0)
        {
            return;
        }

        parameters.Context = approved;
        if (AsJob.IsPresent)
        {
            var job = new RestoreJob(MyInvocation.Line, parameters.Name ?? "New-Restore");
            var prefix = ErrorIdPrefix;
            var noWait = NoWait.IsPresent;
            job.Start(
                async token =>
                {
                    var runner = new ServerRestoreRunner(job, prefix);
                    await runner.RunAsync(request, noWait, token).ConfigureAwait(false);
                    return runner.Failure;
                },
                ex => (ex is RestoreEngineException failure ? FailureErrors.Record(failure, prefix, failure.Subject ?? failure.Parameter) : null)
                    ?? new ErrorRecord(ex, prefix + "Failed", ErrorCategory.NotSpecified, parameters.Name));
            JobRepository.Add(job);
            WriteObject(job);
            return;
        }

        following = new ServerRestoreRunner(new PipelineStreams(this), ErrorIdPrefix);
        try
        {
            RunEngine(token => following.RunAsync(request, NoWait.IsPresent, token), finishOnWriteFailure: true);
        }
        catch (Exception ex) when (RestoreErrorRecord(ex, BackupName ?? Schedule ?? Manifest) is { } record)
        {
            ThrowTerminatingError(record);
        }
    }

    private RestoreParameters NewRestoreParameters()
    {
        var parameters = BuildParameters();
        var bound = MyInvocation.BoundParameters;
        parameters.Name = Name;
        parameters.Description = Description;
        parameters.Label = Unwrap(Label);
        parameters.Force = Force.IsPresent;
        parameters.Parallel = bound.ContainsKey(nameof(Parallel)) ? Parallel : null;
        parameters.Qps = bound.ContainsKey(nameof(Qps)) ? Qps : null;
        parameters.Burst = bound.ContainsKey(nameof(Burst)) ? Burst : null;
        parameters.ItemOperationTimeout = ItemOperationTimeout;
        parameters.Timeout = Timeout;
        return parameters;
    }

    /// <summary>Asks ShouldProcess once per target; narrows the request to the approved cluster contexts. False when none is approved.</summary>
    private bool Approve(RestoreWhatIf preview, RestoreParameters parameters)
    {
        var approved = new List<RestoreTargetInfo>();
        for (var i = 0; i < preview.Lines.Count; i++)
        {
            var line = preview.Lines[i];
            if (ShouldProcess(line, line + "?", "New-Restore") && i < preview.Targets.Count)
            {
                approved.Add(preview.Targets[i]);
            }
        }

        if (approved.Count == 0)
        {
            return false;
        }

        var clusters = preview.Targets.Where(t => !t.IsDirectory).ToList();
        if (clusters.Count > 1 && approved.Count < clusters.Count)
        {
            parameters.Context = approved.Where(t => !t.IsDirectory).Select(t => t.Name).ToList();
        }

        return true;
    }

    private void StartJob(RestoreParameters parameters, string backup, StorageLocationSettings settings)
    {
        var job = new RestoreJob(MyInvocation.Line, parameters.Name ?? "New-Restore");
        var prefix = ErrorIdPrefix;
        var target = BackupName ?? Schedule ?? Manifest;
        job.Start(
            async token =>
            {
                // The job owns its own connection: the cmdlet's is disposed when the command returns.
                var runner = new RestoreRunner(job, prefix);
                using var engine = RestoreEngine.Open(settings, runner.Log);
                await engine.VerifyAsync(token).ConfigureAwait(false);
                await runner.RunAsync(engine, parameters, backup, token).ConfigureAwait(false);

                // A Failed restore fails its job; the errors that say why are in the job's error stream already.
                return runner.Failure;
            },
            ex => RestoreErrorRecord(ex, target) ?? new ErrorRecord(ex, prefix + "Failed", ErrorCategory.NotSpecified, target));
        JobRepository.Add(job);
        WriteObject(job);
    }

    /// <summary>The cmdlet's own streams, written on the pipeline thread through Post.</summary>
    private sealed class PipelineStreams : IRestoreStreams
    {
        private readonly NewRestoreCommand cmdlet;

        public PipelineStreams(NewRestoreCommand cmdlet) => this.cmdlet = cmdlet;

        public void Output(object value) => cmdlet.Post(() => cmdlet.WriteObject(value));

        public void Error(ErrorRecord error) => cmdlet.Post(() => cmdlet.WriteError(error));

        public void Warning(string message) => cmdlet.Post(() => cmdlet.WriteWarning(message));

        public void Verbose(string message) => cmdlet.Post(() => cmdlet.WriteVerbose(message));

        public void Debug(string message) => cmdlet.Post(() => cmdlet.WriteDebug(message));

        public void Progress(ProgressRecord progress) => cmdlet.Post(() => cmdlet.WriteProgress(progress));
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;
using System.Threading.Tasks;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// Base for every cmdlet that reads backups or restore records: the storage location parameters
/// (<c>-StorageLocation</c>, <c>-Region</c>, <c>-Endpoint</c>, <c>-Credential</c>, <c>-ProfileName</c>,
/// <c>-CaBundle</c>, <c>-SkipCertificateCheck</c>), their default, the engine opened over them, and the error records
/// of the engine's failures, with ids <c>&lt;Cmdlet&gt;&lt;Problem&gt;</c> (<see cref="FailureErrors"/>).
/// </summary>
public abstract class StorageCmdletBase : RestoreCmdletBase
{
    /// <summary>Environment variable read when <c>-StorageLocation</c> is not given.</summary>
    public const string StorageLocationVariable = "RESTORE_STORAGE_LOCATION";

    private readonly Dictionary<string, RestoreEngine> opened = new(StringComparer.Ordinal);
    private ILogSink? engineLog;

    /// <summary>
    /// The backup storage location: a folder (the one holding <c>backups/</c>), <c>s3://bucket[/prefix]</c>,
    /// <c>gs://bucket[/prefix]</c> or <c>azure://account/container[/prefix]</c> (also <c>https://account.blob.core.windows.net/container[/prefix]</c>).
    /// Default: the environment variable RESTORE_STORAGE_LOCATION.
    /// </summary>
    // No ValidateNotNullOrEmpty: restores read from clusters (Get-Restore -Context) pipe an empty location, which means "not given".
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? StorageLocation { get; set; }

    /// <summary>S3 region (the signing region for S3-compatible stores).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Region { get; set; }

    /// <summary>URL of an S3-compatible store (MinIO, Ceph RGW…; path-style addressing is used), of an Azure account's blob service (sovereign clouds, Azurite), or of a Cloud Storage private endpoint or emulator for gs://.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Endpoint { get; set; }

    /// <summary>S3 access key id (user name) and secret access key (password); for Azure, the storage account name and an account key.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>AWS shared credentials/config profile.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ProfileName { get; set; }

    /// <summary>gs:// locations: a Google credential JSON file (service-account key or workload identity federation configuration); default: application default credentials.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? GoogleCredentialFile { get; set; }

    /// <summary>PEM file with the CA certificate(s) that signed the endpoint's certificate.</summary>
    [Parameter]
    public string? CaBundle { get; set; }

    /// <summary>Accept any TLS certificate from the endpoint (unsafe; a warning is written).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Azure locations: the Entra ID credential to use (managed identity, workload identity, environment, Azure CLI or PowerShell sign-in, or the Default chain).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Default", "ManagedIdentity", "WorkloadIdentity", "Environment", "AzureCli", "AzurePowerShell")]
    public string? AzureCredentialSource { get; set; }

    /// <summary>Azure locations: a shared access signature token for the container.</summary>
    [Parameter]
    public System.Security.SecureString? SasToken { get; set; }

    /// <summary>The cmdlet's name without the dash (<c>GetBackup</c>), the start of every error id.</summary>
    protected string ErrorIdPrefix
    {
        get
        {
            var attribute = GetType().GetCustomAttribute<CmdletAttribute>();
            return attribute is null ? GetType().Name.Replace("Command", string.Empty) : attribute.VerbName + attribute.NounName;
        }
    }

    /// <summary>True when a storage location is given (-StorageLocation or the environment variable).</summary>
    protected bool HasStorageLocation =>
        !string.IsNullOrWhiteSpace(StorageLocation) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(StorageLocationVariable));

    /// <summary>An engine log that writes warnings to the warning stream and the rest to verbose and debug, from any thread.</summary>
    protected ILogSink EngineLog => engineLog ??= new PostingLog(this);

    /// <summary>
    /// Builds the engine options from the parameters: the environment default, local paths resolved against the
    /// current PowerShell location, the credential split into key id and secret. Terminating error
    /// <c>&lt;Cmdlet&gt;StorageLocationMissing</c> when no location is given or set.
    /// </summary>
    protected StorageLocationSettings ResolveStorageSettings()
    {
        var location = string.IsNullOrWhiteSpace(StorageLocation) ? Environment.GetEnvironmentVariable(StorageLocationVariable) : StorageLocation;
        if (string.IsNullOrWhiteSpace(location))
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException($"No storage location: give -StorageLocation (a folder, s3://bucket[/prefix], gs://bucket[/prefix] or azure://account/container[/prefix]) or set the environment variable {StorageLocationVariable}."),
                ErrorIdPrefix + "StorageLocationMissing",
                ErrorCategory.InvalidArgument,
                null));
        }

        var options = new StorageLocationSettings
        {
            Location = ResolveLocation(location!.Trim(), path => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)),
            Region = NullIfEmpty(Region),
            Endpoint = NullIfEmpty(Endpoint),
            ProfileName = NullIfEmpty(ProfileName),
            GoogleCredentialFile = string.IsNullOrWhiteSpace(GoogleCredentialFile) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(GoogleCredentialFile!.Trim()),
            CaBundlePath = string.IsNullOrEmpty(CaBundle) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CaBundle),
            SkipCertificateCheck = SkipCertificateCheck.IsPresent,
            AzureCredentialSource = NullIfEmpty(AzureCredentialSource),
            SasToken = SasToken,
        };
        if (Credential is not null && Credential != PSCredential.Empty)
        {
            options.AccessKeyId = Credential.UserName;
            options.SecretAccessKey = Credential.Password;
        }

        return options;
    }

    /// <summary>
    /// The engine over the location named by the parameters (opened once per distinct location in this invocation);
    /// throws a terminating error for a malformed location. Call on the pipeline thread.
    /// </summary>
    protected RestoreEngine OpenEngine()
    {
        var options = ResolveStorageSettings();
        var key = string.Join("\n", options.Location, options.Endpoint, options.Region, options.ProfileName, options.GoogleCredentialFile, options.AccessKeyId, options.CaBundlePath, options.SkipCertificateCheck.ToString(), options.AzureCredentialSource, (options.SasToken is not null).ToString());
        if (opened.TryGetValue(key, out var existing))
        {
            return existing;
        }

        try
        {
            var engine = RestoreEngine.Open(options, EngineLog);
            opened[key] = engine;
            return engine;
        }
        catch (RestoreEngineException ex)
        {
            ThrowTerminatingError(FailureRecord(ex, WithoutQuery(options.Location)));
            throw;
        }
    }

    /// <summary>An error record for a failed engine call: id <c>&lt;Cmdlet&gt;&lt;Problem&gt;</c> and category from <see cref="FailureErrors"/>, the given target.</summary>
    protected ErrorRecord FailureRecord(RestoreEngineException error, object? target) => FailureErrors.Record(error, ErrorIdPrefix, target);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var engine in opened.Values)
            {
                engine.Dispose();
            }

            opened.Clear();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Turns a location string into what the engine expects: <c>s3://</c> and <c>file://</c> unchanged, anything
    /// else a folder resolved with <paramref name="resolvePath"/> (PowerShell's current location, PSDrives, <c>~</c>).
    /// </summary>
    internal static string ResolveLocation(string location, Func<string, string> resolvePath)
    {
        if (location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
            || location.IndexOf("://", StringComparison.Ordinal) > 0)
        {
            return location;
        }

        try
        {
            return resolvePath(location);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or DriveNotFoundException or ProviderNotFoundException or NotSupportedException or PSArgumentException)
        {
            // The engine reports the folder problem with its own message.
            return location;
        }
    }

    /// <summary>A URL location without its query and user information (a SAS pasted into the URL is refused, and must not become the error's target).</summary>
    internal static string WithoutQuery(string location) =>
        location.IndexOf("://", StringComparison.Ordinal) > 0 && Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            ? uri.GetLeftPart(UriPartial.Path).Replace(uri.UserInfo + "@", string.Empty)
            : location;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

    /// <summary>Relays engine log lines to PowerShell streams on the pipeline thread.</summary>
    private sealed class PostingLog : ILogSink
    {
        private readonly StorageCmdletBase cmdlet;

        public PostingLog(StorageCmdletBase cmdlet) => this.cmdlet = cmdlet;

        public void Write(RestoreLogLevel level, string message, IReadOnlyList<KeyValuePair<string, string>> fields)
        {
            switch (level)
            {
                case RestoreLogLevel.Warning:
                case RestoreLogLevel.Error:
                    cmdlet.Post(() => cmdlet.WriteWarning(message));
                    break;
                case RestoreLogLevel.Info:
                    cmdlet.Post(() => cmdlet.WriteVerbose(message));
                    break;
                default:
                    cmdlet.Post(() => cmdlet.WriteDebug(message));
                    break;
            }
        }
    }
}

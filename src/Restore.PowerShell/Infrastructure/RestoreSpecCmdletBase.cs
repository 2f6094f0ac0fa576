using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Restore.Engine.Api;

namespace Restore.PowerShell.Infrastructure;

/// <summary>
/// The restore parameters New-Restore and Get-RestorePlan share: the source (-Backup, -Schedule or -Manifest),
/// filters, mappings, policies, modifiers and targets. <see cref="BuildParameters"/> turns them into
/// <see cref="RestoreParameters"/>, the engine's request.
/// </summary>
public abstract class RestoreSpecCmdletBase : StorageCmdletBase
{
    /// <summary>Parameter set: restore a named backup.</summary>
    protected const string BackupSet = "Backup";

    /// <summary>Parameter set: restore the newest completed backup of a schedule.</summary>
    protected const string ScheduleSet = "Schedule";

    /// <summary>Parameter set: restore what a Restore manifest says (parameters override its fields).</summary>
    protected const string ManifestSet = "Manifest";

    /// <summary>The backup to restore. Binds from the Backup property of Get-Backup output. With New-Restore -Server, a hashtable names a backup per kube context.</summary>
    // An object, so that New-Restore -Server can take a hashtable of context to backup (fleets whose clusters each have their own backup).
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = BackupSet)]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ManifestSet)]
    [Alias("BackupName")]
    [ArgumentCompleter(typeof(BackupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public object? Backup { get; set; }

    /// <summary>True when -Backup may be a hashtable of context to backup (New-Restore -Server).</summary>
    protected virtual bool AcceptsBackupPerContext => false;

    /// <summary>-Backup as a hashtable (context to backup name), unwrapped; null when -Backup is one name.</summary>
    protected System.Collections.IDictionary? BackupByContext => (Backup is PSObject wrapped ? wrapped.BaseObject : Backup) is IDictionary map ? Unwrap(map) : null;

    /// <summary>-Backup as one name; null when it is not given or is a hashtable.</summary>
    protected string? BackupName => (Backup is PSObject wrapped ? wrapped.BaseObject : Backup) switch
    {
        null => null,
        IDictionary => null,
        string text => text,
        var other => LanguagePrimitives.ConvertTo<string>(other),
    };

    /// <summary>Restore the newest Completed backup made by this schedule.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ScheduleSet)]
    [Parameter(ParameterSetName = ManifestSet)]
    [ArgumentCompleter(typeof(ScheduleNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Schedule { get; set; }

    /// <summary>With -Schedule: a PartiallyFailed backup also qualifies as the newest.</summary>
    [Parameter(ParameterSetName = ScheduleSet)]
    [Parameter(ParameterSetName = ManifestSet)]
    public SwitchParameter AllowPartiallyFailed { get; set; }

    /// <summary>A file holding a velero.io/v1 Restore object (YAML or JSON); parameters given override its fields.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ManifestSet)]
    [ValidateNotNullOrEmpty]
    public string? Manifest { get; set; }

    /// <summary>Only items from these source namespaces (Velero globs; /regex/ for a regular expression).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? IncludeNamespace { get; set; }

    /// <summary>Leave out items from these source namespaces (Velero globs; /regex/ for a regular expression).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeNamespace { get; set; }

    /// <summary>Only these resources (resource, short name, kind or resource.group; globs).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? IncludeResource { get; set; }

    /// <summary>Leave out these resources.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeResource { get; set; }

    /// <summary>Cluster-scoped resources: Auto (Velero's rule), All or None.</summary>
    [Parameter]
    [ValidateSet("Auto", "All", "None")]
    public string? ClusterResources { get; set; }

    /// <summary>Label selectors (kubectl syntax); each string is one selector, several are OR'ed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? LabelSelector { get; set; }

    /// <summary>Only these objects: resource.group/namespace/name or resource.group/name, with wildcards.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Object { get; set; }

    /// <summary>Objects (same patterns as -Object) whose values never appear in plan differences, as for Secrets.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? SensitiveObject { get; set; }

    /// <summary>Source namespace to target namespace.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? NamespaceMapping { get; set; }

    /// <summary>What to do with objects that already exist and differ: None (report) or Update (patch).</summary>
    [Parameter]
    [ValidateSet("None", "Update")]
    public string? ExistingResourcePolicy { get; set; }

    /// <summary>Restore persistent volumes (default on; -RestoreVolumes:$false leaves them out).</summary>
    [Parameter]
    public SwitchParameter RestoreVolumes { get; set; }

    /// <summary>Keep every Service's nodePorts.</summary>
    [Parameter]
    public SwitchParameter PreserveNodePorts { get; set; }

    /// <summary>Resources whose status is restored too.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? IncludeStatusResource { get; set; }

    /// <summary>Resources whose status is never restored.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeStatusResource { get; set; }

    /// <summary>The restore order: resources first, then '-' and the resources restored last.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ResourcePriority { get; set; }

    /// <summary>A file with Velero resource modifier rules (YAML or JSON).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ResourceModifier { get; set; }

    /// <summary>A ConfigMap with resource modifier rules in each target cluster: name, or velero/name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ResourceModifierConfigMap { get; set; }

    /// <summary>Inline JSON patches: object pattern to RFC 6902 operations (text, or a list of hashtables).</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? JsonPatch { get; set; }

    /// <summary>Old storage class to new storage class.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? StorageClassMapping { get; set; }

    /// <summary>Old image (or image part) to new.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? ImageMapping { get; set; }

    /// <summary>Old node name to new node name.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? NodeMapping { get; set; }

    /// <summary>Choose the API version each resource is restored at, as Velero's EnableAPIGroupVersions feature does.</summary>
    [Parameter]
    public SwitchParameter EnableApiGroupVersions { get; set; }

    /// <summary>API versions to prefer per resource (resource.group to versions in order); turns on -EnableApiGroupVersions.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? ApiGroupVersionPriority { get; set; }

    /// <summary>The namespace Velero runs in: its plugin ConfigMaps are read there and, with -Server, the Restore is created there. Default: velero.</summary>
    [Parameter]
    [PSDefaultValue(Value = "velero")]
    [ValidateNotNullOrEmpty]
    public string? VeleroNamespace { get; set; }

    /// <summary>Kube contexts to restore into, in parallel. Default: the kubeconfig's current context.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Context { get; set; }

    /// <summary>The kubeconfig file. Default: $env:KUBECONFIG, then ~/.kube/config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KubeConfig { get; set; }

    /// <summary>Restore into this folder, as manifests, instead of a cluster.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ToDirectory { get; set; }

    /// <summary>
    /// The shared parameters as engine values: paths resolved against the PowerShell location, the manifest and
    /// resource modifier files read, hashtables unwrapped. Terminating errors for unreadable files.
    /// </summary>
    protected RestoreParameters BuildParameters()
    {
        var bound = MyInvocation.BoundParameters;
        if (BackupByContext is not null && !AcceptsBackupPerContext)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("-Backup takes a hashtable (a backup per kube context) only for restores through the Velero server (New-Restore -Server); give one backup name."),
                ErrorIdPrefix + "InvalidArgument",
                ErrorCategory.InvalidArgument,
                "Backup"));
        }

        var parameters = new RestoreParameters
        {
            Backup = BackupName,
            Schedule = Schedule,
            AllowPartiallyFailed = AllowPartiallyFailed.IsPresent,
            IncludeNamespace = IncludeNamespace,
            ExcludeNamespace = ExcludeNamespace,
            IncludeResource = IncludeResource,
            ExcludeResource = ExcludeResource,
            ClusterResources = ClusterResources,
            LabelSelector = LabelSelector,
            Object = Object,
            SensitiveObject = SensitiveObject,
            NamespaceMapping = Unwrap(NamespaceMapping),
            ExistingResourcePolicy = ExistingResourcePolicy,
            RestoreVolumes = bound.ContainsKey(nameof(RestoreVolumes)) ? RestoreVolumes.IsPresent : null,
            PreserveNodePorts = bound.ContainsKey(nameof(PreserveNodePorts)) ? PreserveNodePorts.IsPresent : null,
            IncludeStatusResource = IncludeStatusResource,
            ExcludeStatusResource = ExcludeStatusResource,
            ResourcePriority = ResourcePriority,
            ResourceModifierConfigMap = ResourceModifierConfigMap,
            JsonPatch = Unwrap(JsonPatch),
            StorageClassMapping = Unwrap(StorageClassMapping),
            ImageMapping = Unwrap(ImageMapping),
            NodeMapping = Unwrap(NodeMapping),
            EnableApiGroupVersions = bound.ContainsKey(nameof(EnableApiGroupVersions)) ? EnableApiGroupVersions.IsPresent : null,
            ApiGroupVersionPriority = Unwrap(ApiGroupVersionPriority),
            VeleroNamespace = VeleroNamespace,
            Context = Context,
            KubeConfig = KubeConfig is null ? null : ResolveKubeConfig(KubeConfig),
            ToDirectory = ToDirectory is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ToDirectory),
        };

        if (Manifest is not null)
        {
            parameters.ManifestSource = Manifest;
            parameters.ManifestText = ReadFile(Manifest, "Manifest");
        }

        if (ResourceModifier is not null)
        {
            parameters.ResourceModifierDocument = ReadFile(ResourceModifier, "ResourceModifier");
        }

        return parameters;
    }

    /// <summary>Checks the parameters early; a bad one is a terminating <c>&lt;Cmdlet&gt;InvalidArgument</c> (or <c>ManifestInvalid</c>) error naming it.</summary>
    protected void ValidateParameters(RestoreParameters parameters)
    {
        if (parameters is null)
        {
            throw new ArgumentNullException(nameof(parameters));
        }

        try
        {
            parameters.Validate();
        }
        catch (RestoreEngineException ex)
        {
            ThrowTerminatingError(FailureRecord(ex, ex.Parameter));
            throw;
        }
    }

    /// <summary>
    /// The error record for an exception of the engine's restore calls (<see cref="FailureErrors"/>), with the failing
    /// thing as target: the parameter, the restore name in use, the kubeconfig file or context, else
    /// <paramref name="target"/>. Null for exceptions that are not the engine's (bugs: let them surface as they are).
    /// </summary>
    protected ErrorRecord? RestoreErrorRecord(Exception error, object? target)
    {
        if (error is not RestoreEngineException failure)
        {
            return null;
        }

        var kubeConfig = failure.Kind is FailureKind.KubeConfigNotFound or FailureKind.KubeConfigInvalid or FailureKind.ContextNotFound ? KubeConfig : null;
        var name = failure.Kind == FailureKind.NameInUse ? failure.Name : null;
        return FailureRecord(failure, failure.Parameter ?? name ?? failure.Subject ?? kubeConfig ?? target);
    }

    /// <summary>Hashtable values as plain .NET values: PowerShell wrappers removed, nested hashtables and arrays copied.</summary>
    internal static IDictionary? Unwrap(IDictionary? table)
    {
        if (table is null)
        {
            return null;
        }

        var copy = new System.Collections.Specialized.OrderedDictionary();
        foreach (DictionaryEntry entry in table)
        {
            copy[UnwrapValue(entry.Key) ?? string.Empty] = UnwrapValue(entry.Value);
        }

        return copy;
    }

    private static object? UnwrapValue(object? value)
    {
        var plain = value is PSObject wrapped ? wrapped.BaseObject : value;
        return plain switch
        {
            IDictionary nested => Unwrap(nested),
            string text => text,
            IEnumerable list => list.Cast<object?>().Select(UnwrapValue).ToList(),
            _ => plain,
        };
    }

    private string ResolveKubeConfig(string value)
    {
        // A kubeconfig may be a list of files, as in $env:KUBECONFIG.
        var parts = value.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(Path.PathSeparator.ToString(), parts.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p.Trim())));
    }

    private string ReadFile(string path, string parameter)
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException($"-{parameter} '{path}' cannot be read: {ex.Message}", ex),
                ErrorIdPrefix + parameter + "Unreadable",
                ex is FileNotFoundException or DirectoryNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError,
                path));
            throw;
        }
    }
}

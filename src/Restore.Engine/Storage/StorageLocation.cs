using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Storage.Azure;

namespace Restore.Engine.Storage;

/// <summary>Where a storage location lives.</summary>
internal enum StorageLocationKind
{
    /// <summary>A local or mounted folder.</summary>
    LocalFolder,

    /// <summary>An S3 bucket (AWS or S3-compatible).</summary>
    S3,

    /// <summary>A Google Cloud Storage bucket (<c>gs://</c>).</summary>
    Gcs,

    /// <summary>An Azure Blob Storage container (or Azurite).</summary>
    AzureBlob,
}

/// <summary>
/// An opened backup storage location: the object store plus the key layout under its prefix.
/// Writes through <see cref="Store"/> are refused unless they go under <c>restores/&lt;name&gt;/</c>.
/// </summary>
internal sealed class StorageLocation : IDisposable
{
    private StorageLocation(StorageLocationOptions options, StorageLocationKind kind, IObjectStore store, ObjectStoreLayout layout, string? bucket, string? folder)
    {
        Options = options;
        Kind = kind;
        Layout = layout;
        Bucket = bucket;
        Folder = folder;
        Store = new RestoreWriteGuard(store, layout, options.Location);
    }

    /// <summary>The options the location was opened with (the secret stays inside and out of ToString).</summary>
    public StorageLocationOptions Options { get; }

    /// <summary>The location string as given.</summary>
    public string Location => Options.Location;

    /// <summary>Local folder, S3 or Azure Blob Storage.</summary>
    public StorageLocationKind Kind { get; }

    /// <summary>The bucket of an S3 location (the container of an Azure one); null for folders.</summary>
    public string? Bucket { get; }

    /// <summary>The absolute folder of a local location; null for S3.</summary>
    public string? Folder { get; }

    /// <summary>The key layout (prefix handling per docs/velero-compatibility.md#storage-layout).</summary>
    public ObjectStoreLayout Layout { get; }

    /// <summary>The object store. Reads go anywhere; writes only under <c>restores/&lt;name&gt;/</c>.</summary>
    public IObjectStore Store { get; }

    /// <summary>
    /// Parses the location and builds its store; nothing is contacted yet (see <see cref="VerifyAsync"/>).
    /// Throws <see cref="StorageException"/> with <see cref="StorageErrorKind.InvalidLocation"/> for a malformed
    /// location or options that do not fit it.
    /// </summary>
    public static StorageLocation Open(StorageLocationOptions options, IEngineLog log)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        log ??= NullEngineLog.Instance;
        if (AzureBlobAddress.Recognizes(options.Location))
        {
            var azure = AzureBlobObjectStore.Create(options, log);
            return new StorageLocation(options, StorageLocationKind.AzureBlob, azure, new ObjectStoreLayout(azure.Address.Prefix), azure.Address.Container, null);
        }

        RefuseAzureOptions(options);
        var address = StorageAddress.Parse(options.Location);
        if (address.Kind == StorageLocationKind.Gcs)
        {
            var gcs = Gcs.GcsObjectStore.Create(options, address, log);
            return new StorageLocation(options, StorageLocationKind.Gcs, gcs, new ObjectStoreLayout(address.Prefix), address.Bucket, null);
        }

        if (!string.IsNullOrEmpty(options.GoogleCredentialFile))
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, options.Location, $"-GoogleCredentialFile applies only to gs:// locations, and '{options.Location}' is not one.");
        }

        if (address.Bucket is not null)
        {
            var s3 = S3ObjectStore.Create(options, log);
            return new StorageLocation(options, StorageLocationKind.S3, s3, new ObjectStoreLayout(address.Prefix), address.Bucket, null);
        }

        var s3Only = new List<string>();
        AddIf(s3Only, !string.IsNullOrEmpty(options.Endpoint), "-Endpoint");
        AddIf(s3Only, !string.IsNullOrEmpty(options.Region), "-Region");
        AddIf(s3Only, !string.IsNullOrEmpty(options.AccessKeyId) || options.SecretAccessKey is not null, "-Credential");
        AddIf(s3Only, !string.IsNullOrEmpty(options.ProfileName), "-ProfileName");
        AddIf(s3Only, !string.IsNullOrEmpty(options.CaBundlePath), "-CaBundle");
        AddIf(s3Only, options.SkipCertificateCheck, "-SkipCertificateCheck");
        if (s3Only.Count > 0)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, options.Location, $"{string.Join(", ", s3Only)} apply only to s3:// locations, and '{options.Location}' is a local folder.");
        }

        var local = new LocalFolderObjectStore(address.Folder!);
        return new StorageLocation(options, StorageLocationKind.LocalFolder, local, new ObjectStoreLayout(string.Empty), null, local.RootFolder);
    }

    /// <summary>
    /// Test seam: the same location with its object store wrapped by <paramref name="decorate"/> (fault injection).
    /// The write guard stays outermost, so the decorated store still sees only writes under <c>restores/</c>.
    /// </summary>
    internal static StorageLocation Decorate(StorageLocationOptions options, IEngineLog log, Func<IObjectStore, IObjectStore> decorate)
    {
        var opened = Open(options, log);
        var inner = ((RestoreWriteGuard)opened.Store).Inner;
        return new StorageLocation(options, opened.Kind, decorate(inner), opened.Layout, opened.Bucket, opened.Folder);
    }

    /// <summary>
    /// Confirms the location is usable: the bucket or folder exists and can be listed, and its top level holds
    /// only Velero's folders (docs/velero-compatibility.md#storage-layout). Throws <see cref="StorageException"/> naming the problem.
    /// </summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        await Store.VerifyAccessAsync(cancellationToken).ConfigureAwait(false);
        if (await Store.ExistsAsync(Layout.Root + "velero-backup.json", cancellationToken).ConfigureAwait(false))
        {
            throw NotVelero($"'{Location}' is a single backup's folder. The storage location is the folder two levels up, the one that holds backups/.");
        }

        var foreign = new List<string>();
        foreach (var prefix in await Store.ListCommonPrefixesAsync(Layout.Root, cancellationToken).ConfigureAwait(false))
        {
            var name = prefix.Substring(Layout.Root.Length).TrimEnd('/');
            if (!ObjectStoreLayout.IsVeleroTopLevelDirectory(name))
            {
                foreign.Add(name);
            }
        }

        if (foreign.Count == 0)
        {
            return;
        }

        var shown = string.Join(", ", foreign.GetRange(0, Math.Min(foreign.Count, 5))) + (foreign.Count > 5 ? ", …" : string.Empty);
        var hint = await Store.ExistsAsync(Layout.Root + foreign[0] + "/velero-backup.json", cancellationToken).ConfigureAwait(false)
            ? " It looks like the backups/ folder itself: use its parent."
            : string.Empty;
        throw NotVelero($"'{Location}' is not a Velero backup storage location: its top level has {shown}, and Velero allows only {string.Join("/, ", ObjectStoreLayout.VeleroTopLevelDirectories)}/.{hint}");
    }

    /// <inheritdoc />
    public void Dispose() => Store.Dispose();

    /// <inheritdoc />
    public override string ToString() => Options.ToString();

    private static void RefuseAzureOptions(StorageLocationOptions options)
    {
        var azureOnly = new List<string>();
        AddIf(azureOnly, !string.IsNullOrEmpty(options.AzureCredentialSource), "-AzureCredentialSource");
        AddIf(azureOnly, options.SasToken is not null, "-SasToken");
        if (azureOnly.Count > 0)
        {
            throw new StorageException(StorageErrorKind.InvalidLocation, options.Location, $"{string.Join(", ", azureOnly)} apply only to Azure Blob Storage locations (azure://<account>/<container>), and '{options.Location}' is not one.");
        }
    }

    private static void AddIf(List<string> list, bool condition, string name)
    {
        if (condition)
        {
            list.Add(name);
        }
    }

    private StorageException NotVelero(string message) => new(StorageErrorKind.NotAVeleroLocation, Location, message);

    /// <summary>Lets writes through only under <c>restores/&lt;name&gt;/</c>: the engine never creates any other prefix.</summary>
    private sealed class RestoreWriteGuard : IObjectStore
    {
        private readonly IObjectStore inner;
        private readonly ObjectStoreLayout layout;
        private readonly string location;

        public RestoreWriteGuard(IObjectStore inner, ObjectStoreLayout layout, string location)
        {
            this.inner = inner;
            this.layout = layout;
            this.location = location;
        }

        public IObjectStore Inner => inner;

        public string Description => inner.Description;

        public Task VerifyAccessAsync(CancellationToken cancellationToken) => inner.VerifyAccessAsync(cancellationToken);

        public Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken) => inner.ListCommonPrefixesAsync(prefix, cancellationToken);

        public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken) => inner.ListKeysAsync(prefix, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) => inner.PutAsync(Check(key), content, cancellationToken);

        public Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken) => inner.TryCreateAsync(Check(key), content, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(Check(key), cancellationToken);

        public void Dispose() => inner.Dispose();

        public override string ToString() => inner.ToString() ?? location;

        private string Check(string key) =>
            layout.IsWritableKey(key)
                ? key
                : throw new StorageException(StorageErrorKind.WriteRefused, location, $"Refusing to write '{key}': Restore writes only under {layout.RestoresPrefix}<restore name>/.", key);
    }
}

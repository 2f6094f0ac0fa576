using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.Engine.Storage;

/// <summary>
/// An object store in a local (or mounted) folder: a copy of a bucket for air-gapped disaster recovery,
/// or the embedded default. Keys map to files under the root; keys that could escape it are refused.
/// </summary>
internal sealed class LocalFolderObjectStore : IObjectStore
{
    // Hidden, and never listed as a key, so readers never see a half-written object.
    private const string TempFilePrefix = ".restore-tmp-";
    private const int BufferSize = 1 << 16;

    private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    private static readonly StringComparison PathComparison = IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string rootWithSeparator;

    /// <summary>Creates a store rooted at <paramref name="rootFolder"/>, which is made absolute.</summary>
    public LocalFolderObjectStore(string rootFolder)
    {
        if (string.IsNullOrWhiteSpace(rootFolder))
        {
            throw new ArgumentException("A folder path is required.", nameof(rootFolder));
        }

        RootFolder = Path.GetFullPath(rootFolder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        if (RootFolder.Length == 0 || RootFolder.EndsWith(":", StringComparison.Ordinal))
        {
            // "/" or "C:" trimmed to nothing: keep the separator so the root stays a directory.
            RootFolder += Path.DirectorySeparatorChar;
        }

        rootWithSeparator = RootFolder.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)
            ? RootFolder
            : RootFolder + Path.DirectorySeparatorChar;
    }

    /// <summary>The absolute root folder.</summary>
    public string RootFolder { get; }

    /// <inheritdoc />
    public string Description => RootFolder;

    /// <inheritdoc />
    public Task VerifyAccessAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (File.Exists(RootFolder))
        {
            throw new StorageException(StorageErrorKind.LocationNotFound, RootFolder, $"'{RootFolder}' is a file, not a folder: a local storage location must be the folder that holds backups/ and restores/.");
        }

        if (!Directory.Exists(RootFolder))
        {
            throw new StorageException(StorageErrorKind.LocationNotFound, RootFolder, $"The folder '{RootFolder}' does not exist.");
        }

        Guard(() => Directory.EnumerateFileSystemEntries(RootFolder).FirstOrDefault(), null);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListCommonPrefixesAsync(string prefix, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (directoryKey, namePrefix) = SplitPrefix(prefix);
        var directory = ToPath(directoryKey, allowEmpty: true);
        var result = new List<string>();
        Guard(
            () =>
            {
                if (!Directory.Exists(directory))
                {
                    return 0;
                }

                foreach (var sub in Directory.EnumerateDirectories(directory))
                {
                    var name = Path.GetFileName(sub);
                    // An empty folder holds no keys, and S3 would not list it either.
                    if (name.StartsWith(namePrefix, StringComparison.Ordinal) && Directory.EnumerateFileSystemEntries(sub).Any())
                    {
                        result.Add(directoryKey + name + "/");
                    }
                }

                return 0;
            },
            prefix);
        result.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(result);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (directoryKey, _) = SplitPrefix(prefix);
        var directory = ToPath(directoryKey, allowEmpty: true);
        var result = new List<string>();
        Guard(
            () =>
            {
                if (!Directory.Exists(directory))
                {
                    return 0;
                }

                foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Path.GetFileName(file).StartsWith(TempFilePrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var key = file.Substring(rootWithSeparator.Length).Replace(Path.DirectorySeparatorChar, '/');
                    if (key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        result.Add(key);
                    }
                }

                return 0;
            },
            prefix);
        result.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(result);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(ToPath(key)));
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = ToPath(key);
        try
        {
            // FileShare.Delete lets a writer replace the file while we read the old one.
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(RootFolder, key, ex);
        }
        catch (UnauthorizedAccessException ex) when (Directory.Exists(path))
        {
            throw new ObjectNotFoundException(RootFolder, key, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw AccessDenied(key, ex);
        }
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        var path = ToPath(key);
        var temp = await WriteTempFileAsync(key, path, content, cancellationToken).ConfigureAwait(false);
        try
        {
            Guard(
                () =>
                {
                    if (!File.Exists(path))
                    {
                        try
                        {
                            File.Move(temp, path);
                            return 0;
                        }
                        catch (IOException) when (File.Exists(path))
                        {
                            // Created by someone else meanwhile: replace it below.
                        }
                    }

                    File.Replace(temp, path, null);
                    return 0;
                },
                key);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryCreateAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        var path = ToPath(key);
        if (File.Exists(path))
        {
            return false;
        }

        if (!Directory.Exists(RootFolder))
        {
            throw new StorageException(StorageErrorKind.LocationNotFound, RootFolder, $"The folder '{RootFolder}' does not exist.", key);
        }

        // FileMode.CreateNew is the atomic test (O_CREAT|O_EXCL, CREATE_NEW): exactly one writer wins. File.Move
        // is not: on Unix, .NET checks for the destination and then renames, so two movers can both succeed.
        // Claims are tiny and only their existence matters, so writing in place is fine.
        FileStream file;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, BufferSize, FileOptions.Asynchronous);
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw AccessDenied(key, ex);
        }

        using (file)
        {
            await file.WriteAsync(content, 0, content.Length, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        return true;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = ToPath(key);
        Guard(
            () =>
            {
                try
                {
                    File.Delete(path);
                }
                catch (DirectoryNotFoundException)
                {
                    return 0;
                }

                RemoveEmptyParents(Path.GetDirectoryName(path));
                return 0;
            },
            key);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <inheritdoc />
    public override string ToString() => RootFolder;

    /// <summary>Maps a key to a file path under the root, refusing keys that could land anywhere else.</summary>
    internal string ToPath(string key, bool allowEmpty = false)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        if (key.Length == 0)
        {
            return allowEmpty ? RootFolder : throw InvalidKey(key, "the key is empty");
        }

        var body = allowEmpty && key.EndsWith("/", StringComparison.Ordinal) ? key.Substring(0, key.Length - 1) : key;
        foreach (var segment in body.Split('/'))
        {
            CheckSegment(key, segment);
        }

        var full = Path.GetFullPath(Path.Combine(RootFolder, body.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(rootWithSeparator, PathComparison))
        {
            throw InvalidKey(key, "it resolves outside the storage folder");
        }

        return full;
    }

    private static void CheckSegment(string key, string segment)
    {
        if (segment.Length == 0 || segment == "." || segment == "..")
        {
            throw InvalidKey(key, "it has an empty, '.' or '..' segment");
        }

        foreach (var c in segment)
        {
            // '\' is a separator and ':' opens an alternate data stream on Windows; no Velero key contains either.
            if (c == '\\' || c == ':' || char.IsControl(c))
            {
                throw InvalidKey(key, $"it contains the character U+{(int)c:X4}");
            }
        }

        if (IsWindows && IsReservedWindowsName(segment))
        {
            throw InvalidKey(key, $"'{segment}' is a reserved device name on Windows");
        }
    }

    private static bool IsReservedWindowsName(string segment)
    {
        var stem = segment.Split('.')[0].TrimEnd(' ').ToUpperInvariant();
        return stem is "CON" or "PRN" or "AUX" or "NUL"
            || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) && stem[3] is >= '1' and <= '9');
    }

    private static StorageException InvalidKey(string key, string why) =>
        new(StorageErrorKind.InvalidLocation, "local folder", $"Refusing the object key '{key}': {why}.", key);

    private static (string DirectoryKey, string NamePrefix) SplitPrefix(string prefix)
    {
        if (prefix is null)
        {
            throw new ArgumentNullException(nameof(prefix));
        }

        var slash = prefix.LastIndexOf('/');
        return slash < 0 ? (string.Empty, prefix) : (prefix.Substring(0, slash + 1), prefix.Substring(slash + 1));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<string> WriteTempFileAsync(string key, string path, Stream content, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(RootFolder))
        {
            throw new StorageException(StorageErrorKind.LocationNotFound, RootFolder, $"The folder '{RootFolder}' does not exist.", key);
        }

        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, TempFilePrefix + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(directory);
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, BufferSize, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            return temp;
        }
        catch (UnauthorizedAccessException ex)
        {
            TryDelete(temp);
            throw AccessDenied(key, ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private void RemoveEmptyParents(string? directory)
    {
        // Keeps the folder tree like the key space: S3 has no empty "directories" either.
        while (directory is not null
            && directory.StartsWith(rootWithSeparator, PathComparison)
            && directory.Length > rootWithSeparator.Length
            && Directory.Exists(directory)
            && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
                return;
            }

            directory = Path.GetDirectoryName(directory);
        }
    }

    private T Guard<T>(Func<T> action, string? key)
    {
        try
        {
            return action();
        }
        catch (UnauthorizedAccessException ex)
        {
            throw AccessDenied(key, ex);
        }
    }

    private StorageException AccessDenied(string? key, Exception ex)
    {
        var user = Environment.UserName;
        var what = key is null ? $"the folder '{RootFolder}'" : $"'{key}' in '{RootFolder}'";
        return new StorageException(StorageErrorKind.AccessDenied, RootFolder, $"Access to {what} was denied for the user '{user}': {ex.Message}", key, ex);
    }
}

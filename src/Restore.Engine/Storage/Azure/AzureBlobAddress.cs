using System;

namespace Restore.Engine.Storage.Azure;

/// <summary>
/// A parsed Azure Blob Storage location: the blob service URL of the account, the container and the prefix.
/// Three spellings are accepted (docs/velero-compatibility.md#azure-blob-locations):
/// <c>azure://account/container[/prefix]</c>, <c>https://account.blob.&lt;cloud suffix&gt;/container[/prefix]</c>,
/// and the path-style form of emulators (Azurite) and custom endpoints, <c>http(s)://host[:port]/account/container[/prefix]</c>.
/// </summary>
internal sealed class AzureBlobAddress
{
    /// <summary>The blob endpoint suffix of each Azure cloud, by the names Velero's AZURE_CLOUD_NAME takes.</summary>
    private static readonly (string Cloud, string Suffix)[] Clouds =
    {
        ("AzurePublicCloud", "core.windows.net"),
        ("AzureUSGovernmentCloud", "core.usgovcloudapi.net"),
        ("AzureChinaCloud", "core.chinacloudapi.cn"),
        ("AzureGermanCloud", "core.cloudapi.de"),
    };

    private AzureBlobAddress(string account, string container, string prefix, Uri serviceUri)
    {
        Account = account;
        Container = container;
        Prefix = prefix;
        ServiceUri = serviceUri;
    }

    /// <summary>The storage account name.</summary>
    public string Account { get; }

    /// <summary>The blob container.</summary>
    public string Container { get; }

    /// <summary>The prefix inside the container, trimmed of slashes (may be empty).</summary>
    public string Prefix { get; }

    /// <summary>The account's blob service URL (<c>https://account.blob.core.windows.net/</c>, or <c>http://127.0.0.1:10000/account/</c>).</summary>
    public Uri ServiceUri { get; }

    /// <summary>The canonical spelling for messages: <c>azure://account/container[/prefix]</c>.</summary>
    public string Canonical => $"azure://{Account}/{Container}" + (Prefix.Length == 0 ? string.Empty : "/" + Prefix);

    /// <summary>
    /// True when <paramref name="location"/> is an Azure Blob location: an <c>azure://</c> URI, or an http(s) URL.
    /// (No other store takes http(s) locations; S3-compatible stores take <c>s3://</c> with <c>-Endpoint</c>.)
    /// </summary>
    public static bool Recognizes(string? location) =>
        location is not null
        && (location.StartsWith("azure://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Parses the location. <paramref name="endpoint"/> (Velero's <c>storageAccountURI</c>) is the account's blob
    /// service URL and applies to <c>azure://</c> locations; <paramref name="cloudName"/> is AZURE_CLOUD_NAME.
    /// Throws <see cref="StorageException"/> (<see cref="StorageErrorKind.InvalidLocation"/>) with the reason.
    /// </summary>
    public static AzureBlobAddress Parse(string location, string? endpoint, string? cloudName)
    {
        if (!Recognizes(location))
        {
            throw Invalid(location, $"'{location}' is not an Azure Blob Storage location: use azure://<account>/<container>[/<prefix>].");
        }

        if (location.StartsWith("azure://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = location.Substring("azure://".Length);
            var (account, container, prefix) = Split(location, rest, "azure://<account>/<container>[/<prefix>]");
            var service = string.IsNullOrWhiteSpace(endpoint)
                ? new Uri($"https://{account}.blob.{CloudSuffix(location, cloudName)}/")
                : ServiceFromEndpoint(location, endpoint!, account);
            return new AzureBlobAddress(account, container, prefix, service);
        }

        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            throw Invalid(location, $"-Endpoint applies to azure:// locations; '{location}' already names its endpoint. Give azure://<account>/<container> with -Endpoint, or the URL alone.");
        }

        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw Invalid(location, $"'{location}' is not a valid URL.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            // A SAS in the URL would end up in messages and records: it has its own parameter.
            throw Invalid(Sanitize(uri), $"'{Sanitize(uri)}' carries a query, fragment or user information; give the SAS token with -SasToken and the URL without it.");
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/');
        var authority = uri.GetLeftPart(UriPartial.Authority);
        var dot = uri.Host.IndexOf(".blob.", StringComparison.OrdinalIgnoreCase);
        if (dot > 0 && uri.HostNameType == UriHostNameType.Dns)
        {
            // https://account.blob.core.windows.net/container/prefix (also privatelink and sovereign-cloud hosts).
            var account = uri.Host.Substring(0, dot).ToLowerInvariant();
            var (container, prefix) = SplitContainer(location, path, $"{authority}/<container>[/<prefix>]");
            return new AzureBlobAddress(account, container, prefix, new Uri(authority + "/"));
        }

        // Path style: http://127.0.0.1:10000/devstoreaccount1/container/prefix (Azurite, Azure Stack, proxies).
        var (pathAccount, pathContainer, pathPrefix) = Split(location, path, $"{authority}/<account>/<container>[/<prefix>]");
        return new AzureBlobAddress(pathAccount, pathContainer, pathPrefix, new Uri($"{authority}/{pathAccount}/"));
    }

    /// <summary>The URL without query, fragment or user information (which can hold secrets).</summary>
    private static string Sanitize(Uri uri) => uri.GetLeftPart(UriPartial.Path).Replace(uri.UserInfo + "@", string.Empty);

    private static (string Account, string Container, string Prefix) Split(string location, string rest, string form)
    {
        var slash = rest.IndexOf('/');
        var account = slash < 0 ? rest : rest.Substring(0, slash);
        if (account.Length == 0)
        {
            throw Invalid(location, $"'{location}' has no storage account name: use {form}.");
        }

        if (!IsAccountName(account))
        {
            throw Invalid(location, $"'{account}' is not a storage account name (3 to 24 lowercase letters and digits): use {form}.");
        }

        var (container, prefix) = SplitContainer(location, slash < 0 ? string.Empty : rest.Substring(slash + 1), form);
        return (account, container, prefix);
    }

    private static (string Container, string Prefix) SplitContainer(string location, string rest, string form)
    {
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest.Substring(0, slash);
        if (container.Length == 0)
        {
            throw Invalid(location, $"'{location}' has no container name: use {form}.");
        }

        if (!IsContainerName(container))
        {
            throw Invalid(location, $"'{container}' is not a blob container name (3 to 63 lowercase letters, digits and single hyphens, starting with a letter or digit): use {form}.");
        }

        try
        {
            return (container, new ObjectStoreLayout(slash < 0 ? string.Empty : rest.Substring(slash + 1)).Prefix);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(location, $"'{location}' has an invalid prefix: {ex.Message}");
        }
    }

    private static Uri ServiceFromEndpoint(string location, string endpoint, string account)
    {
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw Invalid(location, $"The endpoint '{endpoint}' is not an http:// or https:// URL (the account's blob service URL, for example https://{account}.blob.core.usgovcloudapi.net or http://127.0.0.1:10000/{account}).");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw Invalid(location, "The endpoint carries a query or user information; give the SAS token with -SasToken and the endpoint without it.");
        }

        var text = uri.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
    }

    private static string CloudSuffix(string location, string? cloudName)
    {
        if (string.IsNullOrWhiteSpace(cloudName))
        {
            return Clouds[0].Suffix;
        }

        foreach (var (cloud, suffix) in Clouds)
        {
            if (string.Equals(cloud, cloudName!.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return suffix;
            }
        }

        throw Invalid(location, $"AZURE_CLOUD_NAME is '{cloudName}', which is not one of {string.Join(", ", Array.ConvertAll(Clouds, c => c.Cloud))}; for another cloud give -Endpoint with the account's blob service URL.");
    }

    private static bool IsAccountName(string name)
    {
        if (name.Length < 3 || name.Length > 24)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsContainerName(string name)
    {
        if (name == "$root")
        {
            return true;
        }

        if (name.Length < 3 || name.Length > 63 || name[0] == '-' || name[name.Length - 1] == '-' || name.Contains("--"))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static StorageException Invalid(string location, string message) => new(StorageErrorKind.InvalidLocation, location, message);
}

using Restore.Engine.Storage;
using Restore.Engine.Storage.Azure;
using Xunit;

namespace Restore.Engine.Tests.Storage;

/// <summary>The spellings of an Azure Blob location (docs/storage-locations.md).</summary>
public class AzureBlobAddressTests
{
    [Theory]
    [InlineData("azure://velerobackups/velero", null, null, "velerobackups", "velero", "", "https://velerobackups.blob.core.windows.net/")]
    [InlineData("azure://velerobackups/velero/aks/prod/", null, null, "velerobackups", "velero", "aks/prod", "https://velerobackups.blob.core.windows.net/")]
    [InlineData("AZURE://velerobackups/velero", null, "AzureChinaCloud", "velerobackups", "velero", "", "https://velerobackups.blob.core.chinacloudapi.cn/")]
    [InlineData("azure://velerobackups/velero", null, "AzureUSGovernmentCloud", "velerobackups", "velero", "", "https://velerobackups.blob.core.usgovcloudapi.net/")]
    [InlineData("azure://devstoreaccount1/velero/p", "http://127.0.0.1:10000/devstoreaccount1", null, "devstoreaccount1", "velero", "p", "http://127.0.0.1:10000/devstoreaccount1/")]
    [InlineData("https://velerobackups.blob.core.windows.net/velero/aks", null, null, "velerobackups", "velero", "aks", "https://velerobackups.blob.core.windows.net/")]
    [InlineData("https://VeleroBackups.blob.core.usgovcloudapi.net/velero", null, null, "velerobackups", "velero", "", "https://velerobackups.blob.core.usgovcloudapi.net/")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/velero/a/b", null, null, "devstoreaccount1", "velero", "a/b", "http://127.0.0.1:10000/devstoreaccount1/")]
    [InlineData("https://blobs.contoso.example/acct01/velero", null, null, "acct01", "velero", "", "https://blobs.contoso.example/acct01/")]
    public void ParsesEverySpelling(string location, string? endpoint, string? cloud, string account, string container, string prefix, string service)
    {
        var address = AzureBlobAddress.Parse(location, endpoint, cloud);

        Assert.Equal(account, address.Account);
        Assert.Equal(container, address.Container);
        Assert.Equal(prefix, address.Prefix);
        Assert.Equal(service, address.ServiceUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("azure://", null, null, "no storage account name")]
    [InlineData("azure://velerobackups", null, null, "no container name")]
    [InlineData("azure://Velero_Backups/velero", null, null, "is not a storage account name")]
    [InlineData("azure://velerobackups/Velero", null, null, "is not a blob container name")]
    [InlineData("azure://velerobackups/velero", null, "AzureMoonCloud", "AZURE_CLOUD_NAME")]
    [InlineData("azure://velerobackups/velero", "ftp://x", null, "is not an http:// or https:// URL")]
    [InlineData("https://velerobackups.blob.core.windows.net/velero?sv=2020&sig=c2VjcmV0", null, null, "-SasToken")]
    [InlineData("https://velerobackups.blob.core.windows.net/velero", "https://other.example", null, "already names its endpoint")]
    public void RefusesWhatIsNotALocationWithTheReason(string location, string? endpoint, string? cloud, string reason)
    {
        var error = Assert.Throws<StorageException>(() => AzureBlobAddress.Parse(location, endpoint, cloud));

        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains(reason, error.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Location, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure://a1b2c/velero", true)]
    [InlineData("https://x.blob.core.windows.net/c", true)]
    [InlineData("http://127.0.0.1:1/a/c", true)]
    [InlineData("s3://bucket", false)]
    [InlineData("/var/backups", false)]
    [InlineData("gs://bucket", false)]
    public void RecognizesOnlyAzureSpellings(string location, bool expected) => Assert.Equal(expected, AzureBlobAddress.Recognizes(location));
}

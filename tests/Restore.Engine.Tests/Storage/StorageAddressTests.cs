using System.IO;
using Restore.Engine.Common;
using Restore.Engine.Storage;
using Xunit;

namespace Restore.Engine.Tests.Storage;

public class StorageAddressTests
{
    [Theory]
    [InlineData("s3://velero", "velero", "")]
    [InlineData("S3://velero/", "velero", "")]
    [InlineData("s3://velero/team-a", "velero", "team-a")]
    [InlineData("s3://velero//team-a/prod/", "velero", "team-a/prod")]
    [InlineData("s3://arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "")]
    [InlineData("s3://arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/team", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "team")]
    public void ParsesS3Locations(string location, string bucket, string prefix)
    {
        var address = StorageAddress.Parse(location);
        Assert.Equal((bucket, prefix), (address.Bucket, address.Prefix));
        Assert.Null(address.Folder);
    }

    [Fact]
    public void ParsesFoldersAndFileUris()
    {
        var folder = Path.Combine(Path.GetTempPath(), "velero-copy");
        Assert.Equal(Path.GetFullPath(folder), StorageAddress.Parse(folder).Folder);
        Assert.Equal(Path.GetFullPath(folder), StorageAddress.Parse(new System.Uri(folder).AbsoluteUri).Folder);
        Assert.Null(StorageAddress.Parse(folder).Bucket);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("s3://", "no bucket")]
    [InlineData("s3:///prefix", "no bucket")]
    [InlineData("s3://bucket/a/../b", "invalid prefix")]
    [InlineData("ftp://bucket", "unsupported scheme 'ftp'")]
    [InlineData("https://minio:9000/bucket", "unsupported scheme 'https'")]
    public void RejectsMalformedLocationsWithAClearMessage(string location, string expected)
    {
        var error = Assert.Throws<StorageException>(() => StorageAddress.Parse(location));
        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains(expected, error.Message, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint", "-Endpoint")]
    [InlineData("Region", "-Region")]
    [InlineData("ProfileName", "-ProfileName")]
    [InlineData("CaBundlePath", "-CaBundle")]
    [InlineData("SkipCertificateCheck", "-SkipCertificateCheck")]
    [InlineData("Credential", "-Credential")]
    public void RejectsS3OptionsForALocalFolder(string option, string parameter)
    {
        var options = new StorageLocationOptions { Location = Path.GetTempPath() };
        switch (option)
        {
            case "Endpoint": options.Endpoint = "http://127.0.0.1:9000"; break;
            case "Region": options.Region = "eu-west-1"; break;
            case "ProfileName": options.ProfileName = "dr"; break;
            case "CaBundlePath": options.CaBundlePath = "ca.pem"; break;
            case "SkipCertificateCheck": options.SkipCertificateCheck = true; break;
            default: options.AccessKeyId = "AKIA"; options.WithSecretAccessKey("secret"); break;
        }

        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(options, NullEngineLog.Instance));
        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains(parameter, error.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("minio:9000")]
    [InlineData("ftp://minio")]
    [InlineData("/just/a/path")]
    public void RejectsEndpointsThatAreNotHttpUrls(string endpoint)
    {
        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(new StorageLocationOptions { Location = "s3://b", Endpoint = endpoint }, NullEngineLog.Instance));
        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
        Assert.Contains(endpoint, error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AHalfGivenCredentialIsRejected()
    {
        var error = Assert.Throws<StorageException>(() => StorageLocation.Open(new StorageLocationOptions { Location = "s3://b", Endpoint = "http://127.0.0.1:1", AccessKeyId = "AKIA" }, NullEngineLog.Instance));
        Assert.Equal(StorageErrorKind.InvalidLocation, error.Kind);
    }

    [Fact]
    public void OptionsToStringNeverShowsTheSecret()
    {
        var options = new StorageLocationOptions { Location = "s3://b/p", Endpoint = "http://127.0.0.1:9000", Region = "eu-west-1", AccessKeyId = "AKIAEXAMPLE" }.WithSecretAccessKey("wJalrXUtnFEMI");
        var text = options.ToString();
        Assert.Contains("s3://b/p", text, System.StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", text, System.StringComparison.Ordinal);
    }
}

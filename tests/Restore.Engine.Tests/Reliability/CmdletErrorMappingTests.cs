using System;
using System.IO;
using System.Text.RegularExpressions;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Reliability;

/// <summary>
/// The input cases report the error ids New-Restore would give; PowerShell cannot run here, so the mapping is read from
/// the cmdlet sources and compared with <see cref="CmdletErrors"/>. A change on either side fails this test.
/// </summary>
public class CmdletErrorMappingTests
{
    private static readonly string Infrastructure = Path.Combine(ToolLocator.RepoRoot, "src", "Restore.PowerShell", "Infrastructure");

    [Fact]
    public void ValidationProblemsMapAsTheCmdletsMapThem()
    {
        var source = Normalize(File.ReadAllText(Path.Combine(Infrastructure, "RestoreSpecCmdletBase.cs")));

        foreach (var (problem, (suffix, category)) in CmdletErrors.Validation)
        {
            Assert.Contains($"RestoreValidationProblem.{problem} => (\"{suffix}\", ErrorCategory.{category})", source, StringComparison.Ordinal);
        }

        Assert.Contains("_ => (\"InvalidArgument\", ErrorCategory.InvalidArgument)", source, StringComparison.Ordinal);
        Assert.Contains("ex.Parameter == \"Manifest\" ? \"ManifestInvalid\" : \"InvalidArgument\"), ErrorCategory.InvalidArgument", source, StringComparison.Ordinal);
        Assert.Contains("ErrorIdPrefix + \"NameInUse\", ErrorCategory.ResourceExists", source, StringComparison.Ordinal);
        foreach (var (problem, (suffix, category)) in CmdletErrors.Kube)
        {
            Assert.Contains($"KubeConfigProblem.{problem} => (\"{suffix}\", ErrorCategory.{category})", source, StringComparison.Ordinal);
        }

        Assert.Contains("_ => (\"KubeConfigInvalid\", ErrorCategory.InvalidArgument)", source, StringComparison.Ordinal);
        Assert.Contains("ErrorIdPrefix + \"ClusterUnreachable\", ErrorCategory.ConnectionError", source, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageAndArchiveErrorsMapAsTheCmdletsMapThem()
    {
        var source = Normalize(File.ReadAllText(Path.Combine(Infrastructure, "StorageCmdletBase.cs")));

        foreach (var (kind, (suffix, category)) in CmdletErrors.Storage)
        {
            Assert.Contains($"StorageErrorKind.{kind} => (\"{suffix}\", ErrorCategory.{category})", source, StringComparison.Ordinal);
        }

        Assert.Contains("ArchiveSecurityException => (\"ArchiveUnsafe\", ErrorCategory.SecurityError)", source, StringComparison.Ordinal);
        Assert.Contains("ArchiveLimitExceededException => (\"ArchiveLimitExceeded\", ErrorCategory.LimitsExceeded)", source, StringComparison.Ordinal);
        Assert.Contains("_ => (\"ArchiveInvalid\", ErrorCategory.InvalidData)", source, StringComparison.Ordinal);
    }

    private static string Normalize(string source) => Regex.Replace(source, @"\s+", " ");
}

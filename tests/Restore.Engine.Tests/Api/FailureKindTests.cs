using System;
using System.Linq;
using Restore.Engine.Api;
using Restore.Engine.Archive;
using Restore.Engine.Cluster;
using Restore.Engine.Execution;
using Restore.Engine.Records;
using Restore.Engine.Storage;
using Restore.Engine.Tests.Reliability;
using Restore.PowerShell.Infrastructure;
using Xunit;

namespace Restore.Engine.Tests.Api;

/// <summary>
/// Failure kinds are data: the engine's exceptions, item failures and target failures become one <see cref="FailureKind"/>
/// at the door, and the cmdlets' one table (<see cref="FailureErrors"/>) gives every kind an error id and category.
/// </summary>
public class FailureKindTests
{
    [Fact]
    public void EveryKindHasARowInTheCmdletTable()
    {
        var missing = Enum.GetValues<FailureKind>().Where(k => k != FailureKind.None && !FailureErrors.Table.ContainsKey(k)).ToList();

        Assert.True(missing.Count == 0, "FailureErrors.Table has no row for " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryRowHasItsOwnErrorId()
    {
        var repeated = FailureErrors.Table.GroupBy(r => r.Value.Suffix).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.Empty(repeated);
    }

    [Fact]
    public void EveryItemAndTargetFailureHasAKind()
    {
        Assert.All(Enum.GetValues<ItemFailure>().Where(f => f != ItemFailure.None), f => Assert.NotEqual(FailureKind.None, EngineFailures.KindOf(f)));
        Assert.All(Enum.GetValues<TargetFailure>(), f => Assert.NotEqual(FailureKind.None, EngineFailures.KindOf(f)));
        Assert.Equal(FailureKind.None, EngineFailures.KindOf(ItemFailure.None));
    }

    [Fact]
    public void EngineExceptionsLeaveTheDoorWithTheirKind()
    {
        Assert.Equal(FailureKind.BackupNotFound, EngineFailures.Translate(new RestoreValidationException(RestoreValidationProblem.BackupNotFound, "x"))!.Kind);
        Assert.Equal(FailureKind.BackupNotFound, EngineFailures.Translate(new BackupNotFoundException("loc", "b1", "x"))!.Kind);
        Assert.Equal("b1", EngineFailures.Translate(new BackupNotFoundException("loc", "b1", "x"))!.Name);
        Assert.Equal(FailureKind.StorageUnreachable, EngineFailures.Translate(new StorageException(StorageErrorKind.Unreachable, "loc", "x"))!.Kind);
        Assert.Equal(FailureKind.ContextNotFound, EngineFailures.Translate(new KubeConfigException("x", KubeConfigProblem.ContextNotFound, "prod"))!.Kind);
        Assert.Equal("r1", EngineFailures.Translate(new RestoreNameInUseException("r1", "loc"))!.Name);
        Assert.Equal(FailureKind.ClusterUnreachable, EngineFailures.Translate(new KubernetesApiException("x"))!.Kind);
        Assert.Equal(FailureKind.ArchiveUnsafe, EngineFailures.Translate(new ArchiveSecurityException("x", "e", 0))!.Kind);
        Assert.Equal(FailureKind.ArchiveInvalid, EngineFailures.Translate(new ArchiveFormatException(ArchiveProblem.NotGzip, "x"))!.Kind);
        Assert.Null(EngineFailures.Translate(new InvalidOperationException("a bug")));
    }

    [Theory]
    [InlineData("Manifest", nameof(FailureKind.ManifestInvalid), "NewRestoreManifestInvalid")]
    [InlineData("Qps", nameof(FailureKind.InvalidArgument), "NewRestoreInvalidArgument")]
    public void ABadParameterIsNamedAndGetsItsId(string parameter, string kind, string errorId)
    {
        var error = RestoreEngineException.ForParameter(parameter, "bad");

        Assert.Equal(Enum.Parse<FailureKind>(kind), error.Kind);
        Assert.Equal(parameter, error.Parameter);
        Assert.Equal((errorId, "InvalidArgument"), CmdletErrors.For("NewRestore", error));
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;
using Restore.Engine.Records;
using Restore.Engine.Storage;

namespace Restore.Engine.Execution;

internal sealed class RunTimings
{
}

internal sealed class RestorePreparation
{
    public RestorePreparation(StorageLocation location, IEngineLog log)
    {
        _ = location;
        _ = log;
    }

    public Task<RestoreWhatIf> DescribeAsync(RestoreRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();
}

internal sealed class RestorePreviewer
{
    public RestorePreviewer(StorageLocation location, IEngineLog log)
    {
        _ = location;
        _ = log;
    }

    public Task<RestorePreview> PlanAsync(RestoreRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();
}

internal sealed class RestoreRun
{
    public RestoreRun(StorageLocation location, IEngineLog log, IObjectStore store, RunTimings timings)
    {
        _ = location;
        _ = log;
        _ = store;
        _ = timings;
    }

    public Task<RestoreRunResult> RunAsync(RestoreRequest request, IProgress<RestoreProgress>? progress, Action<RestoreItemOutcome>? onItem, CancellationToken cancellationToken) => throw new NotImplementedException();
}

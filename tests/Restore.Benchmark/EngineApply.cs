using System.Globalization;
using System.Threading.Tasks;

namespace Restore.Benchmark;

/// <summary>How our restore is run: null leaves the engine's default.</summary>
/// <param name="Parallel">Items in flight (<c>-Parallel</c>).</param>
/// <param name="Qps">Client-side requests per second (<c>-Qps</c>).</param>
/// <param name="Burst">Client-side burst (<c>-Burst</c>).</param>
public sealed record EngineSettings(int? Parallel, double? Qps, int? Burst)
{
    /// <summary>Velero's strategy: one item at a time.</summary>
    public static EngineSettings OneAtATime { get; } = new(1, null, null);

    /// <summary>Everything at its default.</summary>
    public static EngineSettings Default { get; } = new(null, null, null);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = (Parallel is { } p ? $"-Parallel {p} " : string.Empty)
            + (Qps is { } q ? $"-Qps {q.ToString(CultureInfo.InvariantCulture)} " : string.Empty)
            + (Burst is { } b ? $"-Burst {b} " : string.Empty);
        return text.Length == 0 ? "defaults" : text.TrimEnd();
    }
}

/// <summary>One run of our restore: the result, or why it could not run.</summary>
/// <param name="Settings">The settings used.</param>
/// <param name="Result">The measurement.</param>
/// <param name="Unavailable">Why there is no measurement.</param>
public sealed record EngineRun(EngineSettings Settings, ApplyResult? Result, string? Unavailable);

/// <summary>Our restore (RestoreEngine.RunAsync) into a fresh test API server, measured in a child process.</summary>
public static class EngineApply
{
    /// <summary>Restores the backup (the first <paramref name="shards"/> shards of it) into a fresh server with <paramref name="latencyMs"/>.</summary>
    public static Task<EngineRun> RunAsync(PreparedBackup backup, int latencyMs, EngineSettings settings, int shards, string scratch)
    {
        _ = (backup, latencyMs, shards, scratch);
        return Task.FromResult(new EngineRun(settings, null, "Restore.Engine.Execution.RestoreEngine.RunAsync is not available on this branch yet"));
    }

    /// <summary>The child side.</summary>
    public static Task<int> ChildAsync(string[] args)
    {
        _ = args;
        return Task.FromResult(2);
    }
}

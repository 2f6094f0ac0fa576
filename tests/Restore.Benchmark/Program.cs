namespace Restore.Benchmark;

/// <summary>Benchmark entry point.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => 0;
}

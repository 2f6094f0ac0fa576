namespace Restore.TestApiServer;

/// <summary>Runs the test API server on its own.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => 0;
}

using System;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.DependencyProbes;

/// <summary>
/// The command line and output of a probe client (EngineClient, LibraryClient), compiled into each:
/// <c>[--kubeconfig path] [--context name]</c> in, one line out, "OK ..." or "FAIL type: message".
/// </summary>
internal static class ProbeClient
{
    /// <summary>Runs <paramref name="connect"/> (kubeconfig path, context; null when not given), which returns the text after "OK ".</summary>
    public static async Task<int> RunAsync(string[] args, Func<string?, string?, CancellationToken, Task<string>> connect)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            Console.WriteLine("OK " + await connect(Arg(args, "--kubeconfig"), Arg(args, "--context"), timeout.Token).ConfigureAwait(false));
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine("FAIL " + Describe(ex));
            return 1;
        }
    }

    private static string? Arg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && args[at + 1].Length > 0 ? args[at + 1] : null;
    }

    // The outer exception says what failed, the innermost why (a TLS or socket error).
    private static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var text = ex.GetType().Name + ": " + ex.Message + (ReferenceEquals(inner, ex) ? string.Empty : " <- " + inner.GetType().Name + ": " + inner.Message);
        return text.Replace('\n', ' ').Replace('\r', ' ');
    }
}

using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Restore.TestApiServer;

/// <summary>Runs the test API server on its own until Ctrl+C or SIGTERM.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        CommandLine settings;
        try
        {
            settings = CommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + CommandLine.Usage).ConfigureAwait(false);
            return 2;
        }

        if (settings.Help)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        await using var server = await TestApiServer.StartAsync(settings.Options, stop.Token).ConfigureAwait(false);
        settings.ApplyTo(server.Knobs);
        await using var standIn = settings.VeleroStandIn is { } standInOptions ? VeleroStandIn.Start(server, standInOptions) : null;
        if (settings.KubeconfigPath is not null)
        {
            server.WriteKubeconfig(settings.KubeconfigPath, settings.Context, settings.Namespace);
        }

        Console.WriteLine($"Test API server listening on {server.Server}");
        if (settings.KubeconfigPath is not null)
        {
            Console.WriteLine($"Kubeconfig: {settings.KubeconfigPath} (contexts {server.ContextName(KubeconfigAuth.Token)}, {server.ContextName(KubeconfigAuth.ClientCertificate)})");
        }

        if (standIn is not null)
        {
            Console.WriteLine($"Velero stand-in watching namespace {settings.VeleroStandIn!.Namespace}");
        }

        Console.WriteLine("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        if (settings.JournalPath is not null)
        {
            server.Journal.WriteJsonLines(settings.JournalPath);
        }

        return 0;
    }
}

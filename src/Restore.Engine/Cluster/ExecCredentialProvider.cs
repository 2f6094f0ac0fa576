using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Common;

namespace Restore.Engine.Cluster;

/// <summary>What an exec plugin returned.</summary>
internal sealed class ExecCredential
{
    public string? Token { get; init; }

    public string? ClientCertificateData { get; init; }

    public string? ClientKeyData { get; init; }

    public DateTimeOffset? Expiration { get; init; }
}

/// <summary>A credential that could not be obtained; becomes a <see cref="KubernetesConnectionException"/> with reason CredentialsFailed.</summary>
internal sealed class CredentialException : Exception
{
    public CredentialException(string message)
        : base(message)
    {
    }

    public CredentialException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CredentialException()
    {
    }
}

/// <summary>
/// Runs an exec credential plugin (client.authentication.k8s.io v1/v1beta1) and caches what it
/// prints until its expirationTimestamp. Concurrent callers share one run.
/// </summary>
internal sealed class ExecCredentialProvider : IDisposable
{
    // Refresh slightly early so a request does not leave with a credential that expires in flight.
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(5);
    private static readonly PropertyInfo? ArgumentListProperty = typeof(ProcessStartInfo).GetProperty("ArgumentList");
    private static readonly MethodInfo? KillTreeMethod = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

    private readonly ExecCredentialSettings settings;
    private readonly ClusterConnectionSettings cluster;
    private readonly IKubeClock clock;
    private readonly TimeSpan timeout;
    private readonly IEngineLog log;
    private readonly SecretRedactor redactor;
    private readonly SemaphoreSlim gate = new(1, 1);
    private ExecCredential? cached;

    public ExecCredentialProvider(ExecCredentialSettings settings, ClusterConnectionSettings cluster, IKubeClock clock, TimeSpan timeout, IEngineLog log, SecretRedactor redactor)
    {
        this.settings = settings;
        this.cluster = cluster;
        this.clock = clock;
        this.timeout = timeout;
        this.log = log;
        this.redactor = redactor;
    }

    /// <summary>How many times the plugin has run (for diagnostics and tests).</summary>
    public int Invocations { get; private set; }

    /// <summary>
    /// Returns the cached credential, running the plugin when there is none, it expired, or the server
    /// rejected it (<paramref name="rejected"/> is the credential that got a 401).
    /// </summary>
    public async Task<ExecCredential> GetAsync(ExecCredential? rejected, CancellationToken cancellationToken)
    {
        var current = cached;
        if (current is not null && rejected is null && IsFresh(current))
        {
            return current;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = cached;

            // Another caller may have refreshed while we waited; only rerun if the cache is still the rejected or stale one.
            if (current is not null && IsFresh(current) && (rejected is null || !ReferenceEquals(current, rejected)))
            {
                return current;
            }

            var fresh = await RunAsync(cancellationToken).ConfigureAwait(false);
            cached = fresh;
            return fresh;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    internal static string QuoteArgument(string argument)
    {
        // Windows command-line rules (CommandLineToArgvW), which .NET also applies when it splits
        // ProcessStartInfo.Arguments on Unix.
        if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            if (c == '"')
            {
                quoted.Append('\\', (backslashes * 2) + 1);
            }
            else
            {
                quoted.Append('\\', backslashes);
            }

            backslashes = 0;
            quoted.Append(c);
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }

    internal static ExecCredential ParseOutput(string stdout, string expectedApiVersion, string command)
    {
        try
        {
            return ParseOutputCore(stdout, expectedApiVersion, command);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Do not echo the output: it may hold a credential.
            throw new CredentialException($"The exec plugin '{command}' did not print a valid ExecCredential JSON object.");
        }
    }

    private static ExecCredential ParseOutputCore(string stdout, string expectedApiVersion, string command)
    {
        var root = JsonNode.Parse(stdout) as JsonObject;

        if (root is null)
        {
            throw new CredentialException($"The exec plugin '{command}' did not print an ExecCredential JSON object.");
        }

        var apiVersion = root["apiVersion"]?.GetValue<string>();
        if (!string.Equals(apiVersion, expectedApiVersion, StringComparison.Ordinal))
        {
            throw new CredentialException($"The exec plugin '{command}' returned apiVersion '{apiVersion}', but the kubeconfig asks for '{expectedApiVersion}'.");
        }

        if (root["status"] is not JsonObject status)
        {
            throw new CredentialException($"The exec plugin '{command}' returned an ExecCredential without a status.");
        }

        var token = status["token"]?.GetValue<string>();
        var certificate = status["clientCertificateData"]?.GetValue<string>();
        var key = status["clientKeyData"]?.GetValue<string>();
        if (string.IsNullOrEmpty(certificate) != string.IsNullOrEmpty(key))
        {
            throw new CredentialException($"The exec plugin '{command}' returned a client {(string.IsNullOrEmpty(key) ? "certificate without a key" : "key without a certificate")}.");
        }

        if (string.IsNullOrEmpty(token) && string.IsNullOrEmpty(certificate))
        {
            throw new CredentialException($"The exec plugin '{command}' returned neither a token nor a client certificate.");
        }

        DateTimeOffset? expiration = null;
        var expirationText = status["expirationTimestamp"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(expirationText))
        {
            if (!DateTimeOffset.TryParse(expirationText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                throw new CredentialException($"The exec plugin '{command}' returned an expirationTimestamp that is not a timestamp: '{expirationText}'.");
            }

            expiration = parsed;
        }

        return new ExecCredential
        {
            Token = string.IsNullOrEmpty(token) ? null : token,
            ClientCertificateData = string.IsNullOrEmpty(certificate) ? null : certificate,
            ClientKeyData = string.IsNullOrEmpty(key) ? null : key,
            Expiration = expiration,
        };
    }

    internal string BuildExecInfo()
    {
        var spec = new JsonObject { ["interactive"] = false };
        if (settings.ProvideClusterInfo)
        {
            var cluster = new JsonObject { ["server"] = this.cluster.Server.ToString().TrimEnd('/') };
            if (this.cluster.TlsServerName is not null)
            {
                cluster["tls-server-name"] = this.cluster.TlsServerName;
            }

            if (this.cluster.InsecureSkipTlsVerify)
            {
                cluster["insecure-skip-tls-verify"] = true;
            }

            if (this.cluster.CertificateAuthorityData is not null)
            {
                cluster["certificate-authority-data"] = Convert.ToBase64String(this.cluster.CertificateAuthorityData);
            }

            if (this.cluster.ProxyUrl is not null)
            {
                cluster["proxy-url"] = this.cluster.ProxyUrl.ToString();
            }

            spec["cluster"] = cluster;
        }

        return new JsonObject { ["apiVersion"] = settings.ApiVersion, ["kind"] = "ExecCredential", ["spec"] = spec }.ToJsonString();
    }

    private bool IsFresh(ExecCredential credential) =>
        credential.Expiration is null || clock.UtcNow + ExpirySkew < credential.Expiration.Value;

    private string ResolveCommand()
    {
        var command = settings.Command;
        var hasDirectory = command.IndexOf('/') >= 0 || command.IndexOf('\\') >= 0;
        if (hasDirectory && !Path.IsPathRooted(command) && settings.BaseDirectory is not null)
        {
            // As kubectl: a relative path with a directory part is relative to the kubeconfig file.
            return Path.GetFullPath(Path.Combine(settings.BaseDirectory, command));
        }

        return command;
    }

    private async Task<ExecCredential> RunAsync(CancellationToken cancellationToken)
    {
        if (settings.InteractiveMode == "Always")
        {
            throw new CredentialException($"The exec plugin '{this.settings.Command}' needs an interactive terminal (interactiveMode: Always), which this client cannot provide. Log in once in a terminal (for example with 'kubectl get namespaces'), or change interactiveMode.");
        }

        var command = ResolveCommand();
        var startInfo = new ProcessStartInfo
        {
            FileName = command,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        SetArguments(startInfo, settings.Args);
        foreach (var pair in settings.Env)
        {
            startInfo.Environment[pair.Key] = pair.Value;
        }

        startInfo.Environment["KUBERNETES_EXEC_INFO"] = BuildExecInfo();

        using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(true);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            var hint = string.IsNullOrWhiteSpace(settings.InstallHint) ? string.Empty : " " + settings.InstallHint!.Trim();
            throw new CredentialException($"The exec credential plugin '{command}' could not be started: {ex.Message}.{hint}");
        }

        Invocations++;
        log.Debug("Running exec credential plugin", ("command", settings.Command), ("apiVersion", settings.ApiVersion));

        // Plugins must not wait for input they will never get.
        process.StandardInput.Close();
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(this.timeout);
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (timeout.Token.Register(() => cancelled.TrySetResult(true)))
        {
            if (process.HasExited)
            {
                exited.TrySetResult(true);
            }

            var finished = await Task.WhenAny(exited.Task, cancelled.Task).ConfigureAwait(false);
            if (finished != exited.Task)
            {
                TryKill(process);
                cancellationToken.ThrowIfCancellationRequested();
                throw new CredentialException($"The exec credential plugin '{command}' did not finish within {this.timeout.TotalSeconds:0} seconds.");
            }
        }

        // A child the plugin started may keep its output open after it exits: do not wait on that forever.
        var streams = Task.WhenAll(stdoutTask, stderrTask);
        if (await Task.WhenAny(streams, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)).ConfigureAwait(false) != streams)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new CredentialException($"The exec credential plugin '{command}' exited but its output did not end.");
        }

        var stdout = await stdoutTask.ConfigureAwait(false);
        var stderr = await stderrTask.ConfigureAwait(false);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var detail = redactor.RedactSnippet(stderr, 500);
            throw new CredentialException($"The exec credential plugin '{command}' failed with exit code {process.ExitCode}" + (detail.Length > 0 ? ": " + detail : "."));
        }

        var credential = ParseOutput(stdout, settings.ApiVersion, command);
        redactor.Add(credential.Token);
        redactor.Add(credential.ClientKeyData);
        return credential;
    }

    private static void SetArguments(ProcessStartInfo startInfo, IReadOnlyList<string> args)
    {
        // ArgumentList (.NET Core 2.1+) passes arguments verbatim; .NET Framework only has the Arguments string.
        if (ArgumentListProperty?.GetValue(startInfo) is ICollection<string> list)
        {
            foreach (var arg in args)
            {
                list.Add(arg);
            }

            return;
        }

        var line = new StringBuilder();
        foreach (var arg in args)
        {
            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(QuoteArgument(arg));
        }

        startInfo.Arguments = line.ToString();
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                // Kill(entireProcessTree) (.NET Core 3.0+) also ends what a wrapper script started;
                // .NET Framework only has Kill().
                if (KillTreeMethod is not null)
                {
                    KillTreeMethod.Invoke(process, new object[] { true });
                }
                else
                {
                    process.Kill();
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TargetInvocationException)
        {
            // Already gone.
        }
        catch (Win32Exception)
        {
            // Could not kill; nothing more to do.
        }
    }
}

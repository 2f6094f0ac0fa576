using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Restore.TestApiServer;

/// <summary>
/// What a scripted command does: the first script whose <see cref="Match"/> is found in the command line (words
/// joined by spaces; <c>*</c> matches any) and whose <see cref="Container"/> (when set) is the exec's container.
/// </summary>
public sealed class ExecScript
{
    /// <summary>Text the command line must contain; <c>*</c> for any command.</summary>
    public string Match { get; set; } = "*";

    /// <summary>Only for this container; null for any.</summary>
    public string? Container { get; set; }

    /// <summary>Written to stdout.</summary>
    public string Stdout { get; set; } = string.Empty;

    /// <summary>Written to stderr.</summary>
    public string Stderr { get; set; } = string.Empty;

    /// <summary>The exit code.</summary>
    public int ExitCode { get; set; }

    /// <summary>How long the command "runs" before its output and exit code are sent.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Reads <c>{"match","container","stdout","stderr","exitCode","delayMs"}</c>.</summary>
    public static ExecScript Parse(string json)
    {
        var o = JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("an exec script must be a JSON object");
        return new ExecScript
        {
            Match = (string?)o["match"] ?? "*",
            Container = (string?)o["container"],
            Stdout = (string?)o["stdout"] ?? string.Empty,
            Stderr = (string?)o["stderr"] ?? string.Empty,
            ExitCode = (int?)o["exitCode"] ?? 0,
            Delay = TimeSpan.FromMilliseconds((int?)o["delayMs"] ?? 0),
        };
    }

    internal bool Matches(string commandLine, string container) =>
        (Match == "*" || commandLine.Contains(Match, StringComparison.Ordinal)) && (Container is null || Container == container);
}

/// <summary>
/// <c>pods/exec</c> over WebSocket with the Kubernetes channel protocol (<c>v5.channel.k8s.io</c>,
/// <c>v4.channel.k8s.io</c>), as kube-apiserver and the kubelet answer it: an empty stdout message once the stream
/// is up, output on channels 1 and 2, then a metav1.Status on channel 3 (Success, or NonZeroExitCode with the code
/// in an ExitCode cause), then a normal close. The command is not run: its output and exit code come from
/// <see cref="ServerKnobs.ExecScripts"/>, then from the ConfigMap <c>kube-system/restore-test-exec</c> (each data
/// value one <see cref="ExecScript"/> as JSON), else <c>echo</c> prints its arguments and anything else succeeds
/// silently. Every exec is kept in <see cref="ServerKnobs.ExecLog"/>.
/// </summary>
internal sealed partial class ApiHandler
{
    private static readonly string[] ChannelProtocols = { "v5.channel.k8s.io", "v4.channel.k8s.io" };

    private async Task ExecAsync(HttpContext context, RequestInfo info, UserInfo user)
    {
        if (info.Verb is not ("get" or "create") || info.Namespace.Length == 0)
        {
            throw ApiErrors.MethodNotSupported(string.Empty, "pods/exec", info.Verb);
        }

        // kube-apiserver authorizes exec as "create" on pods/exec, also for WebSocket GETs (1.31+).
        if (knobs.IsForbidden("create", string.Empty, "pods", "exec", info.Namespace, user.Name))
        {
            throw ApiErrors.Forbidden(string.Empty, "pods/exec", info.Name, $"User \"{user.Name}\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"{info.Namespace}\"");
        }

        var podType = store.Resources.Current.ByGroupResource("pods")!;
        var pod = store.Find(podType, info.Namespace, info.Name)?.ToJson() ?? throw ApiErrors.NotFound(string.Empty, "pods", info.Name);
        var query = context.Request.Query;
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (command.Count == 0)
        {
            throw ApiErrors.BadRequest("you must specify at least 1 command");
        }

        var containers = ((pod["spec"] as JsonObject)?["containers"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Select(c => Json.Str(c["name"]) ?? string.Empty).ToList();
        var container = (string?)query["container"];
        if (string.IsNullOrEmpty(container))
        {
            container = containers.Count == 1 ? containers[0] : throw ApiErrors.BadRequest($"a container name must be specified for pod {info.Name}, choose one of: [{string.Join(" ", containers)}]");
        }

        if (!containers.Contains(container))
        {
            throw ApiErrors.BadRequest($"container {container} is not valid for pod {info.Name}");
        }

        if (!IsRunning(pod, container))
        {
            // The kubelet has no such running container yet.
            throw ApiErrors.BadRequest($"unable to upgrade connection: container not found (\"{container}\")");
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw ApiErrors.BadRequest("Upgrade request required");
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = ChannelProtocols.FirstOrDefault(p => offered.Contains(p, StringComparer.Ordinal))
            ?? throw ApiErrors.BadRequest("this test server speaks only the v5.channel.k8s.io and v4.channel.k8s.io exec protocols");

        var commandLine = string.Join(" ", command);
        var script = knobs.ExecScripts.FirstOrDefault(s => s.Matches(commandLine, container)) ?? ConfigMapScript(commandLine, container) ?? Builtin(command);
        knobs.RecordExec(new ExecRecord(info.Namespace, info.Name, container, command, script.ExitCode, DateTimeOffset.UtcNow));

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol }).ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);

        // Reads what the client sends (v5 stream-close signals, the close frame) so a client close is seen.
        var reading = DrainAsync(socket, done.Token);
        await SendAsync(socket, 1, Array.Empty<byte>(), done.Token).ConfigureAwait(false);
        if (script.Delay > TimeSpan.Zero)
        {
            await Task.WhenAny(Task.Delay(script.Delay, done.Token), reading).ConfigureAwait(false);
            if (reading.IsCompleted)
            {
                return;
            }
        }

        if (script.Stdout.Length > 0)
        {
            await SendAsync(socket, 1, Encoding.UTF8.GetBytes(script.Stdout), done.Token).ConfigureAwait(false);
        }

        if (script.Stderr.Length > 0)
        {
            await SendAsync(socket, 2, Encoding.UTF8.GetBytes(script.Stderr), done.Token).ConfigureAwait(false);
        }

        await SendAsync(socket, 3, Json.ToBytes(ExecStatus(command, script.ExitCode)), done.Token).ConfigureAwait(false);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, done.Token).ConfigureAwait(false);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(done.Token);
        grace.CancelAfter(TimeSpan.FromSeconds(5));
        await Task.WhenAny(reading, Task.Delay(Timeout.Infinite, grace.Token).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
    }

    /// <summary>The Status the kubelet's v4+ protocol sends on the error channel (client-go reads the exit code from it).</summary>
    internal static JsonObject ExecStatus(IReadOnlyList<string> command, int exitCode) => exitCode == 0
        ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
        : new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(" ", command)}], exit code {exitCode.ToString(CultureInfo.InvariantCulture)}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(CultureInfo.InvariantCulture) }),
            },
        };

    private static bool IsRunning(JsonObject pod, string container)
    {
        var status = pod["status"] as JsonObject;
        if (Json.Str(status?["phase"]) != "Running")
        {
            return false;
        }

        return (status?["containerStatuses"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Any(s => Json.Str(s["name"]) == container && (s["state"] as JsonObject)?["running"] is JsonObject);
    }

    private static ExecScript Builtin(IReadOnlyList<string> command) => command[0] switch
    {
        "echo" => new ExecScript { Stdout = string.Join(" ", command.Skip(1)) + "\n" },
        "false" => new ExecScript { ExitCode = 1 },
        _ => new ExecScript(),
    };

    private static async Task SendAsync(WebSocket socket, byte channel, byte[] data, CancellationToken cancellationToken)
    {
        var message = new byte[data.Length + 1];
        message[0] = channel;
        data.CopyTo(message, 1);
        await socket.SendAsync(message, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DrainAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }

    private ExecScript? ConfigMapScript(string commandLine, string container)
    {
        var configMap = store.Get("configmaps", "kube-system", "restore-test-exec");
        if ((configMap?["data"] as JsonObject) is not { } data)
        {
            return null;
        }

        foreach (var pair in data.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            try
            {
                var script = ExecScript.Parse(Json.Str(pair.Value) ?? "{}");
                if (script.Matches(commandLine, container))
                {
                    return script;
                }
            }
            catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
            {
                // A malformed entry is skipped, as a typo in a test's script should not break the server.
            }
        }

        return null;
    }
}

/// <summary>One exec the server answered.</summary>
public sealed record ExecRecord(string Namespace, string Pod, string Container, IReadOnlyList<string> Command, int ExitCode, DateTimeOffset Time);

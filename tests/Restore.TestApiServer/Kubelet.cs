using System;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Restore.TestApiServer;

/// <summary>
/// A stand-in for the kubelet, off unless <see cref="ServerKnobs.PodRunningDelay"/> is set: after the delay a
/// created pod gets the status a started pod has (phase Running, init containers terminated with Completed, every
/// container running), and Ready after <see cref="ServerKnobs.PodReadyDelay"/>. Per-pod annotations override both.
/// </summary>
public sealed partial class ObjectStore
{
    /// <summary>Per-pod override of <see cref="ServerKnobs.PodRunningDelay"/>: milliseconds or <c>never</c>.</summary>
    public const string RunningAfterAnnotation = "restore-test.local/running-after-ms";

    /// <summary>Per-pod override of <see cref="ServerKnobs.PodReadyDelay"/>: milliseconds or <c>never</c>.</summary>
    public const string ReadyAfterAnnotation = "restore-test.local/ready-after-ms";

    private void SchedulePodStart(JsonObject pod, string ns, string name)
    {
        var annotations = Json.Metadata(pod)["annotations"] as JsonObject;
        var running = Delay(Json.Str(annotations?[RunningAfterAnnotation]), knobs.PodRunningDelay);
        if (running is null)
        {
            return;
        }

        var ready = Delay(Json.Str(annotations?[ReadyAfterAnnotation]), knobs.PodReadyDelay ?? running);
        var uid = Json.Str(Json.Metadata(pod)["uid"]) ?? string.Empty;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(running.Value, stopping).ConfigureAwait(false);
                SetPodStatus(ns, name, uid, ready: ready is not null && ready.Value <= running.Value);
                if (ready is not null && ready.Value > running.Value)
                {
                    await Task.Delay(ready.Value - running.Value, stopping).ConfigureAwait(false);
                    SetPodStatus(ns, name, uid, ready: true);
                }
            }
            catch (OperationCanceledException)
            {
                // Shutting down.
            }
            catch (ApiException)
            {
                // The pod was deleted meanwhile.
            }
        });
    }

    private static TimeSpan? Delay(string? annotation, TimeSpan? otherwise) => annotation switch
    {
        null => otherwise,
        "never" => null,
        _ => int.TryParse(annotation, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms) : otherwise,
    };

    private void SetPodStatus(string ns, string name, string uid, bool ready)
    {
        var podType = Resources.Current.ByGroupResource("pods")!;
        var current = Find(podType, ns, name);
        if (current is null || current.Uid != uid)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Mutate(podType, ns, name, statusOnly: true, dryRun: false, obj =>
        {
            var spec = obj["spec"] as JsonObject;
            var status = obj["status"] as JsonObject ?? new JsonObject();
            status["phase"] = "Running";
            status["startTime"] ??= now;
            status["conditions"] = new JsonArray(
                Condition("Initialized", "True", now),
                Condition("Ready", ready ? "True" : "False", now),
                Condition("ContainersReady", ready ? "True" : "False", now),
                Condition("PodScheduled", "True", now));
            status["initContainerStatuses"] = new JsonArray((spec?["initContainers"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = Json.Str(c["name"]),
                ["image"] = Json.Str(c["image"]),
                ["imageID"] = string.Empty,
                ["ready"] = true,
                ["restartCount"] = 0,
                ["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed", ["startedAt"] = now, ["finishedAt"] = now } },
            }).ToArray());
            status["containerStatuses"] = new JsonArray((spec?["containers"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Select(c => (JsonNode?)new JsonObject
            {
                ["name"] = Json.Str(c["name"]),
                ["image"] = Json.Str(c["image"]),
                ["imageID"] = string.Empty,
                ["ready"] = ready,
                ["started"] = true,
                ["restartCount"] = 0,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } },
            }).ToArray());
            obj["status"] = status;
            return obj;
        });
    }

    private static JsonObject Condition(string type, string value, string now) =>
        new() { ["type"] = type, ["status"] = value, ["lastProbeTime"] = null, ["lastTransitionTime"] = now };
}

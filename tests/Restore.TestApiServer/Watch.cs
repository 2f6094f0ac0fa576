using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Restore.TestApiServer;

/// <summary>
/// A small but real watch: ADDED/MODIFIED/DELETED events as JSON lines, resumable from a recent
/// resourceVersion (410 Expired as an ERROR event when too old), initial state for resourceVersion
/// "" or "0", sendInitialEvents with the closing bookmark, and timeoutSeconds. Enough for kubectl's
/// delete --wait and client-go reflectors.
/// </summary>
internal sealed partial class ApiHandler
{
    private const int DefaultWatchSeconds = 1800;

    private async Task WatchAsync(HttpContext context, ResourceType t, string? ns)
    {
        var query = context.Request.Query;
        var rvText = query["resourceVersion"].ToString();
        var sendInitialEvents = IsTrue(query["sendInitialEvents"]);
        var bookmarks = IsTrue(query["allowWatchBookmarks"]);
        long fromRv = 0;
        if (rvText.Length > 0 && !long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out fromRv))
        {
            throw ApiErrors.BadRequest($"invalid resource version: {Go.Quote(rvText)}");
        }

        var seconds = DefaultWatchSeconds;
        if (query["timeoutSeconds"] is { Count: > 0 } timeoutText && int.TryParse(timeoutText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
        {
            seconds = requested;
        }

        var filter = new WatchFilter { Namespace = ns, Labels = LabelSelectorOf(query), Fields = FieldSelectorOf(query) };
        var initialState = sendInitialEvents || fromRv == 0;
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        WatchSubscription subscription;
        List<WatchEvent> initial;
        try
        {
            (subscription, initial) = store.Bucket(t).Subscribe(filter, fromRv, initialState);
        }
        catch (ApiException expired)
        {
            await WriteEventAsync(context, "ERROR", Json.ToBytes(expired.ToStatus())).ConfigureAwait(false);
            return;
        }

        using (subscription)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
            try
            {
                foreach (var e in initial)
                {
                    await WriteEventAsync(context, e.Type, ForVersion(e.Object.Json, t), flush: false).ConfigureAwait(false);
                }

                if (sendInitialEvents && bookmarks)
                {
                    await WriteEventAsync(context, "BOOKMARK", Bookmark(t, store.CurrentResourceVersion), flush: false).ConfigureAwait(false);
                }

                await response.BodyWriter.FlushAsync(timeout.Token).ConfigureAwait(false);
                var reader = subscription.Events;
                while (await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var e))
                    {
                        await WriteEventAsync(context, e.Type, ForVersion(e.Object.Json, t), flush: false).ConfigureAwait(false);
                    }

                    await response.BodyWriter.FlushAsync(timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // timeoutSeconds elapsed or the server is stopping: end the stream cleanly, as a real server does.
            }
        }
    }

    private static byte[] Bookmark(ResourceType t, long resourceVersion)
        => Json.ToBytes(new JsonObject
        {
            ["kind"] = t.Kind,
            ["apiVersion"] = t.GroupVersion,
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture),
                ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" },
            },
        });

    private static async Task WriteEventAsync(HttpContext context, string type, byte[] objectJson, bool flush = true)
    {
        var writer = context.Response.BodyWriter;
        writer.Write("{\"type\":\""u8);
        writer.Write(System.Text.Encoding.UTF8.GetBytes(type));
        writer.Write("\",\"object\":"u8);
        writer.Write(objectJson);
        writer.Write("}\n"u8);
        if (flush)
        {
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}

using System;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Restore.TestApiServer;

/// <summary>
/// The request pipeline: latency, authentication, fault injection, Forbidden rules, then discovery or
/// resource handling; every request ends in the journal. Hand-written routing, no reflection.
/// </summary>
internal sealed partial class ApiHandler
{
    private static readonly byte[] NotFoundText = Encoding.UTF8.GetBytes("404 page not found\n");
    private readonly ObjectStore store;
    private readonly ServerKnobs knobs;
    private readonly RequestJournal journal;
    private readonly Authenticator authenticator;
    private readonly TestApiServerOptions options;
    private readonly CancellationToken stopping;
    private int inProgress;

    public ApiHandler(ObjectStore store, ServerKnobs knobs, RequestJournal journal, Authenticator authenticator, TestApiServerOptions options, CancellationToken stopping)
    {
        this.store = store;
        this.knobs = knobs;
        this.journal = journal;
        this.authenticator = authenticator;
        this.options = options;
        this.stopping = stopping;
    }

    /// <summary>host:port for /api's serverAddressByClientCIDRs; set once the port is known.</summary>
    public string ServerAddress { get; set; } = "127.0.0.1:0";

    /// <summary>Requests being handled right now.</summary>
    public int InProgress => Volatile.Read(ref inProgress);

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref inProgress);
        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref inProgress);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var arrived = DateTimeOffset.UtcNow;
        var request = context.Request;
        var info = RequestInfo.Parse(request.Method, request.Path.Value ?? "/", IsTrue(request.Query["watch"]));
        var user = string.Empty;
        string? fault = null;
        var aborted = false;
        try
        {
            var latency = knobs.NextLatency();
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
            }

            var identity = authenticator.Authenticate(context) ?? throw ApiErrors.Unauthorized();
            user = identity.Name;
            if (knobs.PickFault(info) is { } rule)
            {
                switch (rule.Action)
                {
                    case FaultAction.ResetConnection:
                        fault = "reset";
                        aborted = true;
                        context.Abort();
                        return;
                    case FaultAction.Hang:
                        fault = "hang";
                        await Task.Delay(rule.HangFor, context.RequestAborted).ConfigureAwait(false);
                        break;
                    default:
                        fault = "status:" + rule.StatusCode.ToString(CultureInfo.InvariantCulture);
                        throw ApiErrors.ForStatusCode(rule.StatusCode, rule.RetryAfterSeconds);
                }
            }

            if (info.IsResourceRequest)
            {
                await HandleResourceAsync(context, info, identity).ConfigureAwait(false);
            }
            else
            {
                await HandleDiscoveryAsync(context, info).ConfigureAwait(false);
            }
        }
        catch (ApiException e)
        {
            await WriteErrorAsync(context, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            aborted = true;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, ApiErrors.InternalError(e.Message)).ConfigureAwait(false);
        }
        finally
        {
            journal.Add(new JournalEntry(
                arrived,
                request.Method,
                request.Path.Value ?? "/",
                request.QueryString.Value ?? string.Empty,
                // A create committed before the client went away still happened: keep its 201, as the store has the object.
                aborted && context.Response.StatusCode != StatusCodes.Status201Created ? 0 : context.Response.StatusCode,
                user,
                info.IsResourceRequest ? info.Verb : string.Empty,
                info.JournalResource,
                info.Namespace,
                info.Name,
                Stopwatch.GetElapsedTime(started),
                fault));
        }
    }

    private async Task HandleDiscoveryAsync(HttpContext context, RequestInfo info)
    {
        var snapshot = store.Resources.Current;
        var s = info.Segments;
        byte[]? body = s switch
        {
            ["version"] => Json.ToBytes(Discovery.Version(options.KubernetesVersion)),
            ["api"] => Discovery.CoreVersions(snapshot, ServerAddress),
            ["api", var version] => Discovery.ResourceList(snapshot, string.Empty, version),
            ["apis"] => Discovery.GroupList(snapshot),
            ["apis", var group] => Discovery.Group(snapshot, group),
            ["apis", var group, var version] => Discovery.ResourceList(snapshot, group, version),
            ["openapi", "v3"] => Discovery.OpenApiIndex(snapshot, options.KubernetesVersion),
            ["openapi", "v3", "api", var version] => Discovery.OpenApiDocument(snapshot, string.Empty, version, options.KubernetesVersion),
            ["openapi", "v3", "apis", var group, var version] => Discovery.OpenApiDocument(snapshot, group, version, options.KubernetesVersion),
            [] => Json.ToBytes(new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version") }),
            _ => null,
        };
        if (s is ["healthz" or "livez" or "readyz"])
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.Body.WriteAsync("ok"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (body is null)
        {
            await WritePageNotFoundAsync(context).ConfigureAwait(false);
            return;
        }

        await WriteBytesAsync(context, 200, body).ConfigureAwait(false);
    }

    private async Task HandleResourceAsync(HttpContext context, RequestInfo info, UserInfo user)
    {
        var snapshot = store.Resources.Current;
        if (!snapshot.ServesGroupVersion(info.Group, info.Version))
        {
            await WritePageNotFoundAsync(context).ConfigureAwait(false);
            return;
        }

        var t = snapshot.ByPath(info.Group, info.Version, info.Resource);
        if (t is null || info.HasExtraParts)
        {
            throw ApiErrors.PathNotFound();
        }

        string ns;
        if (t.Namespaced)
        {
            ns = info.Namespace;
            if (ns.Length == 0 && info.Name.Length > 0)
            {
                throw ApiErrors.PathNotFound();
            }
        }
        else
        {
            if (info.Namespace.Length > 0 && t.Behaviour != ResourceBehaviour.Namespace)
            {
                throw ApiErrors.PathNotFound();
            }

            ns = string.Empty;
        }

        var sub = info.Subresource;
        if (sub == "exec" && t.Group.Length == 0 && t.Plural == "pods")
        {
            await ExecAsync(context, info, user).ConfigureAwait(false);
            return;
        }

        if (sub.Length > 0 && !(sub == "status" && t.HasStatus && info.Verb is "get" or "update" or "patch"))
        {
            throw ApiErrors.PathNotFound();
        }

        if (sub.Length == 0 && !t.Verbs.Contains(info.Verb, StringComparer.Ordinal))
        {
            throw ApiErrors.MethodNotSupported(t.Group, t.Plural, info.Verb);
        }

        if (knobs.IsForbidden(info.Verb, t.Group, t.Plural, sub, info.Namespace, user.Name))
        {
            throw ApiErrors.Forbidden(t.Group, t.Plural, info.Name, ForbiddenReason(info, t, user.Name));
        }

        var query = context.Request.Query;
        var dryRun = DryRun(query);
        switch (t.Behaviour)
        {
            case ResourceBehaviour.SelfSubjectReview:
                await WriteJsonAsync(context, 201, Reviews.SelfSubjectReview(t, user)).ConfigureAwait(false);
                return;
            case ResourceBehaviour.SelfSubjectAccessReview:
                var review = await ReadObjectAsync(context, t).ConfigureAwait(false);
                await WriteJsonAsync(context, 201, Reviews.SelfSubjectAccessReview(t, review, user, knobs)).ConfigureAwait(false);
                return;
        }

        switch (info.Verb)
        {
            case "get":
                var found = store.Find(t, ns, info.Name) ?? throw ApiErrors.NotFound(t.Group, t.Plural, info.Name);
                if (Tables.Wanted(context.Request))
                {
                    await WriteJsonAsync(context, 200, Tables.Build(t, new[] { found }, store.CurrentResourceVersion, null, context.Request.Query["includeObject"])).ConfigureAwait(false);
                }
                else
                {
                    await WriteObjectAsync(context, 200, found.Json, t).ConfigureAwait(false);
                }

                return;
            case "list":
                await ListAsync(context, t, ns.Length == 0 ? null : ns).ConfigureAwait(false);
                return;
            case "watch":
                await WatchAsync(context, t, ns.Length == 0 ? null : ns).ConfigureAwait(false);
                return;
            case "create":
                if (info.Name.Length > 0 || (t.Namespaced && ns.Length == 0))
                {
                    throw ApiErrors.MethodNotSupported(t.Group, t.Plural, "create");
                }

                var created = store.Create(t, ns, await ReadObjectAsync(context, t).ConfigureAwait(false), dryRun);
                await WriteJsonAsync(context, 201, created, t).ConfigureAwait(false);
                return;
            case "update":
                var updated = store.Update(t, ns, info.Name, await ReadObjectAsync(context, t).ConfigureAwait(false), sub == "status", dryRun);
                await WriteJsonAsync(context, 200, updated, t).ConfigureAwait(false);
                return;
            case "patch":
                var patch = await ReadBodyAsync(context).ConfigureAwait(false);
                var patched = store.Patch(t, ns, info.Name, context.Request.ContentType ?? string.Empty, patch, sub == "status", dryRun);
                await WriteJsonAsync(context, 200, patched, t).ConfigureAwait(false);
                return;
            case "delete":
                var (code, body) = store.Delete(t, ns, info.Name, await ReadPreconditionsAsync(context).ConfigureAwait(false), dryRun);
                await WriteJsonAsync(context, code, body, t).ConfigureAwait(false);
                return;
            case "deletecollection":
                var deleted = store.DeleteCollection(t, ns.Length == 0 ? null : ns, LabelSelectorOf(query), FieldSelectorOf(query), dryRun);
                await WriteJsonAsync(context, 200, deleted).ConfigureAwait(false);
                return;
            default:
                throw ApiErrors.MethodNotSupported(t.Group, t.Plural, info.Verb);
        }
    }

    private async Task ListAsync(HttpContext context, ResourceType t, string? ns)
    {
        var query = context.Request.Query;
        var limit = 0;
        if (query["limit"] is { Count: > 0 } limitText && !int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit))
        {
            throw ApiErrors.BadRequest($"invalid limit: {Go.Quote(limitText.ToString())}");
        }

        var page = store.List(t, ns, LabelSelectorOf(query), FieldSelectorOf(query), limit, query["continue"].ToString());
        if (Tables.Wanted(context.Request))
        {
            await WriteJsonAsync(context, 200, Tables.Build(t, page.Items, page.ResourceVersion, page.Continue, query["includeObject"])).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        var writer = response.BodyWriter;
        var meta = new JsonObject { ["resourceVersion"] = page.ResourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (page.Continue is not null)
        {
            meta["continue"] = page.Continue;
        }

        if (page.RemainingItemCount is { } remaining)
        {
            meta["remainingItemCount"] = remaining;
        }

        var head = new JsonObject { ["kind"] = t.EffectiveListKind, ["apiVersion"] = t.GroupVersion, ["metadata"] = meta };
        var headBytes = Json.ToBytes(head);
        writer.Write(headBytes.AsSpan(0, headBytes.Length - 1));
        writer.Write(",\"items\":["u8);
        var pending = 0;
        for (var i = 0; i < page.Items.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(","u8);
            }

            var json = ForVersion(page.Items[i].Json, t);
            writer.Write(json);
            pending += json.Length;
            if (pending > 64 * 1024)
            {
                pending = 0;
                await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }

        writer.Write("]}"u8);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static string ForbiddenReason(RequestInfo info, ResourceType t, string user)
    {
        var resource = info.Subresource.Length == 0 ? t.Plural : t.Plural + "/" + info.Subresource;
        return info.Namespace.Length > 0
            ? $"User {Go.Quote(user)} cannot {info.Verb} resource {Go.Quote(resource)} in API group {Go.Quote(t.Group)} in the namespace {Go.Quote(info.Namespace)}"
            : $"User {Go.Quote(user)} cannot {info.Verb} resource {Go.Quote(resource)} in API group {Go.Quote(t.Group)} at the cluster scope";
    }

    private static bool DryRun(IQueryCollection query)
    {
        var value = query["dryRun"];
        if (value.Count == 0)
        {
            return false;
        }

        if (value.All(v => v == "All"))
        {
            return true;
        }

        throw ApiErrors.BadRequest($"Invalid dry run value: {Go.Quote(value.ToString())}: supported values: \"All\"");
    }

    private static LabelSelector? LabelSelectorOf(IQueryCollection query)
        => query["labelSelector"] is { Count: > 0 } text && text.ToString().Length > 0 ? LabelSelector.Parse(text.ToString()) : null;

    private static FieldSelector? FieldSelectorOf(IQueryCollection query)
        => query["fieldSelector"] is { Count: > 0 } text && text.ToString().Length > 0 ? FieldSelector.Parse(text.ToString()) : null;

    private static bool IsTrue(StringValues value) => value.Count > 0 && (value[0] is "true" or "1");

    private async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var max = options.MaxRequestBodyBytes;
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > max)
                {
                    throw new ApiException(413, "RequestEntityTooLarge", "Request entity too large: limit is " + max.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private async Task<JsonObject> ReadObjectAsync(HttpContext context, ResourceType t)
    {
        var contentType = (context.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
        if (contentType == Protobuf.MediaType)
        {
            return Protobuf.Decode(await ReadBodyAsync(context).ConfigureAwait(false));
        }

        if (contentType.Length > 0 && contentType != "application/json" && contentType != "*/*")
        {
            throw ApiErrors.UnsupportedMediaType(contentType, new[] { "application/json", Protobuf.MediaType });
        }

        return Json.ParseObject(await ReadBodyAsync(context).ConfigureAwait(false), "the body of the request for " + t.Kind);
    }

    private async Task<DeletePreconditions?> ReadPreconditionsAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body.Length == 0)
        {
            return null;
        }

        var options = Json.ParseObject(body, "DeleteOptions");
        if (options["preconditions"] is not JsonObject preconditions)
        {
            return null;
        }

        return new DeletePreconditions(Json.Str(preconditions["uid"]), Json.Str(preconditions["resourceVersion"]));
    }

    /// <summary>Stored objects carry the apiVersion they were written with; another served version gets its own (no conversion).</summary>
    private static byte[] ForVersion(byte[] json, ResourceType t)
    {
        // Stored objects are canonical ({"kind":..,"apiVersion":..} first), so a prefix check avoids parsing.
        var prefix = t.VersionedPrefix;
        if (json.AsSpan().StartsWith(prefix))
        {
            return json;
        }

        var obj = Json.ParseStored(json);
        obj["apiVersion"] = t.GroupVersion;
        return Json.ToBytes(obj);
    }

    private static Task WriteObjectAsync(HttpContext context, int status, byte[] json, ResourceType t)
        => WriteBytesAsync(context, status, ForVersion(json, t));

    private static Task WriteJsonAsync(HttpContext context, int status, JsonObject body, ResourceType? t = null)
    {
        if (t is not null && Json.Str(body["kind"]) == t.Kind)
        {
            body["apiVersion"] = t.GroupVersion;
        }

        return WriteBytesAsync(context, status, Json.ToBytes(body));
    }

    private static async Task WriteBytesAsync(HttpContext context, int status, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        if (error.RetryAfterSeconds is > 0)
        {
            context.Response.Headers.RetryAfter = error.RetryAfterSeconds.Value.ToString(CultureInfo.InvariantCulture);
        }

        await WriteBytesAsync(context, error.Code, Json.ToBytes(error.ToStatus())).ConfigureAwait(false);
    }

    private static async Task WritePageNotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.Body.WriteAsync(NotFoundText, context.RequestAborted).ConfigureAwait(false);
    }
}

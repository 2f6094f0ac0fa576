using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace Restore.TestApiServer;

/// <summary>One field problem of an Invalid (422) error, as Kubernetes reports it in details.causes.</summary>
/// <param name="Reason">The cause type, e.g. FieldValueInvalid.</param>
/// <param name="Message">The cause message without the field, e.g. "Invalid value: 30080: provided port is already allocated".</param>
/// <param name="Field">The field path, e.g. spec.ports[0].nodePort.</param>
public sealed record StatusCause(string Reason, string Message, string Field)
{
    /// <summary>The error as Kubernetes prints it: "field: message".</summary>
    public override string ToString() => Field.Length == 0 ? Message : Field + ": " + Message;

    /// <summary>FieldValueInvalid; <paramref name="goValue"/> is the value as Go's %v prints it (strings quoted).</summary>
    public static StatusCause Invalid(string field, string goValue, string detail)
        => new("FieldValueInvalid", $"Invalid value: {goValue}: {detail}", field);

    /// <summary>FieldValueRequired.</summary>
    public static StatusCause Required(string field, string detail)
        => new("FieldValueRequired", detail.Length == 0 ? "Required value" : "Required value: " + detail, field);

    /// <summary>FieldValueForbidden.</summary>
    public static StatusCause Forbidden(string field, string detail)
        => new("FieldValueForbidden", "Forbidden: " + detail, field);

    /// <summary>FieldValueDuplicate.</summary>
    public static StatusCause Duplicate(string field, string goValue)
        => new("FieldValueDuplicate", "Duplicate value: " + goValue, field);

    /// <summary>FieldValueNotSupported.</summary>
    public static StatusCause NotSupported(string field, string value, IEnumerable<string> supported)
        => new("FieldValueNotSupported", $"Unsupported value: {Go.Quote(value)}: supported values: {string.Join(", ", supported.Select(Go.Quote))}", field);
}

/// <summary>
/// A Kubernetes API error: carries everything needed to write the Status body a real API server
/// writes (kind Status, apiVersion v1, status Failure, message, reason, details, code).
/// </summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates an error.</summary>
    public ApiException(int code, string reason, string message, string? detailsName = null, string? detailsGroup = null, string? detailsKind = null, IReadOnlyList<StatusCause>? causes = null, int? retryAfterSeconds = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        DetailsName = detailsName;
        DetailsGroup = detailsGroup;
        DetailsKind = detailsKind;
        Causes = causes ?? Array.Empty<StatusCause>();
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>The HTTP status code.</summary>
    public int Code { get; }

    /// <summary>The Status reason (empty for Unknown).</summary>
    public string Reason { get; }

    /// <summary>details.name.</summary>
    public string? DetailsName { get; }

    /// <summary>details.group.</summary>
    public string? DetailsGroup { get; }

    /// <summary>details.kind (the resource for most errors, the Kind for Invalid).</summary>
    public string? DetailsKind { get; }

    /// <summary>details.causes.</summary>
    public IReadOnlyList<StatusCause> Causes { get; }

    /// <summary>details.retryAfterSeconds and the Retry-After header.</summary>
    public int? RetryAfterSeconds { get; }

    /// <summary>Write "details":{} even when empty, as errors built by NewGenericServerResponse, NewTooManyRequests or NewTimeoutError carry it.</summary>
    public bool AlwaysWriteDetails { get; init; }

    /// <summary>The Status object, fields in the order Kubernetes writes them, empty fields omitted as Go's omitempty does.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
        };
        if (Reason.Length > 0)
        {
            status["reason"] = Reason;
        }

        var details = new JsonObject();
        if (!string.IsNullOrEmpty(DetailsName))
        {
            details["name"] = DetailsName;
        }

        if (!string.IsNullOrEmpty(DetailsGroup))
        {
            details["group"] = DetailsGroup;
        }

        if (!string.IsNullOrEmpty(DetailsKind))
        {
            details["kind"] = DetailsKind;
        }

        if (Causes.Count > 0)
        {
            var causes = new JsonArray();
            foreach (var cause in Causes)
            {
                var item = new JsonObject();
                if (cause.Reason.Length > 0)
                {
                    item["reason"] = cause.Reason;
                }

                item["message"] = cause.Message;
                if (cause.Field.Length > 0)
                {
                    item["field"] = cause.Field;
                }

                causes.Add(item);
            }

            details["causes"] = causes;
        }

        if (RetryAfterSeconds is > 0)
        {
            details["retryAfterSeconds"] = RetryAfterSeconds.Value;
        }

        // Go writes details whenever the server set it (even empty for some errors); we keep it only when it says something.
        if (details.Count > 0 || AlwaysWriteDetails)
        {
            status["details"] = details;
        }

        status["code"] = Code;
        return status;
    }
}

/// <summary>Factories for the errors a real API server returns, with its message templates.</summary>
public static class ApiErrors
{
    /// <summary>404: <c>configmaps "x" not found</c>.</summary>
    public static ApiException NotFound(string group, string resource, string name)
        => new(404, "NotFound", $"{Qualified(group, resource)} {Go.Quote(name)} not found", name, group, resource);

    /// <summary>404 for a path the server does not serve.</summary>
    public static ApiException PathNotFound()
        => new(404, "NotFound", "the server could not find the requested resource") { AlwaysWriteDetails = true };

    /// <summary>409: <c>configmaps "x" already exists</c>.</summary>
    public static ApiException AlreadyExists(string group, string resource, string name)
        => new(409, "AlreadyExists", $"{Qualified(group, resource)} {Go.Quote(name)} already exists", name, group, resource);

    /// <summary>409 Conflict: <c>Operation cannot be fulfilled on configmaps "x": why</c>.</summary>
    public static ApiException Conflict(string group, string resource, string name, string why)
        => new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, resource)} {Go.Quote(name)}: {why}", name, group, resource);

    /// <summary>The optimistic-concurrency reason of <see cref="Conflict"/>.</summary>
    public const string ObjectModified = "the object has been modified; please apply your changes to the latest version and try again";

    /// <summary>403: <c>configmaps "x" is forbidden: why</c> (or <c>configmaps is forbidden: why</c> without a name).</summary>
    public static ApiException Forbidden(string group, string resource, string name, string why, IReadOnlyList<StatusCause>? causes = null)
    {
        var message = resource.Length == 0
            ? "forbidden: " + why
            : name.Length == 0 ? $"{Qualified(group, resource)} is forbidden: {why}" : $"{Qualified(group, resource)} {Go.Quote(name)} is forbidden: {why}";
        return new ApiException(403, "Forbidden", message, name, group, resource, causes);
    }

    /// <summary>422: <c>Service "x" is invalid: field: detail</c>, one cause per problem.</summary>
    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<StatusCause> causes)
    {
        var qualifiedKind = group.Length == 0 ? kind : kind + "." + group;
        var message = causes.Count == 0
            ? $"{qualifiedKind} {Go.Quote(name)} is invalid"
            : $"{qualifiedKind} {Go.Quote(name)} is invalid: {Aggregate(causes)}";
        return new ApiException(422, "Invalid", message, name, group, kind, causes);
    }

    /// <summary>400 BadRequest.</summary>
    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>401 Unauthorized, exactly as the authentication filter writes it.</summary>
    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    /// <summary>405: <c>create is not supported on resources of kind "x"</c>.</summary>
    public static ApiException MethodNotSupported(string group, string resource, string action)
        => new(405, "MethodNotAllowed", $"{action} is not supported on resources of kind {Go.Quote(Qualified(group, resource))}", null, group, resource);

    /// <summary>415 for a patch type the resource does not accept.</summary>
    public static ApiException UnsupportedMediaType(string contentType, IEnumerable<string> accepted)
        => new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}", null, null, null, new[] { new StatusCause("", contentType, "") });

    /// <summary>500 with reason Unknown, what the server answers for errors its storage did not classify.</summary>
    public static ApiException Unknown(string message) => new(500, "", message);

    /// <summary>500 InternalError.</summary>
    public static ApiException InternalError(string message)
        => new(500, "InternalError", "Internal error occurred: " + message, causes: new[] { new StatusCause(string.Empty, message, string.Empty) });

    /// <summary>429 TooManyRequests with a retry hint.</summary>
    public static ApiException TooManyRequests(int retryAfterSeconds)
        => new(429, "TooManyRequests", "The server has received too many requests and has asked us to try again later", retryAfterSeconds: retryAfterSeconds) { AlwaysWriteDetails = true };

    /// <summary>503 ServiceUnavailable.</summary>
    public static ApiException ServiceUnavailable(int? retryAfterSeconds)
        => new(503, "ServiceUnavailable", "The server is currently unable to handle the request", retryAfterSeconds: retryAfterSeconds);

    /// <summary>504 Timeout.</summary>
    public static ApiException Timeout(int? retryAfterSeconds)
        => new(504, "Timeout", "Timeout: request did not complete within requested timeout - context deadline exceeded", retryAfterSeconds: retryAfterSeconds) { AlwaysWriteDetails = true };

    /// <summary>410 Expired, for a watch or continue token that is too old.</summary>
    public static ApiException Expired(string message) => new(410, "Expired", message);

    /// <summary>The error an injected status code stands for, with the reason and message a real server uses for it.</summary>
    public static ApiException ForStatusCode(int code, int? retryAfterSeconds) => code switch
    {
        429 => TooManyRequests(retryAfterSeconds ?? 1),
        503 => ServiceUnavailable(retryAfterSeconds),
        504 => Timeout(retryAfterSeconds),
        500 => new ApiException(500, "InternalError", "Internal error occurred: injected failure", causes: new[] { new StatusCause(string.Empty, "injected failure", string.Empty) }, retryAfterSeconds: retryAfterSeconds),
        409 => new ApiException(409, "Conflict", "Operation cannot be fulfilled: injected conflict", retryAfterSeconds: retryAfterSeconds),
        _ => new ApiException(code, "", $"the server responded with the status code {code.ToString(CultureInfo.InvariantCulture)} but did not return more information", retryAfterSeconds: retryAfterSeconds),
    };

    /// <summary>"resource" or "resource.group", as schema.GroupResource prints.</summary>
    public static string Qualified(string group, string resource) => group.Length == 0 ? resource : resource + "." + group;

    private static string Aggregate(IReadOnlyList<StatusCause> causes)
        => causes.Count == 1 ? causes[0].ToString() : "[" + string.Join(", ", causes.Select(c => c.ToString())) + "]";
}

/// <summary>Formatting the way Go's fmt does, so messages match the real server byte for byte.</summary>
public static class Go
{
    /// <summary>%q of a string.</summary>
    public static string Quote(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\t': builder.Append("\\t"); break;
                case '\r': builder.Append("\\r"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>%#v of a []string, as field errors print string lists.</summary>
    public static string StringSlice(IEnumerable<string> values) => "[]string{" + string.Join(", ", values.Select(Quote)) + "}";
}

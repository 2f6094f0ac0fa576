using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Restore.Engine.Cluster;

/// <summary>One cause in a Kubernetes Status (for example one invalid field).</summary>
internal sealed class KubernetesStatusCause
{
    /// <summary>Creates a cause.</summary>
    public KubernetesStatusCause(string? reason, string? message, string? field)
    {
        Reason = reason ?? string.Empty;
        Message = message ?? string.Empty;
        Field = field ?? string.Empty;
    }

    /// <summary>The cause type, such as <c>FieldValueRequired</c>.</summary>
    public string Reason { get; }

    /// <summary>The human-readable explanation.</summary>
    public string Message { get; }

    /// <summary>The field path, such as <c>spec.containers[0].image</c>; empty when not about a field.</summary>
    public string Field { get; }

    /// <inheritdoc />
    public override string ToString() => Field.Length == 0 ? Message : Field + ": " + Message;
}

/// <summary>
/// A failed Kubernetes API call. The message names the cluster, the verb and the resource, and never
/// contains credentials. Subclasses mark the reasons callers act on.
/// </summary>
internal class KubernetesApiException : Exception
{
    /// <summary>Creates the exception (for serializers and tests).</summary>
    public KubernetesApiException()
        : this(new KubernetesApiErrorInfo())
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public KubernetesApiException(string message)
        : this(new KubernetesApiErrorInfo { ApiMessage = message })
    {
    }

    /// <summary>Creates the exception with a plain message and cause.</summary>
    public KubernetesApiException(string message, Exception innerException)
        : this(new KubernetesApiErrorInfo { ApiMessage = message }, innerException)
    {
    }

    /// <summary>Creates the exception from error details.</summary>
    public KubernetesApiException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(FormatMessage(info ?? throw new ArgumentNullException(nameof(info))), innerException)
    {
        StatusCode = info.StatusCode;
        Reason = info.Reason ?? string.Empty;
        ApiMessage = info.ApiMessage ?? string.Empty;
        Causes = info.Causes ?? Array.Empty<KubernetesStatusCause>();
        Cluster = info.Cluster ?? string.Empty;
        Verb = info.Verb ?? string.Empty;
        Target = info.Target ?? string.Empty;
        Attempts = info.Attempts;
        RetryAfter = info.RetryAfter;
    }

    /// <summary>The HTTP status code; 0 when no response was received.</summary>
    public int StatusCode { get; }

    /// <summary>The Status reason (such as <c>AlreadyExists</c>), or a client-side reason such as <c>ConnectionFailed</c>.</summary>
    public string Reason { get; }

    /// <summary>The server's message (or the client's description of a transport failure).</summary>
    public string ApiMessage { get; }

    /// <summary>Status causes, such as the invalid fields of an Invalid error.</summary>
    public IReadOnlyList<KubernetesStatusCause> Causes { get; }

    /// <summary>The cluster's display name.</summary>
    public string Cluster { get; }

    /// <summary>The operation, such as <c>create</c> or <c>list</c>.</summary>
    public string Verb { get; }

    /// <summary>What was operated on, such as <c>deployments.apps prod/web</c>.</summary>
    public string Target { get; }

    /// <summary>How many attempts were made (more than 1 when the call was retried).</summary>
    public int Attempts { get; }

    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Builds the exception type that matches the Status reason (or, failing that, the HTTP code).</summary>
    public static KubernetesApiException Create(KubernetesApiErrorInfo info, Exception? innerException = null)
    {
        if (info is null)
        {
            throw new ArgumentNullException(nameof(info));
        }

        var reason = info.Reason ?? string.Empty;
        return reason switch
        {
            "AlreadyExists" => new KubernetesAlreadyExistsException(info, innerException),
            "NotFound" => new KubernetesNotFoundException(info, innerException),
            "Conflict" => new KubernetesConflictException(info, innerException),
            "Invalid" => new KubernetesInvalidException(info, innerException),
            "Forbidden" => new KubernetesForbiddenException(info, innerException),
            "Unauthorized" => new KubernetesUnauthorizedException(info, innerException),
            "TooManyRequests" => new KubernetesTooManyRequestsException(info, innerException),
            "ServerTimeout" or "Timeout" => new KubernetesServerTimeoutException(info, innerException),
            _ => info.StatusCode switch
            {
                404 => new KubernetesNotFoundException(info, innerException),
                409 => new KubernetesConflictException(info, innerException),
                422 => new KubernetesInvalidException(info, innerException),
                403 => new KubernetesForbiddenException(info, innerException),
                401 => new KubernetesUnauthorizedException(info, innerException),
                429 => new KubernetesTooManyRequestsException(info, innerException),
                504 => new KubernetesServerTimeoutException(info, innerException),
                _ => new KubernetesApiException(info, innerException),
            },
        };
    }

    private static string FormatMessage(KubernetesApiErrorInfo info)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(info.Cluster))
        {
            text.Append(info.Cluster).Append(": ");
        }

        if (!string.IsNullOrEmpty(info.Verb))
        {
            text.Append(info.Verb);
            if (!string.IsNullOrEmpty(info.Target))
            {
                text.Append(' ').Append(info.Target);
            }

            text.Append(" failed: ");
        }

        text.Append(string.IsNullOrEmpty(info.ApiMessage) ? "the Kubernetes API call failed" : info.ApiMessage);
        var causes = (info.Causes ?? Array.Empty<KubernetesStatusCause>()).Where(c => c.Message.Length > 0 && (info.ApiMessage is null || !info.ApiMessage.Contains(c.Message))).ToList();
        if (causes.Count > 0)
        {
            text.Append(" [").Append(string.Join("; ", causes)).Append(']');
        }

        var suffix = new List<string>();
        if (!string.IsNullOrEmpty(info.Reason))
        {
            suffix.Add(info.Reason!);
        }

        if (info.StatusCode > 0)
        {
            suffix.Add("HTTP " + info.StatusCode.ToString(CultureInfo.InvariantCulture));
        }

        if (info.Attempts > 1)
        {
            suffix.Add(info.Attempts.ToString(CultureInfo.InvariantCulture) + " attempts");
        }

        if (suffix.Count > 0)
        {
            text.Append(" (").Append(string.Join(", ", suffix)).Append(')');
        }

        return text.ToString();
    }
}

/// <summary>The details of a failed call, used to build a <see cref="KubernetesApiException"/>.</summary>
internal sealed class KubernetesApiErrorInfo
{
    /// <summary>HTTP status code; 0 when there was no response.</summary>
    public int StatusCode { get; init; }

    /// <summary>Status reason.</summary>
    public string? Reason { get; init; }

    /// <summary>Server (or client) message. Must not contain credentials.</summary>
    public string? ApiMessage { get; init; }

    /// <summary>Status causes.</summary>
    public IReadOnlyList<KubernetesStatusCause>? Causes { get; init; }

    /// <summary>Cluster display name.</summary>
    public string? Cluster { get; init; }

    /// <summary>Operation verb.</summary>
    public string? Verb { get; init; }

    /// <summary>Resource (and namespace/name) operated on.</summary>
    public string? Target { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Server-requested delay.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The object already exists (HTTP 409, reason AlreadyExists).</summary>
internal sealed class KubernetesAlreadyExistsException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesAlreadyExistsException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>The object (or resource, or namespace) does not exist (HTTP 404).</summary>
internal sealed class KubernetesNotFoundException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesNotFoundException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>The write conflicted with a newer version of the object (HTTP 409, reason Conflict).</summary>
internal sealed class KubernetesConflictException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesConflictException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>The object failed validation (HTTP 422); <see cref="KubernetesApiException.Causes"/> lists the fields.</summary>
internal sealed class KubernetesInvalidException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesInvalidException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>The user may not do this (HTTP 403).</summary>
internal sealed class KubernetesForbiddenException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesForbiddenException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>The credentials were missing, expired or rejected (HTTP 401).</summary>
internal sealed class KubernetesUnauthorizedException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesUnauthorizedException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>The server throttled the client (HTTP 429) and retries ran out.</summary>
internal sealed class KubernetesTooManyRequestsException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesTooManyRequestsException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>The server timed out (reason ServerTimeout or Timeout, HTTP 504) and retries ran out.</summary>
internal sealed class KubernetesServerTimeoutException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesServerTimeoutException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

/// <summary>
/// No usable response: connection refused or dropped, TLS failure, client-side timeout, or credentials
/// that could not be obtained. <see cref="KubernetesApiException.StatusCode"/> is 0; the reason is one of
/// <c>ConnectionFailed</c>, <c>Timeout</c>, <c>TlsFailed</c>, <c>CredentialsFailed</c>.
/// </summary>
internal sealed class KubernetesConnectionException : KubernetesApiException
{
    /// <summary>Creates the exception.</summary>
    public KubernetesConnectionException(KubernetesApiErrorInfo info, Exception? innerException = null)
        : base(info, innerException)
    {
    }
}

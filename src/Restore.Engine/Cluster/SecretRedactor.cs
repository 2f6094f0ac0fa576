using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Restore.Engine.Cluster;

/// <summary>
/// Removes credentials from text that comes from outside (plugin stderr, response snippets, inner
/// exception messages) before it reaches an exception message or a log. Known secrets (tokens,
/// passwords) are replaced verbatim; token-like patterns are replaced as a second line of defence.
/// </summary>
internal sealed class SecretRedactor
{
    internal const string Mask = "[REDACTED]";

    private static readonly Regex Patterns = new(
        @"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)" +
        @"|(?i:bearer)\s+[A-Za-z0-9\-._~+/=]+" +
        @"|(?i:basic)\s+[A-Za-z0-9+/=]{8,}" +
        @"|eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]*" +
        @"|k8s-aws-v1\.[A-Za-z0-9_\-]+" +
        @"|ya29\.[A-Za-z0-9_\-]+",
        RegexOptions.CultureInvariant);

    private readonly object gate = new();
    private string[] secrets = Array.Empty<string>();

    /// <summary>Registers a secret value to remove wherever it appears. Short values are ignored to avoid mangling text.</summary>
    public void Add(string? secret)
    {
        if (secret is null || secret.Length < 6)
        {
            return;
        }

        lock (gate)
        {
            if (!secrets.Contains(secret, StringComparer.Ordinal))
            {
                // Longest first so a secret containing another is removed whole.
                secrets = secrets.Concat(new[] { secret }).OrderByDescending(s => s.Length).ToArray();
            }
        }
    }

    /// <summary>Returns <paramref name="text"/> with secrets replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text!;
        foreach (var secret in secrets)
        {
            result = result.Replace(secret, Mask);
        }

        return Patterns.Replace(result, Mask);
    }

    /// <summary>Redacts and shortens text for a message.</summary>
    public string RedactSnippet(string? text, int maxLength)
    {
        var redacted = Redact(text).Trim();
        return redacted.Length <= maxLength ? redacted : redacted.Substring(0, maxLength) + "…";
    }

    /// <summary>Redacts a message chain of an exception.</summary>
    public string DescribeException(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null && messages.Count < 4; current = current.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(current.Message) && !messages.Any(m => m.Contains(current.Message)))
            {
                messages.Add(current.Message.Trim());
            }
        }

        return Redact(string.Join(" ", messages));
    }
}

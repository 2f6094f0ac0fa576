using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Restore.TestApiServer;

/// <summary>An authenticated user.</summary>
/// <param name="Name">User name.</param>
/// <param name="Groups">Groups, including system:authenticated.</param>
/// <param name="Method">"token", "certificate" or "anonymous".</param>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string Method);

/// <summary>
/// Bearer-token and client-certificate authentication as kube-apiserver does it: a token must match
/// exactly, a certificate must chain to the server's CA (CN is the user, O the groups). Anything
/// else is 401 Unauthorized, unless anonymous access is allowed.
/// </summary>
internal sealed class Authenticator
{
    private readonly List<(byte[] Token, UserInfo User)> tokens = new();
    private readonly Certificates certificates;
    private readonly bool allowAnonymous;
    private readonly ConcurrentDictionary<string, UserInfo?> certificateUsers = new(StringComparer.Ordinal);

    public Authenticator(TestApiServerOptions options, string token, Certificates certificates)
    {
        this.certificates = certificates;
        allowAnonymous = options.AllowAnonymous;
        tokens.Add((Encoding.UTF8.GetBytes(token), new UserInfo(options.TokenUser, WithAuthenticated(options.TokenGroups), "token")));
        foreach (var (extraToken, user) in options.ExtraTokens)
        {
            tokens.Add((Encoding.UTF8.GetBytes(extraToken), new UserInfo(user, WithAuthenticated(Array.Empty<string>()), "token")));
        }
    }

    /// <summary>The user, or null for 401.</summary>
    public UserInfo? Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var presented = Encoding.UTF8.GetBytes(header[7..].Trim());
            foreach (var (token, user) in tokens)
            {
                if (CryptographicOperations.FixedTimeEquals(token, presented))
                {
                    return user;
                }
            }

            return null;
        }

        if (context.Connection.ClientCertificate is { } certificate)
        {
            // Validated once per certificate; connections reuse the verdict.
            return certificateUsers.GetOrAdd(certificate.Thumbprint, _ => FromCertificate(certificate));
        }

        return allowAnonymous ? new UserInfo("system:anonymous", new[] { "system:unauthenticated" }, "anonymous") : null;
    }

    private UserInfo? FromCertificate(X509Certificate2 certificate)
    {
        if (!certificates.IsTrustedClient(certificate))
        {
            return null;
        }

        var name = certificate.GetNameInfo(X509NameType.SimpleName, false);
        var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => rdn.GetSingleElementType().Value == "2.5.4.10")
            .Select(rdn => rdn.GetSingleElementValue() ?? string.Empty)
            .ToList();
        return new UserInfo(name, WithAuthenticated(groups), "certificate");
    }

    private static List<string> WithAuthenticated(IEnumerable<string> groups)
    {
        var list = groups.ToList();
        if (!list.Contains("system:authenticated", StringComparer.Ordinal))
        {
            list.Add("system:authenticated");
        }

        return list;
    }
}

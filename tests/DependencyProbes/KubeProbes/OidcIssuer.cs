using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Restore.TestSupport;

namespace Restore.DependencyProbes.KubeProbes;

/// <summary>
/// A minimal OpenID provider on loopback (plain HTTP): discovery document, and a token endpoint at
/// /token (where discovery says) that answers a refresh_token grant with <see cref="FreshIdToken"/>.
/// Real providers keep the token endpoint elsewhere than the issuer URL (Dex: /token, Keycloak:
/// /protocol/openid-connect/token); with <c>tokenAtIssuerUrl</c> this one also answers at the issuer URL
/// itself. Anything else is 404. It notes every request.
/// </summary>
internal sealed class OidcIssuer : IDisposable
{
    private readonly List<string> hits = new();
    private readonly bool tokenAtIssuerUrl;
    private readonly LoopbackHttpServer server;

    public OidcIssuer(string freshIdToken, bool tokenAtIssuerUrl)
    {
        this.tokenAtIssuerUrl = tokenAtIssuerUrl;
        FreshIdToken = freshIdToken;
        server = new LoopbackHttpServer(AnswerAsync);
    }

    public string Url => server.Url;

    public string FreshIdToken { get; }

    public IReadOnlyList<string> TakeHits()
    {
        lock (hits)
        {
            var copy = hits.ToArray();
            hits.Clear();
            return copy;
        }
    }

    /// <summary>An unsigned JWT: clients read its exp claim, the test API server matches it as an opaque token.</summary>
    public static string Jwt(string subject, DateTimeOffset expires)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = new JsonObject { ["iss"] = "probe", ["sub"] = subject, ["aud"] = "probe", ["exp"] = expires.ToUnixTimeSeconds(), ["iat"] = expires.AddHours(-1).ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString("N") };
        return Part("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + Part(payload.ToJsonString()) + "." + Part("not-a-signature");
    }

    public void Dispose() => server.Dispose();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.InputStream))
        {
            body = await reader.ReadToEndAsync();
        }

        var path = context.Request.Url!.AbsolutePath;
        lock (hits)
        {
            hits.Add(context.Request.HttpMethod + " " + path + (body.Contains("grant_type=refresh_token", StringComparison.Ordinal) ? " (refresh_token grant)" : string.Empty));
        }

        JsonObject? answer = null;
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            answer = new JsonObject
            {
                ["issuer"] = Url,
                ["authorization_endpoint"] = Url + "/authorize",
                ["token_endpoint"] = Url + "/token",
                ["jwks_uri"] = Url + "/jwks",
                ["response_types_supported"] = new JsonArray("code", "id_token"),
                ["subject_types_supported"] = new JsonArray("public"),
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            };
        }
        else if (path == "/token" || (tokenAtIssuerUrl && path == "/" && context.Request.HttpMethod == "POST"))
        {
            answer = new JsonObject
            {
                ["id_token"] = FreshIdToken,
                ["refresh_token"] = "refresh-2",
                ["access_token"] = "opaque-access-token",
                ["token_type"] = "Bearer",
                ["expires_in"] = 3600,
            };
        }
        else if (path == "/jwks")
        {
            answer = new JsonObject { ["keys"] = new JsonArray() };
        }

        if (answer is null)
        {
            context.Response.StatusCode = 404;
            context.Response.Close();
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}

using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Restore.TestApiServer;
using Xunit;

namespace Restore.Engine.Tests.ApiServer;

/// <summary>One server per test class; tests use their own namespaces or names so they do not collide.</summary>
public class ApiServerFixture : IAsyncLifetime
{
    private TestApiServer.TestApiServer? server;

    public TestApiServer.TestApiServer Server => server ?? throw new InvalidOperationException("The server has not started.");

    public ApiClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new TestApiServerOptions();
        Configure(options);
        server = await TestApiServer.TestApiServer.StartAsync(options);
        Client = new ApiClient(server.CreateHttpClient());
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    protected virtual void Configure(TestApiServerOptions options)
    {
    }
}

/// <summary>A response, with the body parsed when it is JSON.</summary>
public sealed record ApiResponse(int Status, string Body, HttpResponseMessage Message)
{
    public JsonObject Json => JsonNode.Parse(Body) as JsonObject ?? throw new InvalidOperationException("Not a JSON object: " + Body);

    public string? Str(params string[] path)
    {
        JsonNode? node = Json;
        foreach (var key in path)
        {
            node = node is JsonArray array && int.TryParse(key, out var index) ? array[index] : node?[key];
        }

        return node?.ToString();
    }
}

/// <summary>Thin HTTP helper for server tests.</summary>
public sealed class ApiClient : IDisposable
{
    public ApiClient(HttpClient http)
    {
        Http = http;
    }

    public HttpClient Http { get; }

    public Task<ApiResponse> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, null, null, accept);

    public Task<ApiResponse> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json, "application/json");

    public Task<ApiResponse> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json, "application/json");

    public Task<ApiResponse> PatchAsync(string path, string patch, string contentType) => SendAsync(HttpMethod.Patch, path, patch, contentType);

    public Task<ApiResponse> DeleteAsync(string path, string? body = null) => SendAsync(HttpMethod.Delete, path, body, body is null ? null : "application/json");

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body, string? contentType, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse((int)response.StatusCode, text, response);
    }

    /// <summary>Creates a namespace and returns its name.</summary>
    public async Task<string> NamespaceAsync(string name)
    {
        var response = await PostAsync("/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}""");
        Assert.True(response.Status == 201, response.Body);
        return name;
    }

    public static string ConfigMap(string name, string ns, string data = """{"a":"1"}""", string labels = "{}")
        => $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},"data":{{{data}}}}""";

    public void Dispose() => Http.Dispose();
}

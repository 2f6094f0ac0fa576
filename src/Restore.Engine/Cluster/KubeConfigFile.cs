using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Restore.Engine.Cluster;

/// <summary>One named cluster, user or context entry, with the file it came from.</summary>
internal sealed class KubeConfigEntry
{
    public KubeConfigEntry(string name, string file, string section, Dictionary<string, object?> values)
    {
        Name = name;
        File = file;
        Section = section;
        Values = values;
    }

    public string Name { get; }

    public string File { get; }

    /// <summary><c>clusters</c>, <c>users</c> or <c>contexts</c>, for messages.</summary>
    public string Section { get; }

    public string BaseDirectory => Path.GetDirectoryName(File) ?? ".";

    public Dictionary<string, object?> Values { get; }

    public string Describe(string key) => $"{Section}[{Name}].{key} in {File}";

    public string? GetString(string key) => Values.TryGetValue(key, out var value) ? value as string : null;

    public bool GetBool(string key)
    {
        var text = GetString(key);
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        return text!.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" or "y" => true,
            "false" or "no" or "off" or "n" => false,
            _ => throw new KubeConfigException($"{Describe(key)} must be true or false, not '{text}'."),
        };
    }

    public Dictionary<string, object?>? GetMap(string key) => Values.TryGetValue(key, out var value) ? value as Dictionary<string, object?> : null;

    public List<object?>? GetList(string key) => Values.TryGetValue(key, out var value) ? value as List<object?> : null;

    /// <summary>Decodes a base64 <c>*-data</c> field; null when absent.</summary>
    public byte[]? GetBase64(string key)
    {
        var text = GetString(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text!.Trim());
        }
        catch (FormatException)
        {
            // The value may be a secret: say where, not what.
            throw new KubeConfigException($"{Describe(key)} is not valid base64.");
        }
    }

    /// <summary>A path field resolved against the defining file's directory; null when absent.</summary>
    public string? GetPath(string key)
    {
        var text = GetString(key);
        return string.IsNullOrWhiteSpace(text) ? null : ResolvePath(text!);
    }

    public string ResolvePath(string path)
    {
        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));
    }
}

/// <summary>One parsed kubeconfig file.</summary>
internal sealed class KubeConfigFile
{
    private KubeConfigFile(string path, string? currentContext, List<KubeConfigEntry> clusters, List<KubeConfigEntry> users, List<KubeConfigEntry> contexts)
    {
        Path = path;
        CurrentContext = currentContext;
        Clusters = clusters;
        Users = users;
        Contexts = contexts;
    }

    public string Path { get; }

    public string? CurrentContext { get; }

    public List<KubeConfigEntry> Clusters { get; }

    public List<KubeConfigEntry> Users { get; }

    public List<KubeConfigEntry> Contexts { get; }

    public static KubeConfigFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"The kubeconfig file '{path}' cannot be read: {ex.Message}", ex);
        }

        return Parse(text, path, path);
    }

    public static KubeConfigFile Parse(string yaml, string path, string displayName)
    {
        object? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
        }
        catch (YamlException ex)
        {
            // YamlDotNet messages quote positions, not values, so they are safe to show.
            throw new KubeConfigException($"The kubeconfig {displayName} is not valid YAML: line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", ex);
        }

        if (root is null)
        {
            return new KubeConfigFile(path, null, new(), new(), new());
        }

        if (root is not Dictionary<string, object?> map)
        {
            throw new KubeConfigException($"The kubeconfig {displayName} is not a YAML mapping.");
        }

        var currentContext = map.TryGetValue("current-context", out var cc) ? cc as string : null;
        return new KubeConfigFile(
            path,
            string.IsNullOrEmpty(currentContext) ? null : currentContext,
            ReadNamedList(map, "clusters", "cluster", path),
            ReadNamedList(map, "users", "user", path),
            ReadNamedList(map, "contexts", "context", path));
    }

    private static List<KubeConfigEntry> ReadNamedList(Dictionary<string, object?> root, string section, string inner, string path)
    {
        var result = new List<KubeConfigEntry>();
        if (!root.TryGetValue(section, out var value) || value is null)
        {
            return result;
        }

        if (value is not List<object?> list)
        {
            throw new KubeConfigException($"'{section}' in {path} must be a list.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not Dictionary<string, object?> item || item.TryGetValue("name", out var nameValue) is false || nameValue is not string name || name.Length == 0)
            {
                throw new KubeConfigException($"{section}[{i}] in {path} has no name.");
            }

            if (!seen.Add(name))
            {
                throw new KubeConfigException($"{section} in {path} defines '{name}' more than once.");
            }

            var values = item.TryGetValue(inner, out var innerValue) && innerValue is Dictionary<string, object?> innerMap
                ? innerMap
                : new Dictionary<string, object?>(StringComparer.Ordinal);
            result.Add(new KubeConfigEntry(name, path, section, values));
        }

        return result;
    }

    private static object? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var pair in mapping.Children)
                {
                    var key = (pair.Key as YamlScalarNode)?.Value ?? string.Empty;
                    map[key] = Convert(pair.Value);
                }

                return map;
            case YamlSequenceNode sequence:
                return sequence.Children.Select(Convert).ToList();
            case YamlScalarNode scalar:
                if (scalar.Style == ScalarStyle.Plain && (scalar.Value is null || scalar.Value.Length == 0 || scalar.Value == "~" || string.Equals(scalar.Value, "null", StringComparison.OrdinalIgnoreCase)))
                {
                    return null;
                }

                return scalar.Value;
            default:
                return null;
        }
    }
}

/// <summary>Turns merged kubeconfig entries into connection settings, reading referenced files.</summary>
internal static class KubeConfigSettingsBuilder
{
    public static ClusterConnectionSettings Build(string contextName, KubeConfigEntry context, string clusterName, KubeConfigEntry cluster, string? userName, KubeConfigEntry? user, IReadOnlyList<string> sourceFiles)
    {
        var serverText = cluster.GetString("server");
        if (string.IsNullOrWhiteSpace(serverText))
        {
            throw new KubeConfigException($"{cluster.Describe("server")} is not set.");
        }

        if (!Uri.TryCreate(serverText!.Trim(), UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            // Show the value only when it cannot carry credentials (user-info before '@').
            var shown = serverText.IndexOf('@') >= 0 ? string.Empty : $": '{serverText}'";
            throw new KubeConfigException($"{cluster.Describe("server")} is not an absolute http(s) URL{shown}.");
        }

        var caData = cluster.GetBase64("certificate-authority-data");
        var caFile = cluster.GetPath("certificate-authority");
        if (caData is null && caFile is not null)
        {
            caData = ReadFile(caFile, cluster.Describe("certificate-authority"));
        }

        Uri? proxy = null;
        var proxyText = cluster.GetString("proxy-url");
        if (!string.IsNullOrWhiteSpace(proxyText) && !Uri.TryCreate(proxyText!.Trim(), UriKind.Absolute, out proxy))
        {
            throw new KubeConfigException($"{cluster.Describe("proxy-url")} is not a URL.");
        }

        return new ClusterConnectionSettings
        {
            Server = server,
            ContextName = contextName,
            ClusterName = clusterName,
            UserEntryName = userName,
            Namespace = NullIfEmpty(context.GetString("namespace")),
            CertificateAuthorityData = caData,
            CertificateAuthorityFile = caData is not null && cluster.GetBase64("certificate-authority-data") is null ? caFile : null,
            TlsServerName = NullIfEmpty(cluster.GetString("tls-server-name")),
            InsecureSkipTlsVerify = cluster.GetBool("insecure-skip-tls-verify"),
            ProxyUrl = proxy,
            Credentials = user is null ? new ClusterCredentials() : BuildCredentials(user),
            SourceFiles = sourceFiles,
        };
    }

    internal static byte[] ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{what}: the file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static ClusterCredentials BuildCredentials(KubeConfigEntry user)
    {
        var certData = user.GetBase64("client-certificate-data");
        var certFile = user.GetPath("client-certificate");
        if (certData is null && certFile is not null)
        {
            certData = ReadFile(certFile, user.Describe("client-certificate"));
        }

        var keyData = user.GetBase64("client-key-data");
        var keyFile = user.GetPath("client-key");
        if (keyData is null && keyFile is not null)
        {
            keyData = ReadFile(keyFile, user.Describe("client-key"));
        }

        if ((certData is null) != (keyData is null))
        {
            throw new KubeConfigException($"users[{user.Name}] in {user.File} has a client {(certData is null ? "key" : "certificate")} but no client {(certData is null ? "certificate" : "key")}.");
        }

        var token = NullIfEmpty(user.GetString("token"));
        var exec = BuildExec(user);
        var authProvider = user.GetMap("auth-provider");
        if (authProvider is not null && token is null && exec is null)
        {
            token = TokenFromAuthProvider(user, authProvider);
        }

        var groups = user.GetList("as-groups")?.OfType<string>().ToArray() ?? Array.Empty<string>();
        return new ClusterCredentials
        {
            Token = token,
            TokenFile = user.GetPath("tokenFile"),
            Username = NullIfEmpty(user.GetString("username")),
            Password = NullIfEmpty(user.GetString("password")),
            ClientCertificateData = certData,
            ClientCertificateFile = user.GetBase64("client-certificate-data") is null ? certFile : null,
            ClientKeyData = keyData,
            ClientKeyFile = user.GetBase64("client-key-data") is null ? keyFile : null,
            Exec = exec,
            ImpersonateUser = NullIfEmpty(user.GetString("as")),
            ImpersonateGroups = groups,
        };
    }

    private static ExecCredentialSettings? BuildExec(KubeConfigEntry user)
    {
        var exec = user.GetMap("exec");
        if (exec is null)
        {
            return null;
        }

        var execEntry = new KubeConfigEntry(user.Name, user.File, "users", exec);
        var command = execEntry.GetString("command");
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new KubeConfigException($"{user.Describe("exec.command")} is not set.");
        }

        var apiVersion = execEntry.GetString("apiVersion");
        if (apiVersion != "client.authentication.k8s.io/v1" && apiVersion != "client.authentication.k8s.io/v1beta1")
        {
            throw new KubeConfigException($"{user.Describe("exec.apiVersion")} is '{apiVersion}'; supported: client.authentication.k8s.io/v1 and client.authentication.k8s.io/v1beta1.");
        }

        var env = new List<KeyValuePair<string, string>>();
        foreach (var item in execEntry.GetList("env") ?? new List<object?>())
        {
            if (item is Dictionary<string, object?> pair && pair.TryGetValue("name", out var n) && n is string envName && envName.Length > 0)
            {
                env.Add(new KeyValuePair<string, string>(envName, pair.TryGetValue("value", out var v) ? v as string ?? string.Empty : string.Empty));
            }
        }

        var interactiveMode = NullIfEmpty(execEntry.GetString("interactiveMode")) ?? "IfAvailable";
        if (interactiveMode != "Never" && interactiveMode != "IfAvailable" && interactiveMode != "Always")
        {
            throw new KubeConfigException($"{user.Describe("exec.interactiveMode")} is '{interactiveMode}'; expected Never, IfAvailable or Always.");
        }

        return new ExecCredentialSettings
        {
            Command = command!.Trim(),
            Args = execEntry.GetList("args")?.Select(a => a as string ?? string.Empty).ToArray() ?? Array.Empty<string>(),
            Env = env,
            ApiVersion = apiVersion!,
            InstallHint = NullIfEmpty(execEntry.GetString("installHint")),
            ProvideClusterInfo = execEntry.GetBool("provideClusterInfo"),
            InteractiveMode = interactiveMode,
            BaseDirectory = user.BaseDirectory,
        };
    }

    private static string TokenFromAuthProvider(KubeConfigEntry user, Dictionary<string, object?> provider)
    {
        var name = provider.TryGetValue("name", out var n) ? n as string : null;
        var config = provider.TryGetValue("config", out var c) ? c as Dictionary<string, object?> : null;
        if (name == "oidc" && config is not null && config.TryGetValue("id-token", out var idToken) && idToken is string text && text.Length > 0)
        {
            // The id-token is used as is; refreshing it needs the OIDC provider, which kubectl's plugins handle.
            return text;
        }

        throw new KubeConfigException(string.Format(
            CultureInfo.InvariantCulture,
            "users[{0}] in {1} uses the auth-provider '{2}', which is not supported (kubectl removed the gcp and azure providers too). Use an exec plugin instead, such as gke-gcloud-auth-plugin or kubelogin.",
            user.Name,
            user.File,
            name));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

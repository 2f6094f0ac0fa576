using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Reliability;

/// <summary>
/// Builds backup tarballs with a hostile or broken part in the middle of good items: the namespace <c>shop</c> and six
/// ConfigMaps (<c>before-1..3</c>, <c>after-1..3</c>), each with its preferred-version copy, as Velero writes them.
/// </summary>
internal static class ArchiveForge
{
    public const string Namespace = "shop";

    public static readonly DateTime Time = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly string[] GoodNames = { "before-1", "before-2", "before-3", "after-1", "after-2", "after-3" };

    private static byte[]? bomb;

    public static string ConfigMapJson(string name, string ns = Namespace, string value = "v") =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"data":{"k":"{{{value}}}"}}""";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The uncompressed tar: good items, then <paramref name="middle"/>, then more good items; finished unless told otherwise.</summary>
    public static byte[] Tar(Action<GoTarWriter>? middle, bool finish = true)
    {
        using var output = new MemoryStream();
        var tar = new GoTarWriter(output);
        tar.AddFile("metadata/version", Bytes("1.1.0\n"), Time);
        tar.AddFile("resources/namespaces/cluster/shop.json", Bytes("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}"""), Time);
        tar.AddFile("resources/namespaces/v1-preferredversion/cluster/shop.json", Bytes("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}"""), Time);
        foreach (var name in GoodNames.Take(3))
        {
            AddGood(tar, name);
        }

        middle?.Invoke(tar);
        foreach (var name in GoodNames.Skip(3))
        {
            AddGood(tar, name);
        }

        if (finish)
        {
            tar.Finish();
        }

        return output.ToArray();
    }

    public static byte[] TarGz(Action<GoTarWriter>? middle) => GoTarWriter.GoGzip(Tar(middle));

    /// <summary>Adds a ConfigMap item (and its preferred-version copy) at the usual paths.</summary>
    public static void AddGood(GoTarWriter tar, string name, string? json = null)
    {
        var content = Bytes(json ?? ConfigMapJson(name));
        tar.AddFile($"resources/configmaps/namespaces/{Namespace}/{name}.json", content, Time);
        tar.AddFile($"resources/configmaps/v1-preferredversion/namespaces/{Namespace}/{name}.json", content, Time);
    }

    /// <summary>
    /// A gzip bomb within every per-entry limit: three 30 MiB entries of zeros at gzip's best compression (about 90 KiB).
    /// Built once per test run.
    /// </summary>
    public static byte[] GzipBomb()
    {
        if (bomb is not null)
        {
            return bomb;
        }

        using var output = new MemoryStream();
        using (var gzip = new GoGzipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var head = Tar(null, finish: false);
            gzip.Write(head, 0, head.Length);
            var tar = new GoTarWriter(gzip);
            var zeros = new byte[30 * 1024 * 1024];
            for (var i = 0; i < 3; i++)
            {
                tar.AddFile($"resources/configmaps/namespaces/{Namespace}/zeros-{i}.json", zeros, Time);
            }

            tar.Finish();
        }

        bomb = output.ToArray();
        return bomb;
    }

    /// <summary>JSON with <paramref name="depth"/> nested arrays inside an otherwise valid ConfigMap.</summary>
    public static string DeepJson(string name, int depth) =>
        $$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}","namespace":"{{Namespace}}"},"data":{"k":"v"},"deep":""" + new string('[', depth) + new string(']', depth) + "}";

    public static IEnumerable<string> WindowsIllegal => new[] { "<", ">", ":", "\"", "|", "?", "*", "\\" };
}

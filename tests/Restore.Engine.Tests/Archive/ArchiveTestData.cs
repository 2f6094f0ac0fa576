using System;
using System.IO;
using System.IO.Compression;
using System.Text;
using Restore.TestSupport;

namespace Restore.Engine.Tests.Archive;

/// <summary>Small tarballs for archive tests, written with the Go-compatible tar writer.</summary>
internal static class ArchiveTestData
{
    public static readonly DateTime Time = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Builds a tar (not compressed) with <paramref name="write"/>, ending with the two zero blocks unless told otherwise.</summary>
    public static byte[] Tar(Action<GoTarWriter> write, bool finish = true)
    {
        using var output = new MemoryStream();
        var tar = new GoTarWriter(output);
        write(tar);
        if (finish)
        {
            tar.Finish();
        }

        return output.ToArray();
    }

    /// <summary>A gzip tarball made of <paramref name="write"/>.</summary>
    public static byte[] TarGz(Action<GoTarWriter> write, bool finish = true) => GoTarWriter.GoGzip(Tar(write, finish));

    /// <summary>A gzip tarball with one file per (path, content) pair.</summary>
    public static byte[] TarGz(params (string Path, string Content)[] files) => TarGz(tar =>
    {
        foreach (var (path, content) in files)
        {
            tar.AddFile(path, Json(content), Time);
        }
    });

    public static MemoryStream Stream(byte[] bytes) => new(bytes, writable: false);

    /// <summary>A gzip stream of <paramref name="zeroBytes"/> zeros inside one tar entry: a decompression bomb.</summary>
    public static byte[] ZeroBomb(long zeroBytes, string path = "resources/configmaps/namespaces/a/bomb.json")
    {
        using var output = new MemoryStream();
        using (var gzip = new GoGzipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var tar = new GoTarWriter(gzip);
            tar.AddEntry(path, (byte)'0', Array.Empty<byte>(), Time, sizeOverride: zeroBytes);
            var chunk = new byte[1 << 20];
            for (var left = zeroBytes; left > 0; left -= chunk.Length)
            {
                gzip.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
            }

            var padding = (int)((512 - (zeroBytes % 512)) % 512);
            gzip.Write(new byte[padding + 1024], 0, padding + 1024);
        }

        return output.ToArray();
    }
}

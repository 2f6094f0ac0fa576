using System;
using System.Collections.Generic;
using System.Text;

namespace Restore.Engine.Cluster.Crypto;

/// <summary>One PEM block: its label (such as <c>CERTIFICATE</c>) and DER bytes.</summary>
internal sealed class PemBlock
{
    public PemBlock(string label, byte[] der, bool legacyEncrypted)
    {
        Label = label;
        Der = der;
        LegacyEncrypted = legacyEncrypted;
    }

    public string Label { get; }

    public byte[] Der { get; }

    /// <summary>True when the block has OpenSSL's <c>Proc-Type: 4,ENCRYPTED</c> header.</summary>
    public bool LegacyEncrypted { get; }
}

/// <summary>Splits PEM text into blocks. netstandard2.0 has no PemEncoding.</summary>
internal static class Pem
{
    private const string BeginMarker = "-----BEGIN ";
    private const string EndMarker = "-----END ";
    private const string Dashes = "-----";

    /// <summary>Reads every PEM block in <paramref name="text"/>, in order. Text outside blocks is ignored.</summary>
    public static IReadOnlyList<PemBlock> ReadAll(string text)
    {
        var blocks = new List<PemBlock>();
        var position = 0;
        while (true)
        {
            var begin = text.IndexOf(BeginMarker, position, StringComparison.Ordinal);
            if (begin < 0)
            {
                break;
            }

            var labelStart = begin + BeginMarker.Length;
            var labelEnd = text.IndexOf(Dashes, labelStart, StringComparison.Ordinal);
            if (labelEnd < 0)
            {
                throw new FormatException("A PEM BEGIN line is not terminated.");
            }

            var label = text.Substring(labelStart, labelEnd - labelStart).Trim();
            var bodyStart = labelEnd + Dashes.Length;
            var endLine = BeginMarker.Replace("BEGIN", "END") + label + Dashes;
            var end = text.IndexOf(endLine, bodyStart, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new FormatException($"The PEM block '{label}' has no matching END line.");
            }

            var body = text.Substring(bodyStart, end - bodyStart);
            blocks.Add(Decode(label, body));
            position = end + endLine.Length;
        }

        return blocks;
    }

    /// <summary>True when <paramref name="data"/> looks like PEM text rather than DER.</summary>
    public static bool LooksLikePem(byte[] data)
    {
        var probe = Encoding.ASCII.GetString(data, 0, Math.Min(data.Length, 4096));
        return probe.IndexOf(BeginMarker, StringComparison.Ordinal) >= 0;
    }

    private static PemBlock Decode(string label, string body)
    {
        var base64 = new StringBuilder(body.Length);
        var encrypted = false;
        foreach (var rawLine in body.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            // RFC 1421 headers (legacy OpenSSL encryption) are "Name: value" lines before the data.
            if (line.IndexOf(':') >= 0)
            {
                if (line.StartsWith("Proc-Type:", StringComparison.OrdinalIgnoreCase) && line.IndexOf("ENCRYPTED", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    encrypted = true;
                }

                continue;
            }

            base64.Append(line);
        }

        try
        {
            return new PemBlock(label, Convert.FromBase64String(base64.ToString()), encrypted);
        }
        catch (FormatException)
        {
            throw new FormatException($"The PEM block '{label}' does not contain valid base64 data.");
        }
    }
}

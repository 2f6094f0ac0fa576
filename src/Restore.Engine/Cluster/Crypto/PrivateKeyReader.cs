using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Restore.Engine.Cluster.Crypto;

/// <summary>The encoding a private key was found in.</summary>
internal enum PrivateKeyFormat
{
    /// <summary><c>RSA PRIVATE KEY</c> (PKCS#1).</summary>
    Pkcs1,

    /// <summary><c>PRIVATE KEY</c> (PKCS#8), holding RSA or EC.</summary>
    Pkcs8,

    /// <summary><c>EC PRIVATE KEY</c> (SEC1).</summary>
    Sec1,
}

/// <summary>A parsed private key: RSA or EC parameters, ready to import.</summary>
internal sealed class ParsedPrivateKey
{
    private ParsedPrivateKey(PrivateKeyFormat format, RSAParameters? rsa, ECParameters? ec)
    {
        Format = format;
        Rsa = rsa;
        Ec = ec;
    }

    public PrivateKeyFormat Format { get; }

    public RSAParameters? Rsa { get; }

    public ECParameters? Ec { get; }

    public bool IsRsa => Rsa.HasValue;

    public static ParsedPrivateKey ForRsa(PrivateKeyFormat format, RSAParameters parameters) => new(format, parameters, null);

    public static ParsedPrivateKey ForEc(PrivateKeyFormat format, ECParameters parameters) => new(format, null, parameters);

    /// <summary>Creates the key object. The caller owns (and disposes) it.</summary>
    public AsymmetricAlgorithm CreateKey()
    {
        if (Rsa.HasValue)
        {
            var rsa = RSA.Create();
            try
            {
                rsa.ImportParameters(Rsa.Value);
                return rsa;
            }
            catch
            {
                rsa.Dispose();
                throw;
            }
        }

        try
        {
            return ECDsa.Create(Ec!.Value);
        }
        catch (CryptographicException ex)
        {
            throw new CryptographicException("The EC private key could not be loaded on this platform" +
                (Ec!.Value.Q.X is null ? " (the key has no public point, which .NET Framework requires; re-export it with its public key)" : string.Empty) + ": " + ex.Message);
        }
    }
}

/// <summary>
/// Reads RSA and EC private keys from PEM (PKCS#1, PKCS#8 and SEC1) by parsing the DER ourselves:
/// netstandard2.0 has no ImportRSAPrivateKey/ImportECPrivateKey/ImportPkcs8PrivateKey.
/// Error messages never include key material.
/// </summary>
internal static class PrivateKeyReader
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    /// <summary>Parses the first private key in PEM <paramref name="pem"/> data.</summary>
    /// <param name="pem">PEM bytes.</param>
    /// <param name="source">Where the key came from, for messages (a file name or "client-key-data").</param>
    public static ParsedPrivateKey Read(byte[] pem, string source)
    {
        if (!Pem.LooksLikePem(pem))
        {
            throw new FormatException($"The client key from {source} is not PEM text (no '-----BEGIN' line).");
        }

        var blocks = Pem.ReadAll(Encoding.ASCII.GetString(pem));
        string? curveFromParametersBlock = null;
        foreach (var block in blocks)
        {
            switch (block.Label)
            {
                case "EC PARAMETERS":
                    curveFromParametersBlock = new DerReader(block.Der).ReadOid();
                    break;
                case "RSA PRIVATE KEY":
                    ThrowIfLegacyEncrypted(block, source);
                    return Wrap(source, "PKCS#1 RSA", () => ParsedPrivateKey.ForRsa(PrivateKeyFormat.Pkcs1, ReadPkcs1(block.Der)));
                case "EC PRIVATE KEY":
                    ThrowIfLegacyEncrypted(block, source);
                    return Wrap(source, "SEC1 EC", () => ParsedPrivateKey.ForEc(PrivateKeyFormat.Sec1, ReadSec1(block.Der, curveFromParametersBlock)));
                case "PRIVATE KEY":
                    return Wrap(source, "PKCS#8", () => ReadPkcs8(block.Der));
                case "ENCRYPTED PRIVATE KEY":
                    throw new FormatException($"The client key from {source} is encrypted (ENCRYPTED PRIVATE KEY); Kubernetes clients need an unencrypted key.");
            }
        }

        var labels = blocks.Count == 0 ? "none" : string.Join(", ", blocks.Select(b => b.Label).Distinct());
        throw new FormatException($"No private key was found in {source}; PEM blocks found: {labels}. Expected RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY.");
    }

    internal static RSAParameters ReadPkcs1(byte[] der)
    {
        var seq = new DerReader(der).ReadSequence();
        seq.ReadSmallInteger(); // version
        var modulus = seq.ReadUnsignedInteger();
        var exponent = seq.ReadUnsignedInteger();
        var d = seq.ReadUnsignedInteger();
        var p = seq.ReadUnsignedInteger();
        var q = seq.ReadUnsignedInteger();
        var dp = seq.ReadUnsignedInteger();
        var dq = seq.ReadUnsignedInteger();
        var inverseQ = seq.ReadUnsignedInteger();

        // CAPI (.NET Framework) insists that D matches the modulus length and the CRT values half of it.
        var half = (modulus.Length + 1) / 2;
        return new RSAParameters
        {
            Modulus = modulus,
            Exponent = exponent,
            D = PadLeft(d, modulus.Length),
            P = PadLeft(p, half),
            Q = PadLeft(q, half),
            DP = PadLeft(dp, half),
            DQ = PadLeft(dq, half),
            InverseQ = PadLeft(inverseQ, half),
        };
    }

    internal static ECParameters ReadSec1(byte[] der, string? curveOid)
    {
        var seq = new DerReader(der).ReadSequence();
        var version = seq.ReadSmallInteger();
        if (version != 1)
        {
            throw new FormatException($"Unsupported EC private key version {version}.");
        }

        var privateKey = seq.ReadOctetString();
        byte[]? publicKey = null;
        while (seq.HasData)
        {
            var tag = seq.PeekTag();
            if (tag == 0xA0)
            {
                curveOid = seq.ReadConstructed(0xA0).ReadOid();
            }
            else if (tag == 0xA1)
            {
                publicKey = seq.ReadConstructed(0xA1).ReadBitString();
            }
            else
            {
                seq.Skip();
            }
        }

        if (curveOid is null)
        {
            throw new FormatException("The EC private key does not name its curve.");
        }

        var curve = CurveFromOid(curveOid);
        var fieldSize = FieldSize(curveOid, privateKey.Length);
        var parameters = new ECParameters { Curve = curve, D = PadLeft(StripLeadingZeros(privateKey), fieldSize) };
        if (publicKey is not null)
        {
            if (publicKey.Length != (2 * fieldSize) + 1 || publicKey[0] != 0x04)
            {
                throw new FormatException("The EC public key is not an uncompressed point; compressed points are not supported.");
            }

            parameters.Q = new ECPoint
            {
                X = publicKey.Skip(1).Take(fieldSize).ToArray(),
                Y = publicKey.Skip(1 + fieldSize).Take(fieldSize).ToArray(),
            };
        }

        return parameters;
    }

    internal static ParsedPrivateKey ReadPkcs8(byte[] der)
    {
        var seq = new DerReader(der).ReadSequence();
        seq.ReadSmallInteger(); // version
        var algorithm = seq.ReadSequence();
        var algorithmOid = algorithm.ReadOid();
        var inner = seq.ReadOctetString();
        switch (algorithmOid)
        {
            case RsaOid:
                return ParsedPrivateKey.ForRsa(PrivateKeyFormat.Pkcs8, ReadPkcs1(inner));
            case EcPublicKeyOid:
                var curveOid = algorithm.HasData && algorithm.PeekTag() == DerReader.TagOid ? algorithm.ReadOid() : null;
                return ParsedPrivateKey.ForEc(PrivateKeyFormat.Pkcs8, ReadSec1(inner, curveOid));
            case "1.3.101.112":
            case "1.3.101.113":
                throw new FormatException("Ed25519/Ed448 client keys are not supported by .NET; use an RSA or ECDSA key.");
            default:
                throw new FormatException($"Unsupported private key algorithm {algorithmOid}; use an RSA or ECDSA key.");
        }
    }

    internal static ECCurve CurveFromOid(string oid) => oid switch
    {
        "1.2.840.10045.3.1.7" => ECCurve.NamedCurves.nistP256,
        "1.3.132.0.34" => ECCurve.NamedCurves.nistP384,
        "1.3.132.0.35" => ECCurve.NamedCurves.nistP521,
        _ => ECCurve.CreateFromValue(oid),
    };

    private static int FieldSize(string curveOid, int privateKeyLength) => curveOid switch
    {
        "1.2.840.10045.3.1.7" => 32,
        "1.3.132.0.34" => 48,
        "1.3.132.0.35" => 66,
        "1.3.132.0.10" => 32,
        _ => privateKeyLength,
    };

    private static ParsedPrivateKey Wrap(string source, string what, Func<ParsedPrivateKey> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw new FormatException($"The {what} client key from {source} is not valid: {ex.Message}", ex);
        }
    }

    private static void ThrowIfLegacyEncrypted(PemBlock block, string source)
    {
        if (block.LegacyEncrypted)
        {
            throw new FormatException($"The client key from {source} is encrypted (Proc-Type: 4,ENCRYPTED); Kubernetes clients need an unencrypted key.");
        }
    }

    private static byte[] StripLeadingZeros(byte[] value)
    {
        var skip = 0;
        while (skip < value.Length - 1 && value[skip] == 0)
        {
            skip++;
        }

        return skip == 0 ? value : value.Skip(skip).ToArray();
    }

    private static byte[] PadLeft(byte[] value, int length)
    {
        if (value.Length == length)
        {
            return value;
        }

        if (value.Length > length)
        {
            throw new FormatException("A key component is longer than the key size allows.");
        }

        var padded = new byte[length];
        Buffer.BlockCopy(value, 0, padded, length - value.Length, value.Length);
        return padded;
    }
}

using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Restore.Engine.Common;

namespace Restore.Engine.Archive;

/// <summary>
/// Normalises entry names and refuses the hostile ones. Names are never used as file system paths,
/// so characters Windows forbids (<c>:</c>, <c>*</c>, <c>?</c>, <c>&lt;</c>…) and reserved names are fine.
/// </summary>
internal static class ArchivePath
{
    /// <summary>
    /// Strips <c>./</c> and empty or <c>.</c> segments. Throws <see cref="ArchiveSecurityException"/> for absolute
    /// paths and <c>..</c> segments (with <c>/</c> or <c>\</c> as separator), and
    /// <see cref="ArchiveFormatException"/> for empty names and control characters.
    /// </summary>
    /// <param name="raw">The name from the header.</param>
    /// <param name="offset">Where the header starts, for the error.</param>
    /// <param name="isDirectory">True when the name ends in <c>/</c>.</param>
    public static string Normalize(string raw, long offset, out bool isDirectory)
    {
        if (IsPlainRelativePath(raw))
        {
            isDirectory = false;
            return raw;
        }

        if (raw.Length == 0)
        {
            throw new ArchiveFormatException(ArchiveProblem.BadName, $"An entry at offset {offset} has an empty name.", raw, offset);
        }

        foreach (var c in raw)
        {
            if (c < 0x20 || c == 0x7f)
            {
                throw new ArchiveFormatException(ArchiveProblem.BadName, $"The entry name '{Printable(raw)}' contains the control character U+{(int)c:X4}.", Printable(raw), offset);
            }
        }

        if (raw[0] == '/' || raw[0] == '\\' || (raw.Length >= 2 && raw[1] == ':' && char.IsLetter(raw[0])))
        {
            throw new ArchiveSecurityException($"The entry '{raw}' has an absolute path; a backup archive holds only relative paths.", raw, offset);
        }

        isDirectory = raw[raw.Length - 1] == '/';
        var segments = new List<string>();
        foreach (var segment in raw.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            foreach (var piece in segment.Split('\\'))
            {
                if (piece == "..")
                {
                    throw new ArchiveSecurityException($"The entry '{raw}' has a '..' segment that could point outside the archive.", raw, offset);
                }
            }

            segments.Add(segment);
        }

        if (segments.Count == 0)
        {
            // "./" or "/" only: the archive root itself.
            isDirectory = true;
            return string.Empty;
        }

        return string.Join("/", segments);
    }

    // The common case, every name Velero writes: relative, no empty, "." or ".." segment (nor any segment
    // starting with '.'), no backslash, no control character, no trailing slash, no drive letter.
    [MethodImpl(HotPath.Optimize)]
    private static bool IsPlainRelativePath(string raw)
    {
        if (raw.Length == 0 || raw[0] == '/' || raw[raw.Length - 1] == '/' || (raw.Length >= 2 && raw[1] == ':'))
        {
            return false;
        }

        var segmentStart = true;
        foreach (var c in raw)
        {
            if (c < 0x20 || c == 0x7f || c == '\\' || (segmentStart && (c == '.' || c == '/')))
            {
                return false;
            }

            segmentStart = c == '/';
        }

        return true;
    }

    private static string Printable(string raw)
    {
        var chars = raw.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] < 0x20 || chars[i] == 0x7f)
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }
}

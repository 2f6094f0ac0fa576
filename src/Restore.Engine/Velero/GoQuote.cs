using System;
using System.Globalization;
using System.Text;

namespace Restore.Engine.Velero;

/// <summary>Go's <c>strconv.Quote</c> and <c>strconv.Unquote</c> for double-quoted strings, as logrus uses them.</summary>
internal static class GoQuote
{
    /// <summary>Quotes a string the way Go's <c>%q</c> verb does.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        Append(builder, value);
        return builder.ToString();
    }

    /// <summary>Appends the quoted form of <paramref name="value"/>.</summary>
    public static void Append(StringBuilder builder, string value)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); continue;
                case '\\': builder.Append("\\\\"); continue;
                case '\a': builder.Append("\\a"); continue;
                case '\b': builder.Append("\\b"); continue;
                case '\f': builder.Append("\\f"); continue;
                case '\n': builder.Append("\\n"); continue;
                case '\r': builder.Append("\\r"); continue;
                case '\t': builder.Append("\\t"); continue;
                case '\v': builder.Append("\\v"); continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate is invalid UTF-8 in Go, which prints the replacement character.
                builder.Append("\\ufffd");
            }
            else if (c < 0x20 || c == 0x7f)
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c > 0x7f && IsNonPrintable(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
    }

    /// <summary>Reverses <see cref="Quote"/>; false when the text is not a valid Go double-quoted string.</summary>
    public static bool TryUnquote(string quoted, out string value)
    {
        value = string.Empty;
        if (quoted is null || quoted.Length < 2 || quoted[0] != '"' || quoted[quoted.Length - 1] != '"')
        {
            return false;
        }

        var builder = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (++i >= quoted.Length - 1)
            {
                return false;
            }

            switch (quoted[i])
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '\'': builder.Append('\''); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'v': builder.Append('\v'); break;
                case 'x':
                    if (!TryHex(quoted, i + 1, 2, out var x))
                    {
                        return false;
                    }

                    builder.Append((char)x);
                    i += 2;
                    break;
                case 'u':
                    if (!TryHex(quoted, i + 1, 4, out var u))
                    {
                        return false;
                    }

                    builder.Append((char)u);
                    i += 4;
                    break;
                case 'U':
                    if (!TryHex(quoted, i + 1, 8, out var big) || big > 0x10FFFF)
                    {
                        return false;
                    }

                    builder.Append(char.ConvertFromUtf32(big));
                    i += 8;
                    break;
                default:
                    return false;
            }
        }

        value = builder.ToString();
        return true;
    }

    private static bool TryHex(string text, int start, int length, out int result)
    {
        result = 0;
        return start + length <= text.Length - 1
            && int.TryParse(text.Substring(start, length), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out result);
    }

    private static bool IsNonPrintable(char c)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            or UnicodeCategory.SpaceSeparator;
    }
}

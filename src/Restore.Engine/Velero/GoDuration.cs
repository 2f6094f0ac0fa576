using System;
using System.Globalization;
using System.Text;

namespace Restore.Engine.Velero;

/// <summary>
/// Go <c>time.Duration</c> text, as Kubernetes <c>metav1.Duration</c> fields carry it
/// (<c>4h0m0s</c>, <c>90s</c>, <c>1.5h</c>, <c>300ms</c>). Parsing follows <c>time.ParseDuration</c>;
/// formatting follows <c>Duration.String()</c>. Precision is one .NET tick (100 ns).
/// </summary>
internal static class GoDuration
{
    private const long NanosPerTick = 100;
    private const long Microsecond = 1000;
    private const long Millisecond = 1000 * Microsecond;
    private const long Second = 1000 * Millisecond;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;

    /// <summary>Parses a Go duration string; throws <see cref="FormatException"/> naming the problem.</summary>
    public static TimeSpan Parse(string text)
    {
        if (!TryParse(text, out var value, out var error))
        {
            throw new FormatException(error);
        }

        return value;
    }

    /// <summary>Parses a Go duration string such as <c>1h30m</c>.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="value">The duration, when parsing succeeded.</param>
    /// <param name="error">Go's message (<c>time: invalid duration "x"</c>) when parsing failed.</param>
    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var original = text ?? string.Empty;
        var s = original;
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s.Substring(1);
        }

        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            error = Invalid(original);
            return false;
        }

        decimal totalNanos = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsDigit(s[i]))
            {
                i++;
            }

            var whole = s.Substring(start, i - start);
            var fraction = string.Empty;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var fracStart = i;
                while (i < s.Length && char.IsDigit(s[i]))
                {
                    i++;
                }

                fraction = s.Substring(fracStart, i - fracStart);
            }

            if (whole.Length == 0 && fraction.Length == 0)
            {
                error = Invalid(original);
                return false;
            }

            var unitStart = i;
            while (i < s.Length && s[i] != '.' && !char.IsDigit(s[i]))
            {
                i++;
            }

            var unit = s.Substring(unitStart, i - unitStart);
            if (unit.Length == 0)
            {
                error = "time: missing unit in duration \"" + original + "\"";
                return false;
            }

            long unitNanos;
            switch (unit)
            {
                case "ns": unitNanos = 1; break;
                case "us":
                case "\u00b5s":
                case "\u03bcs": unitNanos = Microsecond; break;
                case "ms": unitNanos = Millisecond; break;
                case "s": unitNanos = Second; break;
                case "m": unitNanos = Minute; break;
                case "h": unitNanos = Hour; break;
                default:
                    error = "time: unknown unit \"" + unit + "\" in duration \"" + original + "\"";
                    return false;
            }

            var number = decimal.Parse((whole.Length == 0 ? "0" : whole) + (fraction.Length == 0 ? string.Empty : "." + fraction), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            totalNanos += number * unitNanos;
            if (totalNanos > long.MaxValue)
            {
                error = Invalid(original);
                return false;
            }
        }

        var ticks = (long)decimal.Truncate(totalNanos / NanosPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String()</c>: <c>4h0m0s</c>, <c>1m30s</c>, <c>1.5s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var nanos = duration.Ticks * NanosPerTick;
        if (nanos == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (nanos < 0)
        {
            sb.Append('-');
            nanos = -nanos;
        }

        if (nanos < Second)
        {
            if (nanos < Microsecond)
            {
                return sb.Append(nanos.ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            }

            if (nanos < Millisecond)
            {
                return sb.Append(Fraction(nanos, Microsecond)).Append("\u00b5s").ToString();
            }

            return sb.Append(Fraction(nanos, Millisecond)).Append("ms").ToString();
        }

        var hours = nanos / Hour;
        nanos -= hours * Hour;
        var minutes = nanos / Minute;
        nanos -= minutes * Minute;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return sb.Append(Fraction(nanos, Second)).Append('s').ToString();
    }

    /// <summary>Normalises a Go duration string (<c>4h</c> becomes <c>4h0m0s</c>); null or empty stays as is.</summary>
    public static string? Normalize(string? text) =>
        string.IsNullOrEmpty(text) ? text : Format(Parse(text!));

    private static string Fraction(long value, long unit)
    {
        var whole = value / unit;
        var rest = value % unit;
        if (rest == 0)
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        var frac = rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return whole.ToString(CultureInfo.InvariantCulture) + "." + frac;
    }

    private static string Invalid(string text) => "time: invalid duration \"" + text + "\"";
}

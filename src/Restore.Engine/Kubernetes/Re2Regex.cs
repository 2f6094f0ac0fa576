using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// A Go RE2 regular expression (as used by Velero's <c>resourceNameRegex</c>), translated to an equivalent .NET
/// expression for match testing. RE2 constructs .NET would read differently are rewritten (ASCII <c>\d \w \s \b</c>,
/// <c>$</c> meaning end of text, literal <c>[</c> inside classes, <c>\Q..\E</c>, <c>(?P&lt;name&gt;..)</c>, POSIX
/// classes); constructs RE2 rejects (backreferences, lookarounds, atomic groups, possessive or nested repetition,
/// unknown escapes) are rejected here too, with Go's error wording.
/// </summary>
internal sealed class Re2Regex
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private const string WordClass = "0-9A-Za-z_";

    private readonly Regex regex;

    private Re2Regex(string pattern, Regex regex)
    {
        Pattern = pattern;
        this.regex = regex;
    }

    /// <summary>The RE2 pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>Translates and compiles <paramref name="pattern"/>; false with Go-style wording when RE2 would reject it.</summary>
    public static bool TryCompile(string pattern, out Re2Regex? regex, out string? error)
    {
        regex = null;
        string translated;
        bool usesLookaround;
        try
        {
            (translated, usesLookaround) = new Translator(pattern).Translate();
        }
        catch (FormatException ex)
        {
            error = "error parsing regexp: " + ex.Message;
            return false;
        }

        Regex? compiled = null;
        if (!usesLookaround)
        {
            // Linear-time matching like RE2 when the runtime offers it (RegexOptions.NonBacktracking, .NET 7+).
            try
            {
                compiled = new Regex(translated, RegexOptions.CultureInvariant | (RegexOptions)1024, Timeout);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                compiled = null;
            }
        }

        try
        {
            compiled ??= new Regex(translated, RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException ex)
        {
            error = $"error parsing regexp: {ex.Message}: `{pattern}`";
            return false;
        }

        regex = new Re2Regex(pattern, compiled);
        error = null;
        return true;
    }

    /// <summary>True when the expression matches anywhere in <paramref name="input"/> (Go's <c>MatchString</c>).</summary>
    /// <exception cref="TimeoutException">Matching took too long (only possible on runtimes without linear-time matching).</exception>
    public bool IsMatch(string input)
    {
        try
        {
            return regex.IsMatch(input ?? string.Empty);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new TimeoutException($"matching regexp `{Pattern}` timed out", ex);
        }
    }

    /// <summary>Recursive-descent translation of RE2 syntax (Go's regexp/syntax with Perl flags).</summary>
    private sealed class Translator
    {
        private readonly string p;
        private readonly StringBuilder output = new();
        private readonly Stack<bool> multiline = new();
        private int pos;
        private bool usesLookaround;

        public Translator(string pattern)
        {
            p = pattern ?? throw new ArgumentNullException(nameof(pattern));
            multiline.Push(false);
        }

        public (string Pattern, bool UsesLookaround) Translate()
        {
            int depth = 0;
            bool canRepeat = false; // an operand precedes, so a quantifier is allowed
            bool lastWasRepeat = false;
            while (pos < p.Length)
            {
                char c = p[pos];
                switch (c)
                {
                    case '(':
                        OpenGroup(ref depth, out bool isFlagsOnly);
                        canRepeat = false;
                        lastWasRepeat = false;
                        if (isFlagsOnly)
                        {
                            continue;
                        }

                        break;
                    case ')':
                        if (depth == 0)
                        {
                            throw Error("unexpected )", p);
                        }

                        depth--;
                        multiline.Pop();
                        output.Append(')');
                        pos++;
                        canRepeat = true;
                        lastWasRepeat = false;
                        continue;
                    case '|':
                        output.Append('|');
                        pos++;
                        canRepeat = false;
                        lastWasRepeat = false;
                        continue;
                    case '*':
                    case '+':
                    case '?':
                    case '{':
                        int start = pos;
                        if (c == '{' && !TryReadRepeat(out _))
                        {
                            output.Append("\\{");
                            pos++;
                            canRepeat = true;
                            lastWasRepeat = false;
                            continue;
                        }

                        pos = start;
                        int previousStart = lastQuantifierStart;
                        string op = ReadQuantifier();
                        if (lastWasRepeat)
                        {
                            throw Error("invalid nested repetition operator", p.Substring(previousStart, pos - previousStart));
                        }

                        if (!canRepeat)
                        {
                            throw Error("missing argument to repetition operator", op);
                        }

                        output.Append(op);
                        lastWasRepeat = true;
                        continue;
                    case '[':
                        output.Append(ReadClass());
                        break;
                    case '\\':
                        if (EmitEscape())
                        {
                            canRepeat = false;
                            lastWasRepeat = false;
                            continue;
                        }

                        break;
                    case '.':
                        output.Append('.');
                        pos++;
                        break;
                    case '^':
                        output.Append('^');
                        pos++;
                        break;
                    case '$':
                        // RE2's $ is the end of the text unless (?m) is on; the (?m) flag itself is passed through.
                        output.Append(multiline.Peek() ? "$" : "\\z");
                        pos++;
                        break;
                    default:
                        output.Append(Literal(c));
                        pos++;
                        break;
                }

                canRepeat = true;
                lastWasRepeat = false;
            }

            if (depth > 0)
            {
                throw Error("missing closing )", p);
            }

            return (output.ToString(), usesLookaround);
        }

        private int lastQuantifierStart;

        private string ReadQuantifier()
        {
            lastQuantifierStart = pos;
            string op;
            char c = p[pos];
            if (c == '{')
            {
                TryReadRepeat(out op);
            }
            else
            {
                op = c.ToString();
                pos++;
            }

            if (pos < p.Length && p[pos] == '?')
            {
                op += "?";
                pos++;
            }

            return op;
        }

        // {n}, {n,}, {n,m} with n, m <= 1000; anything else is a literal brace in RE2.
        private bool TryReadRepeat(out string text)
        {
            text = string.Empty;
            var m = Regex.Match(p.Substring(pos), @"\A\{([0-9]+)(,([0-9]*))?\}");
            if (!m.Success)
            {
                return false;
            }

            bool ok = int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int min) && min <= 1000;
            int max = min;
            if (m.Groups[2].Success && m.Groups[3].Value.Length > 0)
            {
                ok &= int.TryParse(m.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out max) && max <= 1000 && max >= min;
            }

            if (!ok)
            {
                throw Error("invalid repeat count", m.Value);
            }

            text = m.Value;
            pos += m.Length;
            return true;
        }

        private void OpenGroup(ref int depth, out bool isFlagsOnly)
        {
            isFlagsOnly = false;
            string rest = p.Substring(pos);
            if (rest.StartsWith("(?P<", StringComparison.Ordinal) || (rest.StartsWith("(?<", StringComparison.Ordinal) && !rest.StartsWith("(?<=", StringComparison.Ordinal) && !rest.StartsWith("(?<!", StringComparison.Ordinal)))
            {
                int nameStart = pos + (rest[2] == 'P' ? 4 : 3);
                int end = p.IndexOf('>', nameStart);
                if (end < 0)
                {
                    throw Error("invalid named capture", rest);
                }

                string name = p.Substring(nameStart, end - nameStart);
                if (name.Length == 0 || !Regex.IsMatch(name, @"\A[0-9A-Za-z_]+\z"))
                {
                    throw Error("invalid named capture", p.Substring(pos, end - pos + 1));
                }

                // Captures do not matter for a match test: every group becomes non-capturing.
                output.Append("(?:");
                pos = end + 1;
                depth++;
                this.multiline.Push(this.multiline.Peek());
                return;
            }

            if (!rest.StartsWith("(?", StringComparison.Ordinal))
            {
                output.Append("(?:");
                pos++;
                depth++;
                this.multiline.Push(this.multiline.Peek());
                return;
            }

            // (?flags) or (?flags:re), flags among i m s U with an optional '-'.
            int i = pos + 2;
            var flags = new StringBuilder();
            bool negate = false;
            bool multiline = this.multiline.Peek();
            while (i < p.Length)
            {
                char f = p[i];
                if (f == ':' || f == ')')
                {
                    break;
                }

                if (f == '-' && !negate)
                {
                    negate = true;
                    flags.Append('-');
                }
                else if (f is 'i' or 'm' or 's')
                {
                    flags.Append(f);
                    if (f == 'm')
                    {
                        multiline = !negate;
                    }
                }
                else if (f != 'U')
                {
                    // Lookarounds, atomic groups, comments, conditionals and other Perl/.NET syntax are not RE2.
                    throw Error("invalid or unsupported Perl syntax", p.Substring(pos, Math.Min(i + 1, p.Length) - pos));
                }

                i++;
            }

            if (i >= p.Length)
            {
                throw Error("missing closing )", p);
            }

            string flagText = flags.ToString().TrimEnd('-');
            if (p[i] == ')')
            {
                // Flags for the rest of the enclosing group. (?U) only changes which match is found, not whether one exists.
                if (flagText.Length > 0)
                {
                    output.Append("(?").Append(flagText).Append(')');
                }

                this.multiline.Pop();
                this.multiline.Push(multiline);
                pos = i + 1;
                isFlagsOnly = true;
                return;
            }

            output.Append("(?").Append(flagText).Append(':');
            pos = i + 1;
            depth++;
            this.multiline.Push(multiline);
        }

        /// <summary>Emits an escape; returns true for zero-width output that cannot be repeated (\Q..\E handled as literals).</summary>
        private bool EmitEscape()
        {
            if (pos + 1 >= p.Length)
            {
                throw Error("trailing backslash at end of expression", string.Empty);
            }

            char c = p[pos + 1];
            switch (c)
            {
                case 'A':
                    output.Append("\\A");
                    pos += 2;
                    return false;
                case 'z':
                    output.Append("\\z");
                    pos += 2;
                    return false;
                case 'b':
                    output.Append($"(?:(?<=[{WordClass}])(?![{WordClass}])|(?<![{WordClass}])(?=[{WordClass}]))");
                    usesLookaround = true;
                    pos += 2;
                    return false;
                case 'B':
                    output.Append($"(?:(?<=[{WordClass}])(?=[{WordClass}])|(?<![{WordClass}])(?![{WordClass}]))");
                    usesLookaround = true;
                    pos += 2;
                    return false;
                case 'Q':
                    int end = p.IndexOf("\\E", pos + 2, StringComparison.Ordinal);
                    string literal = end < 0 ? p.Substring(pos + 2) : p.Substring(pos + 2, end - pos - 2);
                    pos = end < 0 ? p.Length : end + 2;
                    if (literal.Length == 0)
                    {
                        return true;
                    }

                    foreach (char ch in literal)
                    {
                        output.Append(Literal(ch));
                    }

                    return false;
                default:
                    output.Append(ClassOrCharEscape(inClass: false));
                    return false;
            }
        }

        /// <summary>Reads an escape valid both inside and outside classes: a character, \d-style class or \p class.</summary>
        private string ClassOrCharEscape(bool inClass)
        {
            int start = pos;
            char c = p[pos + 1];
            pos += 2;
            switch (c)
            {
                case 'd': return inClass ? "0-9" : "[0-9]";
                case 'D': return inClass ? throw Unsupported(start) : "[^0-9]";
                case 'w': return inClass ? WordClass : $"[{WordClass}]";
                case 'W': return inClass ? throw Unsupported(start) : $"[^{WordClass}]";
                case 's': return inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]";
                case 'S': return inClass ? throw Unsupported(start) : "[^\\t\\n\\f\\r ]";
                case 'a': return Literal('\a');
                case 'f': return Literal('\f');
                case 't': return Literal('\t');
                case 'n': return Literal('\n');
                case 'r': return Literal('\r');
                case 'v': return Literal('\v');
                case 'p':
                case 'P':
                    return UnicodeClass(c == 'P', start);
                case 'x':
                    return Literal(ReadHex(start));
                case >= '0' and <= '7':
                    if (c != '0' && !(pos < p.Length && p[pos] >= '0' && p[pos] <= '7'))
                    {
                        throw Error("invalid escape sequence", p.Substring(start, pos - start));
                    }

                    int value = c - '0';
                    for (int n = 0; n < 2 && pos < p.Length && p[pos] >= '0' && p[pos] <= '7'; n++)
                    {
                        value = (value * 8) + (p[pos++] - '0');
                    }

                    return Literal((char)value);
                default:
                    if (c < 0x80 && !char.IsLetterOrDigit(c))
                    {
                        return Literal(c);
                    }

                    throw Error("invalid escape sequence", p.Substring(start, pos - start));
            }
        }

        private FormatException Unsupported(int start) =>
            // Negated Perl classes inside a bracket would need class subtraction; keep the translation simple and honest.
            new($"negated Perl class inside a character class is not supported by this translation: `{p.Substring(start, 2)}`");

        private char ReadHex(int start)
        {
            string digits;
            if (pos < p.Length && p[pos] == '{')
            {
                int close = p.IndexOf('}', pos);
                if (close < 0)
                {
                    throw Error("invalid escape sequence", p.Substring(start));
                }

                digits = p.Substring(pos + 1, close - pos - 1);
                pos = close + 1;
            }
            else
            {
                digits = pos + 2 <= p.Length ? p.Substring(pos, 2) : p.Substring(pos);
                pos += digits.Length;
            }

            if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code) || code > 0xFFFF)
            {
                throw Error("invalid escape sequence", p.Substring(start, pos - start));
            }

            return (char)code;
        }

        private string UnicodeClass(bool negated, int start)
        {
            string name;
            if (pos < p.Length && p[pos] == '{')
            {
                int close = p.IndexOf('}', pos);
                if (close < 0)
                {
                    throw Error("invalid character class range", p.Substring(start));
                }

                name = p.Substring(pos + 1, close - pos - 1);
                pos = close + 1;
            }
            else if (pos < p.Length)
            {
                name = p[pos].ToString();
                pos++;
            }
            else
            {
                throw Error("invalid character class range", p.Substring(start));
            }

            if (name.StartsWith("^", StringComparison.Ordinal))
            {
                negated = !negated;
                name = name.Substring(1);
            }

            // General categories map one to one; script names (\p{Greek}) have no .NET equivalent.
            if (!Regex.IsMatch(name, @"\A(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?)\z"))
            {
                throw Error("unsupported Unicode class (only general categories such as \\p{L} or \\p{Nd} are translated, not scripts)", p.Substring(start, pos - start));
            }

            return (negated ? "\\P{" : "\\p{") + name + "}";
        }

        private string ReadClass()
        {
            int start = pos;
            pos++;
            var sb = new StringBuilder("[");
            if (pos < p.Length && p[pos] == '^')
            {
                sb.Append('^');
                pos++;
            }

            bool first = true;
            while (true)
            {
                if (pos >= p.Length)
                {
                    throw Error("missing closing ]", p.Substring(start));
                }

                char c = p[pos];
                if (c == ']' && !first)
                {
                    pos++;
                    break;
                }

                first = false;
                if (c == '[' && pos + 1 < p.Length && p[pos + 1] == ':')
                {
                    int close = p.IndexOf(":]", pos + 2, StringComparison.Ordinal);
                    if (close > 0)
                    {
                        string posix = p.Substring(pos + 2, close - pos - 2);
                        pos = close + 2;
                        sb.Append(PosixClass(posix, start));
                        continue;
                    }
                }

                string lo = ClassAtom(out bool isSingle);
                if (isSingle && pos + 1 < p.Length && p[pos] == '-' && p[pos + 1] != ']')
                {
                    pos++;
                    string hi = ClassAtom(out bool hiSingle);
                    if (!hiSingle || string.CompareOrdinal(Decode(hi), Decode(lo)) < 0)
                    {
                        throw Error("invalid character class range", p.Substring(start, pos - start));
                    }

                    sb.Append(lo).Append('-').Append(hi);
                }
                else
                {
                    sb.Append(lo);
                }
            }

            return sb.Append(']').ToString();
        }

        private static string Decode(string escaped) =>
            escaped.StartsWith("\\u", StringComparison.Ordinal) ? ((char)int.Parse(escaped.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString() : escaped;

        private string ClassAtom(out bool isSingle)
        {
            isSingle = true;
            if (p[pos] == '\\')
            {
                if (pos + 1 >= p.Length)
                {
                    throw Error("trailing backslash at end of expression", string.Empty);
                }

                char e = p[pos + 1];
                string result = ClassOrCharEscape(inClass: true);
                isSingle = !(e is 'd' or 'w' or 's' or 'p' or 'P');
                return result;
            }

            return Literal(p[pos++]);
        }

        private string PosixClass(string name, int start)
        {
            bool negated = name.StartsWith("^", StringComparison.Ordinal);
            string bare = negated ? name.Substring(1) : name;
            string? set = bare switch
            {
                "alnum" => "0-9A-Za-z",
                "alpha" => "A-Za-z",
                "ascii" => "\\u0000-\\u007f",
                "blank" => "\\t ",
                "cntrl" => "\\u0000-\\u001f\\u007f",
                "digit" => "0-9",
                "graph" => "!-~",
                "lower" => "a-z",
                "print" => " -~",
                "punct" => "!-/:-@\\[-`{-~",
                "space" => "\\t\\n\\v\\f\\r ",
                "upper" => "A-Z",
                "word" => WordClass,
                "xdigit" => "0-9A-Fa-f",
                _ => null,
            };
            if (set is null)
            {
                throw Error("invalid character class range", $"[:{name}:]");
            }

            if (negated)
            {
                throw Error("negated POSIX class inside a character class is not supported by this translation", p.Substring(start, pos - start));
            }

            return set;
        }

        private static string Literal(char c) =>
            char.IsLetterOrDigit(c) && c < 0x80 ? c.ToString() : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);

        private static FormatException Error(string what, string where) => new($"{what}: `{where}`");
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// A compiled glob with the semantics of the gobwas/glob library that Velero uses for resource,
/// namespace and group-resource patterns.
/// </summary>
/// <remarks>
/// Syntax: <c>*</c> any run of characters (not crossing the separator when one is given),
/// <c>**</c> any run crossing separators, <c>?</c> one character (not the separator),
/// <c>[abc]</c>, <c>[!abc]</c>, <c>[a-z]</c>, <c>[!a-z]</c> one character from (or not from) a class,
/// <c>{a,b}</c> alternatives (nestable), <c>\</c> escapes the next character. Like gobwas, an unclosed
/// <c>{</c> is accepted and closed at the end, a <c>,</c> or <c>}</c> outside braces is literal, a class
/// mixes neither ranges and lists nor may be empty, and an empty pattern matches only the empty string.
/// </remarks>
internal sealed class GlobPattern
{
    // Globs are compiled into anchored regular expressions; the timeout bounds pathological patterns.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private readonly Regex regex;

    private GlobPattern(string pattern, Regex regex)
    {
        Pattern = pattern;
        this.regex = regex;
    }

    /// <summary>The pattern text as given.</summary>
    public string Pattern { get; }

    /// <summary>Compiles <paramref name="pattern"/>; returns false with a reason when it is not a valid glob.</summary>
    /// <param name="pattern">The glob text.</param>
    /// <param name="separator">The character <c>*</c> and <c>?</c> do not match, or null for none.</param>
    /// <param name="glob">The compiled glob, or null on failure.</param>
    /// <param name="error">Why compilation failed, or null on success.</param>
    public static bool TryCompile(string pattern, char? separator, out GlobPattern? glob, out string? error)
    {
        glob = null;
        if (pattern is null)
        {
            error = "glob pattern is null";
            return false;
        }

        var parser = new Parser(pattern, separator);
        string? regexText = parser.Parse(out error);
        if (regexText is null)
        {
            error = $"invalid glob pattern \"{pattern}\": {error}";
            return false;
        }

        var regex = new Regex(regexText, RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeout);
        glob = new GlobPattern(pattern, regex);
        return true;
    }

    /// <summary>Compiles <paramref name="pattern"/>, throwing when it is not a valid glob.</summary>
    /// <param name="pattern">The glob text.</param>
    /// <param name="separator">The character <c>*</c> and <c>?</c> do not match, or null for none.</param>
    /// <exception cref="ArgumentException">The pattern is invalid; the message says why.</exception>
    public static GlobPattern Compile(string pattern, char? separator = null)
    {
        if (!TryCompile(pattern, separator, out var glob, out var error))
        {
            throw new ArgumentException(error, nameof(pattern));
        }

        return glob!;
    }

    /// <summary>True when the whole of <paramref name="text"/> matches the pattern.</summary>
    public bool IsMatch(string text)
    {
        if (text is null)
        {
            return false;
        }

        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pattern so pathological that it cannot be decided quickly is treated as not matching.
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Pattern;

    /// <summary>Recursive-descent reader mirroring the gobwas lexer, emitting .NET regex text.</summary>
    private sealed class Parser
    {
        private readonly string text;
        private readonly char? separator;
        private int pos;
        private int termsLevel;

        public Parser(string text, char? separator)
        {
            this.text = text;
            this.separator = separator;
        }

        private string AnyChar => separator is char s
            ? $"(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^{EscapeClassChar(s)}])"
            : "(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|.)";

        private string AnyRun => separator is char s ? $"[^{EscapeClassChar(s)}]*" : ".*";

        public string? Parse(out string? error)
        {
            error = null;
            var sb = new StringBuilder("\\A");

            // Alternation groups: each open brace is a list of alternative branches being built.
            var stack = new Stack<List<StringBuilder>>();
            var current = sb;
            while (pos < text.Length)
            {
                char c = text[pos];
                if (c == '{')
                {
                    pos++;
                    termsLevel++;
                    var branches = new List<StringBuilder> { new StringBuilder() };
                    stack.Push(branches);
                    current = branches[0];
                }
                else if (c == ',' && termsLevel > 0)
                {
                    pos++;
                    var branches = stack.Peek();
                    var next = new StringBuilder();
                    branches.Add(next);
                    current = next;
                }
                else if (c == '}' && termsLevel > 0)
                {
                    pos++;
                    termsLevel--;
                    var branches = stack.Pop();
                    current = stack.Count > 0 ? Last(stack.Peek()) : sb;
                    current.Append(Alternation(branches));
                }
                else if (c == '[')
                {
                    pos++;
                    string? cls = ReadClass(out error);
                    if (cls is null)
                    {
                        return null;
                    }

                    current.Append(cls);
                }
                else if (c == '?')
                {
                    pos++;
                    current.Append(AnyChar);
                }
                else if (c == '*')
                {
                    pos++;
                    if (pos < text.Length && text[pos] == '*')
                    {
                        pos++;
                        current.Append(".*");
                    }
                    else
                    {
                        current.Append(AnyRun);
                    }
                }
                else
                {
                    current.Append(Regex.Escape(ReadText(termsLevel > 0 ? "?*[{},".ToCharArray() : "?*[{".ToCharArray())));
                }
            }

            // gobwas closes unterminated alternatives silently at the end of the pattern.
            while (stack.Count > 0)
            {
                var branches = stack.Pop();
                var outer = stack.Count > 0 ? Last(stack.Peek()) : sb;
                outer.Append(Alternation(branches));
            }

            sb.Append("\\z");
            return sb.ToString();
        }

        private static StringBuilder Last(List<StringBuilder> list) => list[list.Count - 1];

        private static string Alternation(List<StringBuilder> branches)
        {
            var parts = new List<string>(branches.Count);
            foreach (var b in branches)
            {
                parts.Add(b.ToString());
            }

            return "(?:" + string.Join("|", parts) + ")";
        }

        private string ReadText(char[] breakers)
        {
            var data = new StringBuilder();
            bool escaped = false;
            while (pos < text.Length)
            {
                char c = text[pos];
                if (!escaped)
                {
                    if (c == '\\')
                    {
                        escaped = true;
                        pos++;
                        continue;
                    }

                    if (Array.IndexOf(breakers, c) >= 0)
                    {
                        break;
                    }
                }

                escaped = false;
                data.Append(c);
                pos++;
            }

            // A trailing lone backslash is dropped, as gobwas does.
            return data.ToString();
        }

        private string? ReadClass(out string? error)
        {
            error = null;
            bool not = false;
            if (pos < text.Length && text[pos] == '!')
            {
                not = true;
                pos++;
            }

            if (pos >= text.Length)
            {
                error = "unexpected end of input inside '['";
                return null;
            }

            // "[x-y]": a range of exactly one low and one high character.
            if (pos + 1 < text.Length && text[pos + 1] == '-')
            {
                char lo = text[pos];
                if (pos + 2 >= text.Length)
                {
                    error = "unexpected end of input inside '['";
                    return null;
                }

                char hi = text[pos + 2];
                pos += 3;
                if (pos >= text.Length)
                {
                    error = "unexpected end of input inside '['";
                    return null;
                }

                if (text[pos] != ']')
                {
                    error = "expected close range character ']'";
                    return null;
                }

                pos++;
                if (hi < lo)
                {
                    error = string.Format(CultureInfo.InvariantCulture, "hi character '{0}' should be greater than lo '{1}'", hi, lo);
                    return null;
                }

                return "[" + (not ? "^" : string.Empty) + EscapeClassChar(lo) + "-" + EscapeClassChar(hi) + "]";
            }

            string chars = ReadText(new[] { ']' });
            if (pos >= text.Length)
            {
                error = "unexpected end of input inside '['";
                return null;
            }

            pos++; // the ']'
            if (chars.Length == 0)
            {
                error = "could not parse range: empty character class";
                return null;
            }

            var cls = new StringBuilder("[");
            if (not)
            {
                cls.Append('^');
            }

            foreach (char ch in chars)
            {
                cls.Append(EscapeClassChar(ch));
            }

            return cls.Append(']').ToString();
        }

        private static string EscapeClassChar(char c) =>
            c is '\\' or ']' or '[' or '^' or '-' || char.IsControl(c) || char.IsWhiteSpace(c)
                ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)
                : c.ToString();
    }
}

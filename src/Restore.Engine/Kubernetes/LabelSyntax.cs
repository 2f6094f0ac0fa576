using System.Text.RegularExpressions;

namespace Restore.Engine.Kubernetes;

/// <summary>Kubernetes validation of label keys and values (qualified names and label values).</summary>
internal static class LabelSyntax
{
    private const string NameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string Dns1123SubdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static readonly Regex NameRegex = new("\\A" + NameFormat + "\\z", RegexOptions.CultureInvariant);
    private static readonly Regex Dns1123SubdomainRegex = new("\\A" + Dns1123SubdomainFormat + "\\z", RegexOptions.CultureInvariant);

    /// <summary>The longest allowed label value and name part of a key.</summary>
    public const int MaxNameLength = 63;

    /// <summary>The longest allowed key prefix (a DNS subdomain).</summary>
    public const int MaxPrefixLength = 253;

    /// <summary>Returns why <paramref name="key"/> is not a valid label key, or null when it is valid.</summary>
    public static string? ValidateKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "label key must not be empty";
        }

        string name = key!;
        int slash = key!.IndexOf('/');
        if (slash >= 0)
        {
            string prefix = key.Substring(0, slash);
            name = key.Substring(slash + 1);
            if (prefix.Length == 0)
            {
                return $"invalid label key \"{key}\": prefix part must be non-empty";
            }

            if (prefix.Length > MaxPrefixLength)
            {
                return $"invalid label key \"{key}\": prefix part must be no more than {MaxPrefixLength} characters";
            }

            if (!Dns1123SubdomainRegex.IsMatch(prefix))
            {
                return $"invalid label key \"{key}\": prefix part must be a lowercase DNS subdomain (e.g. 'example.com')";
            }

            if (name.IndexOf('/') >= 0)
            {
                return $"invalid label key \"{key}\": a qualified name must consist of an optional prefix and a name separated by one '/'";
            }
        }

        if (name.Length == 0)
        {
            return $"invalid label key \"{key}\": name part must be non-empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"invalid label key \"{key}\": name part must be no more than {MaxNameLength} characters";
        }

        if (!NameRegex.IsMatch(name))
        {
            return $"invalid label key \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
        }

        return null;
    }

    /// <summary>Returns why <paramref name="value"/> is not a valid label value, or null when it is valid.</summary>
    public static string? ValidateValue(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value!.Length > MaxNameLength)
        {
            return $"invalid label value \"{value}\": must be no more than {MaxNameLength} characters";
        }

        if (!NameRegex.IsMatch(value))
        {
            return $"invalid label value \"{value}\": a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
        }

        return null;
    }
}

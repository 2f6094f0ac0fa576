using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Restore.TestApiServer;

/// <summary>Object metadata validation with the real server's messages (apimachinery validation).</summary>
internal static partial class Validation
{
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string QualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    /// <summary>Validates name, labels and annotations; returns the problems (empty when valid).</summary>
    public static List<StatusCause> ValidateObjectMeta(ResourceType t, JsonObject meta, string name, bool isCreate)
    {
        var errors = new List<StatusCause>();
        if (isCreate)
        {
            if (name.Length == 0)
            {
                errors.Add(StatusCause.Required("metadata.name", "name or generateName is required"));
            }
            else
            {
                foreach (var problem in NameProblems(t.NameRule, name))
                {
                    errors.Add(StatusCause.Invalid("metadata.name", Go.Quote(name), problem));
                }
            }
        }

        if (meta["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                foreach (var problem in QualifiedNameProblems(key))
                {
                    errors.Add(StatusCause.Invalid("metadata.labels", Go.Quote(key), problem));
                }

                var text = Json.Str(value);
                if (text is null)
                {
                    errors.Add(StatusCause.Invalid($"metadata.labels[{key}]", "null", "label values must be strings"));
                }
                else if (text.Length > 63)
                {
                    errors.Add(StatusCause.Invalid("metadata.labels", Go.Quote(text), "must be no more than 63 characters"));
                }
                else if (text.Length > 0 && !LabelValue().IsMatch(text))
                {
                    errors.Add(StatusCause.Invalid("metadata.labels", Go.Quote(text), LabelValueMessage));
                }
            }
        }

        if (meta["annotations"] is JsonObject annotations)
        {
            foreach (var (key, _) in annotations)
            {
                foreach (var problem in QualifiedNameProblems(key))
                {
                    errors.Add(StatusCause.Invalid("metadata.annotations", Go.Quote(key), problem));
                }
            }
        }

        return errors;
    }

    /// <summary>The problems with <paramref name="name"/> under <paramref name="rule"/>.</summary>
    public static IEnumerable<string> NameProblems(NameRule rule, string name)
    {
        switch (rule)
        {
            case NameRule.PathSegment:
                if (name is "." or "..")
                {
                    yield return $"may not be '{name}'";
                }

                if (name.Contains('/', System.StringComparison.Ordinal))
                {
                    yield return "may not contain '/'";
                }

                if (name.Contains('%', System.StringComparison.Ordinal))
                {
                    yield return "may not contain '%'";
                }

                break;
            case NameRule.Label:
                if (name.Length > 63)
                {
                    yield return "must be no more than 63 characters";
                }

                if (!Label().IsMatch(name))
                {
                    yield return LabelMessage;
                }

                break;
            case NameRule.Dns1035Label:
                if (name.Length > 63)
                {
                    yield return "must be no more than 63 characters";
                }

                if (!Dns1035().IsMatch(name))
                {
                    yield return Dns1035Message;
                }

                break;
            default:
                if (name.Length > 253)
                {
                    yield return "must be no more than 253 characters";
                }

                if (!Subdomain().IsMatch(name))
                {
                    yield return SubdomainMessage;
                }

                break;
        }
    }

    private static IEnumerable<string> QualifiedNameProblems(string key)
    {
        var slash = key.IndexOf('/', System.StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0)
            {
                yield return "prefix part must be non-empty";
            }
            else if (prefix.Length > 253 || !Subdomain().IsMatch(prefix))
            {
                yield return "prefix part " + SubdomainMessage;
            }
        }

        if (name.Length == 0)
        {
            yield return "name part must be non-empty";
        }
        else
        {
            if (name.Length > 63)
            {
                yield return "name part must be no more than 63 characters";
            }

            if (!LabelValue().IsMatch(name))
            {
                yield return QualifiedNameMessage;
            }
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex LabelValue();
}

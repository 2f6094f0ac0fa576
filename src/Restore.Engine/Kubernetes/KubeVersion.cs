using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Restore.Engine.Kubernetes;

/// <summary>
/// Kubernetes API version priority (<c>v2</c> &gt; <c>v1</c> &gt; <c>v1beta2</c> &gt; <c>v1beta1</c> &gt; <c>v1alpha1</c>),
/// the order discovery and Velero's API group version choice use (docs/velero-compatibility.md#api-group-versions).
/// </summary>
internal static class KubeVersion
{
    private static readonly Regex Pattern = new(@"^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Positive when <paramref name="a"/> has higher priority than <paramref name="b"/>. GA beats beta beats
    /// alpha, then the higher major, then the higher minor; versions not in Kubernetes form come last, in
    /// ordinal order.
    /// </summary>
    public static int Compare(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }

        var pa = Parse(a);
        var pb = Parse(b);
        if (pa is null && pb is null)
        {
            return string.CompareOrdinal(b, a);
        }

        if (pa is null)
        {
            return -1;
        }

        if (pb is null)
        {
            return 1;
        }

        if (pa.Value.Stability != pb.Value.Stability)
        {
            return pa.Value.Stability - pb.Value.Stability;
        }

        if (pa.Value.Major != pb.Value.Major)
        {
            return pa.Value.Major.CompareTo(pb.Value.Major);
        }

        return pa.Value.Minor.CompareTo(pb.Value.Minor);
    }

    /// <summary>True for a version in Kubernetes form: <c>v1</c>, <c>v2beta1</c>, <c>v1alpha2</c>.</summary>
    public static bool IsKubeVersion(string version) => Parse(version) is not null;

    /// <summary>The versions sorted highest priority first (stable for equal entries).</summary>
    public static IReadOnlyList<string> Sort(IEnumerable<string> versions) =>
        versions.Select((v, i) => (v, i)).OrderBy(x => x, Comparer<(string V, int I)>.Create((x, y) =>
        {
            var c = Compare(y.V, x.V);
            return c != 0 ? c : x.I.CompareTo(y.I);
        })).Select(x => x.v).ToArray();

    private static (int Stability, long Major, long Minor)? Parse(string v)
    {
        var m = Pattern.Match(v ?? string.Empty);
        if (!m.Success)
        {
            return null;
        }

        var major = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var stability = m.Groups[2].Value switch { "alpha" => 0, "beta" => 1, _ => 2 };
        var minor = m.Groups[3].Success && m.Groups[3].Value.Length > 0 ? long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (stability, major, minor);
    }
}

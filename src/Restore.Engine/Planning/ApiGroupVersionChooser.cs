using System;
using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Archive;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;

namespace Restore.Engine.Planning;

/// <summary>The API version chosen for one group-resource and the backup directory its items are read from.</summary>
internal sealed class ChosenGroupVersion
{
    /// <summary>Creates a choice.</summary>
    public ChosenGroupVersion(string group, string version, string directory, int rule)
    {
        Group = group;
        Version = version;
        Directory = directory;
        Rule = rule;
    }

    /// <summary>API group; empty for the core group.</summary>
    public string Group { get; }

    /// <summary>Chosen version, such as <c>v2</c>.</summary>
    public string Version { get; }

    /// <summary>Directory under <c>resources/&lt;GR&gt;/</c>: the version, plus <c>-preferredversion</c> for the source's preferred one.</summary>
    public string Directory { get; }

    /// <summary>The rule of docs/velero-compatibility.md#api-group-versions that chose it (0 user priority … 4 source preferred); -1 when the target does not serve the group.</summary>
    public int Rule { get; }
}

/// <summary>
/// Velero's API group version choice on restore (docs/velero-compatibility.md#api-group-versions, <c>EnableAPIGroupVersions</c>). Applies only when
/// the backup's <c>status.formatVersion</c> is at least <c>1.1.0</c>, compared as strings.
/// </summary>
internal static class ApiGroupVersionChooser
{
    /// <summary>The directory suffix of the source's preferred version.</summary>
    public const string PreferredSuffix = "-preferredversion";

    /// <summary>True when the choice applies to a backup with this format version (string comparison, like Velero).</summary>
    public static bool AppliesTo(string? backupFormatVersion) =>
        string.CompareOrdinal(backupFormatVersion ?? string.Empty, "1.1.0") >= 0;

    /// <summary>
    /// Chooses a version for every group-resource of the backup that has version directories.
    /// Group-resources without any (older backups) are left out and read from the unversioned path,
    /// where Velero would look for a <c>-preferredversion</c> directory that does not exist.
    /// </summary>
    /// <param name="contents">The backup.</param>
    /// <param name="target">Served versions of the target cluster.</param>
    /// <param name="userPriorities">Group-resource to versions in preference order (rule 0); may be null.</param>
    /// <param name="log">Where each choice is logged.</param>
    public static IReadOnlyDictionary<string, ChosenGroupVersion> Choose(BackupContents contents, IResourceCatalog target, IReadOnlyDictionary<string, List<string>>? userPriorities, IEngineLog? log = null)
    {
        if (contents is null)
        {
            throw new ArgumentNullException(nameof(contents));
        }

        if (target is null)
        {
            throw new ArgumentNullException(nameof(target));
        }

        log ??= NullEngineLog.Instance;
        var chosen = new Dictionary<string, ChosenGroupVersion>(StringComparer.Ordinal);
        foreach (var gr in contents.GroupResources)
        {
            var dirs = contents.GetVersionDirectories(gr);
            var preferredDir = dirs.FirstOrDefault(d => d.EndsWith(PreferredSuffix, StringComparison.Ordinal));
            if (preferredDir is null)
            {
                continue;
            }

            var dot = gr.IndexOf('.');
            var group = dot < 0 ? string.Empty : gr.Substring(dot + 1);
            var sourcePreferred = preferredDir.Substring(0, preferredDir.Length - PreferredSuffix.Length);
            var source = KubeVersion.Sort(dirs.Select(d => d.EndsWith(PreferredSuffix, StringComparison.Ordinal) ? d.Substring(0, d.Length - PreferredSuffix.Length) : d));
            var served = target.GetServedVersions(group);
            var choice = Choose(group, sourcePreferred, source, served, userPriorities is not null && userPriorities.TryGetValue(gr, out var user) ? user : null);
            log.Debug($"Chose {(group.Length == 0 ? choice.Version : group + "/" + choice.Version)} API group version to restore", ("resource", gr), ("rule", choice.Rule.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            chosen[gr] = choice;
        }

        return chosen;
    }

    /// <summary>The rules of docs/velero-compatibility.md#api-group-versions for one group-resource.</summary>
    /// <param name="group">API group.</param>
    /// <param name="sourcePreferred">The backup cluster's preferred version.</param>
    /// <param name="sourceVersions">Versions in the backup, priority-sorted.</param>
    /// <param name="targetServed">Versions the target serves, its preferred version first.</param>
    /// <param name="userVersions">User priority versions for this group-resource, or null.</param>
    public static ChosenGroupVersion Choose(string group, string sourcePreferred, IReadOnlyList<string> sourceVersions, IReadOnlyList<string> targetServed, IReadOnlyList<string>? userVersions)
    {
        ChosenGroupVersion Pick(string version, int rule) =>
            new(group, version, version == sourcePreferred ? version + PreferredSuffix : version, rule);

        if (targetServed.Count == 0)
        {
            return new ChosenGroupVersion(group, sourcePreferred, sourcePreferred + PreferredSuffix, -1);
        }

        var targetPreferred = targetServed[0];
        var target = KubeVersion.Sort(targetServed);
        if (userVersions is not null)
        {
            var user = userVersions.FirstOrDefault(v => target.Contains(v) && sourceVersions.Contains(v));
            if (user is not null)
            {
                return Pick(user, 0);
            }
        }

        if (sourceVersions.Contains(targetPreferred))
        {
            return Pick(targetPreferred, 1);
        }

        if (target.Contains(sourcePreferred))
        {
            return Pick(sourcePreferred, 2);
        }

        // Rule 3 skips the first entry of both sorted lists, exactly as Velero does.
        foreach (var tv in target.Skip(1))
        {
            if (sourceVersions.Skip(1).Contains(tv))
            {
                return new ChosenGroupVersion(group, tv, tv, 3);
            }
        }

        return new ChosenGroupVersion(group, sourcePreferred, sourcePreferred + PreferredSuffix, 4);
    }

    /// <summary>The words for a rule number of <see cref="ChosenGroupVersion.Rule"/>, for plans and logs.</summary>
    public static string DescribeRule(int rule) => rule switch
    {
        0 => "rule 0: the user priority (-ApiGroupVersionPriority or the enableapigroupversions ConfigMap)",
        1 => "rule 1: the target cluster's preferred version",
        2 => "rule 2: the backup cluster's preferred version, which the target serves",
        3 => "rule 3: a version both clusters have",
        4 => "rule 4: no common version, the backup cluster's preferred version",
        _ => "the target cluster does not serve the group; the backup cluster's preferred version",
    };

    /// <summary>
    /// Parses the <c>restoreResourcesVersionPriority</c> value of Velero's <c>enableapigroupversions</c> ConfigMap:
    /// one <c>&lt;GR&gt;=v1,v2</c> per line; spaces are removed and invalid lines skipped.
    /// </summary>
    public static Dictionary<string, List<string>> ParseUserPriorities(string? text)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var raw in (text ?? string.Empty).Split('\n'))
        {
            var line = raw.Replace(" ", string.Empty);
            if (line.Length == 0 || line.Count(c => c == '=') != 1)
            {
                continue;
            }

            var pair = line.Split('=');
            if (pair[0].Length == 0 || pair[1].Length == 0)
            {
                continue;
            }

            result[pair[0]] = pair[1].Split(',').ToList();
        }

        return result;
    }
}

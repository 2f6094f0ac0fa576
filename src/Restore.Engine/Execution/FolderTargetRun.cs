using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Actions;
using Restore.Engine.Common;
using Restore.Engine.Kubernetes;
using Restore.Engine.Planning;
using Restore.Engine.Records;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>
/// Restores into a folder: one YAML file per object the plan would send, laid out so that
/// <c>kubectl apply -f &lt;folder&gt; --recursive</c> (which walks directories in lexical order) applies them in restore
/// order: the CustomResourceDefinitions first, then <c>NNN-namespaces/</c>, then one <c>NNN-&lt;resource&gt;/</c> folder per tier,
/// files numbered in plan order.
/// Characters Windows does not allow in file names are %-encoded. The plan uses the offline catalog (built-ins plus the
/// backup's CRDs).
/// </summary>
internal sealed class FolderTargetRun
{
    private readonly RunContext context;
    private readonly TargetState target;
    private readonly TargetSpec spec;
    private readonly RestoreHookRules hookRules;

    public FolderTargetRun(RunContext context, TargetState target, TargetSpec spec)
    {
        this.context = context;
        this.target = target;
        this.spec = spec;
        hookRules = RestoreHookRules.From(context.Prepared.PlannerSpec.Hooks);
    }

    private RunState Run => context.Run;

    public async Task RunAsync(CancellationToken ct)
    {
        Run.SetTargetPhase(target, RestorePhase.InProgress);
        Run.Report(target, force: true, "Planning");
        var request = new RestorePlanRequest(context.Backup.Contents, context.Prepared.PlannerSpec, context.Backup.Catalog)
        {
            CatalogIsLive = false,
            RestoreName = context.Prepared.Name,
            BackupFormatVersion = context.Prepared.Backup.FormatVersion,
            BackupVolumes = context.Backup.Volumes,
            RestoreUid = context.RestoreUid,
            ResourceModifiers = spec.Modifiers,
            IncludeExcludedItems = false,
            Log = new DropFieldLog(target.Log, "restore"),
        };
        var plan = await Task.Run(() => new RestorePlanner().Plan(request, ct), ct).ConfigureAwait(false);
        if (plan.FailedValidation)
        {
            var reason = "the restore is not valid: " + string.Join("; ", plan.ValidationErrors);
            target.FailureReason = reason;
            target.Failure = TargetFailure.Invalid;
            Run.Error(target, new ResultMessage(ResultBucket.Velero, string.Empty, reason));
            Run.SetTargetPhase(target, RestorePhase.Failed, reason);
            return;
        }

        var items = RunContext.OutcomeItems(plan);
        target.Total = items.Count;
        Run.Planned(items);
        Run.Changed();
        context.TakePlanResults(target, plan);
        var layout = new FolderLayout(spec.Folder!, plan);
        target.Log.Info($"Writing {plan.Summary.ToCreate} objects and {plan.Summary.NamespacesToEnsure} namespaces into the folder {spec.Folder}");
        await BoundedParallel.ForEachAsync(items, context.Parallel, (item, token) => WriteAsync(item, layout, token), ct).ConfigureAwait(false);

        var errors = target.Results.Errors;
        if (errors == 0)
        {
            Run.SetTargetPhase(target, RestorePhase.Completed);
        }
        else
        {
            var reason = RestoreRun.Summarize(errors, target.Results.FirstErrors(3));
            target.FailureReason = reason;
            Run.SetTargetPhase(target, RestorePhase.PartiallyFailed, reason);
        }
    }

    /// <summary>A folder restore starts no pod, so exec hooks cannot run (docs/velero-compatibility.md#restore-hooks): one warning per hook.</summary>
    private void WarnExecHooksNotRun(PlannedItem item)
    {
        var pod = item.ParseObject();
        if (pod is null)
        {
            return;
        }

        foreach (var hook in hookRules.ExecHooks(pod))
        {
            Run.Warning(target, ResultMessage.ForItem(
                item.TargetNamespace,
                $"post-restore exec {hook.Describe()} not run for pod {item.TargetNamespace}/{item.TargetName}: a restore into a folder starts no pods; run it after applying the manifests"));
        }
    }

    private Task WriteAsync(PlannedItem item, FolderLayout layout, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (item.Decision != PlanDecision.Create)
        {
            Run.Finish(target, item, item.PlannedOutcome, item.ResourceListAction is not null, item.Reason, ItemFailure.Planning, item.PlannedListAction);
            return Task.CompletedTask;
        }

        target.CurrentTier = item.IsNamespace ? "namespaces" : item.TierName;
        string path;
        try
        {
            path = layout.PathFor(item);
            var yaml = ManifestYaml.Write(FolderObject.Build(item));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, yaml, new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException or JsonException or ArgumentException)
        {
            // One item that cannot be written fails alone, named by its file (docs/velero-compatibility.md#undecodable-items).
            var text = ex is JsonException or ArgumentException
                ? $"error decoding \"{item.Path}\": {ex.Message}"
                : $"error restoring {item.ResourceId}: {ex.Message}";
            Run.Error(target, ResultMessage.ForItem(item.TargetNamespace, text));
            Run.Finish(target, item, ItemRestoreAction.Failed, listed: item.ResourceListAction is not null && !item.IsNamespace, text);
            return Task.CompletedTask;
        }

        if (item.TargetGroupResource == "pods")
        {
            WarnExecHooksNotRun(item);
        }

        var message = "written to " + layout.Relative(path);
        var note = item.Errors.FirstOrDefault()?.Text ?? item.Warnings.FirstOrDefault()?.Text ?? item.Notes.FirstOrDefault();
        Run.Finish(target, item, ItemRestoreAction.Created, listed: item.ResourceListAction is not null, note is null ? message : message + "; " + note);
        return Task.CompletedTask;
    }
}

/// <summary>File names for a folder restore, ordered as the plan and safe on Windows and Linux.</summary>
internal sealed class FolderLayout
{
    private const int MaxComponent = 120;
    private static readonly HashSet<string> ReservedWindowsNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    private readonly string root;
    private readonly string rootWithSeparator;
    private readonly int tierWidth;
    private readonly int orderWidth;
    private readonly int crdTiers;

    public FolderLayout(string root, RestorePlan plan)
    {
        this.root = Path.GetFullPath(root);
        rootWithSeparator = this.root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? this.root : this.root + Path.DirectorySeparatorChar;
        tierWidth = Math.Max(3, (plan.Tiers.Count + 1).ToString(CultureInfo.InvariantCulture).Length);
        orderWidth = Math.Max(4, (plan.Items.Count + 1).ToString(CultureInfo.InvariantCulture).Length);

        // The CRD pass comes first, before any namespace, as in a cluster restore (docs/velero-compatibility.md#folder-target).
        crdTiers = plan.Tiers.TakeWhile(t => t.PriorityGroup == PriorityGroup.CustomResourceDefinitions).Count();
    }

    /// <summary>
    /// The CRD pass's folders first (<c>000-customresourcedefinitions.apiextensions.k8s.io/</c>), then
    /// <c>NNN-namespaces/&lt;order&gt;-&lt;name&gt;.yaml</c>, then one <c>NNN-&lt;resource&gt;/&lt;order&gt;-&lt;kind&gt;-[&lt;namespace&gt;-]&lt;name&gt;.yaml</c>
    /// folder per later tier; <c>000-namespaces/</c> when the restore has no CRDs. Throws
    /// <see cref="InvalidOperationException"/> if the path would leave the folder.
    /// </summary>
    public string PathFor(PlannedItem item)
    {
        var order = item.Order.ToString(CultureInfo.InvariantCulture).PadLeft(orderWidth, '0');
        string directory;
        string file;
        if (item.IsNamespace)
        {
            directory = crdTiers.ToString(CultureInfo.InvariantCulture).PadLeft(tierWidth, '0') + "-namespaces";
            file = order + "-" + Encode(item.TargetName);
        }
        else
        {
            var slot = item.TierIndex < 0 ? 0 : item.TierIndex < crdTiers ? item.TierIndex : item.TierIndex + 1;
            var tier = slot.ToString(CultureInfo.InvariantCulture).PadLeft(tierWidth, '0');
            directory = tier + "-" + Encode(item.TierName.Length == 0 ? item.TargetGroupResource : item.TierName);
            var kind = Encode((item.Kind.Length == 0 ? item.TargetGroupResource : item.Kind).ToLowerInvariant());
            file = order + "-" + kind + "-" + (item.TargetNamespace.Length == 0 ? string.Empty : Encode(item.TargetNamespace) + "-") + Encode(item.TargetName);
        }

        var path = Path.GetFullPath(Path.Combine(root, directory, Shorten(file) + ".yaml"));
        if (!path.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"refusing to write '{path}', which is outside the folder {root}");
        }

        return path;
    }

    public string Relative(string path) => path.StartsWith(rootWithSeparator, StringComparison.Ordinal) ? path.Substring(rootWithSeparator.Length).Replace('\\', '/') : path;

    /// <summary>
    /// %-encodes what Windows or a path would not take: <c>&lt;&gt;:"/\|?*%</c>, control characters, a leading dot and
    /// reserved device names. Kubernetes names never contain '%', so the encoding cannot collide with a real name.
    /// </summary>
    internal static string Encode(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "%00";
        }

        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var unsafeChar = c < 0x20 || c == 0x7f || "<>:\"/\\|?*%".IndexOf(c) >= 0 || (i == 0 && c == '.');
            if (unsafeChar)
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb.Append(c);
            }
        }

        var encoded = sb.ToString();
        var stem = encoded.Split('.')[0];
        if (ReservedWindowsNames.Contains(stem))
        {
            encoded = "%" + ((int)encoded[0]).ToString("X2", CultureInfo.InvariantCulture) + encoded.Substring(1);
        }

        return encoded;
    }

    /// <summary>Keeps file names within common limits; a long name keeps its start and gets a hash of the whole.</summary>
    private static string Shorten(string file)
    {
        if (file.Length <= MaxComponent)
        {
            return file;
        }

        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(file));
        var hex = string.Concat(hash.Take(4).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return file.Substring(0, MaxComponent - 9) + "~" + hex;
    }
}

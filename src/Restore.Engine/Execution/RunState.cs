using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Restore.Engine.Common;
using Restore.Engine.Planning;
using Restore.Engine.Records;
using Restore.Engine.Velero;

namespace Restore.Engine.Execution;

/// <summary>Warnings and errors of one target (or of the restore as a whole). <see cref="ResultMessages"/> is not thread-safe, so every change goes through a lock.</summary>
internal sealed class ResultSink
{
    private readonly object gate = new();
    private readonly RestoreResults results = new();
    private int warnings;
    private int errors;

    public int Warnings => Volatile.Read(ref warnings);

    public int Errors => Volatile.Read(ref errors);

    public void AddWarning(ResultMessage message)
    {
        lock (gate)
        {
            results.Warnings.Add(message);
        }

        Interlocked.Increment(ref warnings);
    }

    public void AddError(ResultMessage message)
    {
        lock (gate)
        {
            results.Errors.Add(message);
        }

        Interlocked.Increment(ref errors);
    }

    /// <summary>A copy of the messages so far, each text prefixed with <paramref name="prefix"/> when given.</summary>
    public RestoreResults Snapshot(string? prefix = null)
    {
        var copy = new RestoreResults();
        lock (gate)
        {
            foreach (var m in results.Warnings.All())
            {
                copy.Warnings.Add(Prefixed(m, prefix));
            }

            foreach (var m in results.Errors.All())
            {
                copy.Errors.Add(Prefixed(m, prefix));
            }
        }

        return copy;
    }

    /// <summary>The first few error texts, for a failure reason.</summary>
    public IReadOnlyList<string> FirstErrors(int count)
    {
        lock (gate)
        {
            return results.Errors.All().Take(count).Select(m => m.ToString()).ToList();
        }
    }

    private static ResultMessage Prefixed(ResultMessage m, string? prefix) =>
        prefix is null ? m : new ResultMessage(m.Bucket, m.Namespace, prefix + m.Text);
}

/// <summary>Items planned and done in one namespace, over all targets.</summary>
internal sealed class NamespaceCounter
{
    private int done;
    private int total;

    public int Done => Volatile.Read(ref done);

    public int Total => Volatile.Read(ref total);

    public void AddDone() => Interlocked.Increment(ref done);

    public void AddTotal() => Interlocked.Increment(ref total);
}

/// <summary>A log that adds one field (the target) to every entry, so the lines of parallel targets can be told apart.</summary>
internal sealed class FieldLog : IEngineLog
{
    private readonly IEngineLog inner;
    private readonly KeyValuePair<string, string> field;

    public FieldLog(IEngineLog inner, string key, string value)
    {
        this.inner = inner;
        field = new KeyValuePair<string, string>(key, value);
    }

    public void Write(EngineLogEntry entry)
    {
        var fields = new KeyValuePair<string, string>[entry.Fields.Count + 1];
        for (var i = 0; i < entry.Fields.Count; i++)
        {
            fields[i] = entry.Fields[i];
        }

        fields[fields.Length - 1] = field;
        inner.Write(new EngineLogEntry(entry.Time, entry.Level, entry.Message, fields));
    }
}

/// <summary>
/// Drops one field from every entry. The planner names the restore in a <c>restore</c> field of its own; the restore
/// log already stamps <c>restore=&lt;namespace&gt;/&lt;name&gt;</c> on every line, as Velero does.
/// </summary>
internal sealed class DropFieldLog : IEngineLog
{
    private readonly IEngineLog inner;
    private readonly string key;

    public DropFieldLog(IEngineLog inner, string key)
    {
        this.inner = inner;
        this.key = key;
    }

    public void Write(EngineLogEntry entry)
    {
        if (!entry.Fields.Any(f => f.Key == key))
        {
            inner.Write(entry);
            return;
        }

        inner.Write(new EngineLogEntry(entry.Time, entry.Level, entry.Message, entry.Fields.Where(f => f.Key != key).ToArray()));
    }
}

/// <summary>The live state of one target: its record entry, results, counters and progress.</summary>
internal sealed class TargetState
{
    private int done;
    private int total;
    private int lastProgressTick;

    public TargetState(RunTarget info, RestoreTargetStatus status, IEngineLog log)
    {
        Info = info;
        Status = status;
        Log = log;
    }

    public RunTarget Info { get; }

    /// <summary>This target's entry in the record; change it only under <see cref="RunState.RecordGate"/>.</summary>
    public RestoreTargetStatus Status { get; }

    public ResultSink Results { get; } = new();

    public IEngineLog Log { get; }

    public int Done => Volatile.Read(ref done);

    public int Total
    {
        get => Volatile.Read(ref total);
        set => Volatile.Write(ref total, value);
    }

    public string? CurrentTier { get; set; }

    public string? CurrentNamespace { get; set; }

    /// <summary>Set when the target could not run to the end (connection, discovery, planning).</summary>
    public string? FailureReason { get; set; }

    /// <summary>Why the target could not run, as data (set with <see cref="FailureReason"/> when the target ends Failed).</summary>
    public TargetFailure? Failure { get; set; }

    /// <summary>Set once the target stopped because the run was canceled or timed out.</summary>
    public bool Stopped { get; set; }

    /// <summary>Requests the target's cluster client sent again after a transient failure; null before it connected (and for folders).</summary>
    public Func<int>? RetryCount { get; set; }

    public int IncrementDone() => Interlocked.Increment(ref done);

    /// <summary>True at most every 100 ms (per target), so progress reports do not flood the caller.</summary>
    public bool ProgressDue()
    {
        var now = Environment.TickCount;
        var last = Volatile.Read(ref lastProgressTick);
        return unchecked(now - last) >= 100 && Interlocked.CompareExchange(ref lastProgressTick, now, last) == last;
    }
}

/// <summary>
/// Everything a running restore shares between its targets, items and the record flusher: the record, the log, the
/// resource list, the item outcomes and the warnings and errors. Thread-safe.
/// </summary>
internal sealed class RunState
{
    private readonly ConcurrentQueue<RestoreItemOutcome> outcomes = new();
    private readonly ConcurrentDictionary<string, NamespaceCounter> namespaces = new(StringComparer.Ordinal);
    private readonly IProgress<RunProgress>? progress;
    private readonly Action<RestoreItemOutcome>? onItem;
    private int version;
    private int callbackFailed;

    public RunState(RestoreRecord record, RestoreLogBuffer log, IProgress<RunProgress>? progress, Action<RestoreItemOutcome>? onItem)
    {
        Record = record;
        Log = log;
        this.progress = progress;
        this.onItem = onItem;
    }

    public RestoreRecord Record { get; }

    public object RecordGate { get; } = new();

    public RestoreLogBuffer Log { get; }

    public RestoredResourceList ResourceList { get; } = new();

    /// <summary>Restore-wide warnings and errors (backup extraction, storage), outside any target.</summary>
    public ResultSink Global { get; } = new();

    /// <summary>Exec hook counts over all targets (docs/velero-compatibility.md#restore-hooks).</summary>
    public HookCounter Hooks { get; } = new();

    public List<TargetState> Targets { get; } = new();

    public bool MultiTarget => Targets.Count > 1;

    /// <summary>Grows whenever something the record shows changes; the flusher writes only when it moved.</summary>
    public int Version => Volatile.Read(ref version);

    public IReadOnlyCollection<RestoreItemOutcome> Outcomes => outcomes;

    public void Changed() => Interlocked.Increment(ref version);

    public void SetTargetPhase(TargetState target, string phase, string? reason = null)
    {
        lock (RecordGate)
        {
            target.Status.Phase = phase;
            if (reason is not null)
            {
                target.Status.FailureReason = reason;
            }
        }

        Changed();
        Report(target, force: true, phase);
    }

    public void AddCreatedBy(string identity)
    {
        lock (RecordGate)
        {
            var known = string.IsNullOrEmpty(Record.CreatedBy) ? Array.Empty<string>() : Record.CreatedBy!.Split(new[] { ", " }, StringSplitOptions.None);
            if (!known.Contains(identity, StringComparer.Ordinal))
            {
                Record.CreatedBy = string.Join(", ", known.Concat(new[] { identity }));
            }
        }

        Changed();
    }

    /// <summary>Adds a warning to the target's results and writes it to the log.</summary>
    public void Warning(TargetState target, ResultMessage message)
    {
        target.Results.AddWarning(message);
        Write(target.Log, EngineLogLevel.Warning, message);
        Changed();
    }

    /// <summary>Adds an error to the target's results and writes it to the log.</summary>
    public void Error(TargetState target, ResultMessage message)
    {
        target.Results.AddError(message);
        Write(target.Log, EngineLogLevel.Error, message);
        Changed();
    }

    /// <summary>
    /// Records the end of one item: the resource list entry (when Velero would list it), the outcome row, the
    /// counters, a log line and a progress report. <paramref name="listedAs"/> is the resource-list action when
    /// Velero's differs from the outcome (an item with only warnings is Skipped here and listed failed there).
    /// </summary>
    public void Finish(TargetState target, PlannedItem item, string action, bool listed, string? message, ItemFailure failure = ItemFailure.Other, string? listedAs = null)
    {
        var name = item.TargetName;
        if (listed)
        {
            ResourceList.Add(item.ResourceListKey, item.TargetNamespace, name, listedAs ?? action);
        }

        var outcome = new RestoreItemOutcome
        {
            Target = target.Info.Name,
            Resource = item.TargetGroupResource,
            ApiVersion = item.ApiVersion,
            Kind = item.Kind,
            Namespace = item.TargetNamespace,
            Name = name,
            SourceNamespace = item.SourceNamespace.Length > 0 && item.SourceNamespace != item.TargetNamespace ? item.SourceNamespace : null,
            Action = action,
            Message = message,
            Failure = action != ItemRestoreAction.Failed ? ItemFailure.None : failure == ItemFailure.None ? ItemFailure.Other : failure,
        };
        outcomes.Enqueue(outcome);
        Namespace(item.TargetNamespace).AddDone();
        var done = target.IncrementDone();
        target.CurrentNamespace = item.TargetNamespace.Length > 0 ? item.TargetNamespace : target.CurrentNamespace;
        target.Log.Info(
            $"Restored {done.ToString(CultureInfo.InvariantCulture)} items out of an estimated total of {target.Total.ToString(CultureInfo.InvariantCulture)} (estimate will change throughout the restore)",
            ("action", RestoredResourceList.ActionName(action)),
            ("name", name),
            ("namespace", item.TargetNamespace),
            ("progress", string.Empty),
            ("resource", item.TargetGroupResource));
        Changed();
        if (onItem is not null)
        {
            try
            {
                onItem(outcome);
            }
            catch (Exception ex) when (Interlocked.Exchange(ref callbackFailed, 1) == 0)
            {
                // The caller's callback is not part of the restore: note it once and go on.
                Log.Warning("The item callback failed; the restore goes on: " + ex.Message);
            }
            catch (Exception)
            {
                // Already reported once.
            }
        }

        Report(target, force: false, RestorePhase.InProgress);
    }

    /// <summary>Counts an item that will get an outcome in its namespace's total (per-namespace progress).</summary>
    public void Planned(PlannedItem item) => Namespace(item.TargetNamespace).AddTotal();

    /// <summary>Counts items that will get an outcome in their namespaces' totals.</summary>
    public void Planned(IEnumerable<PlannedItem> items)
    {
        foreach (var item in items)
        {
            Planned(item);
        }
    }

    /// <summary>Reports the target's progress (at most every 100 ms unless forced).</summary>
    public void Report(TargetState target, bool force, string phase)
    {
        if (progress is null || (!force && !target.ProgressDue()))
        {
            return;
        }

        progress.Report(new RunProgress
        {
            Target = target.Info.Name,
            Phase = phase,
            ItemsDone = target.Done,
            TotalItems = target.Total,
            CurrentTier = target.CurrentTier,
            CurrentNamespace = target.CurrentNamespace,
        });
    }

    /// <summary>Brings the record's counters up to date and returns a copy safe to serialize outside the lock.</summary>
    public RestoreRecord SnapshotRecord()
    {
        lock (RecordGate)
        {
            UpdateCounts();
            Record.LastUpdateTimestamp = DateTimeOffset.UtcNow;
            return RestoreRecord.FromJson(Record.ToJson());
        }
    }

    /// <summary>Copies the counters into the record (call under <see cref="RecordGate"/>).</summary>
    public void UpdateCounts()
    {
        var warnings = Global.Warnings;
        var errors = Global.Errors;
        var done = 0;
        var total = 0;
        foreach (var t in Targets)
        {
            t.Status.ItemsRestored = t.Done;
            t.Status.TotalItems = t.Total;
            t.Status.Warnings = t.Results.Warnings;
            t.Status.Errors = t.Results.Errors;
            warnings += t.Results.Warnings;
            errors += t.Results.Errors;
            done += t.Done;
            total += t.Total;
        }

        Record.Warnings = warnings;
        Record.Errors = errors;
        Record.HooksAttempted = Hooks.Attempted;
        Record.HooksFailed = Hooks.Failed;
        Record.ItemsRestored = done;
        Record.TotalItems = total;
        Record.Retries = Targets.Sum(t => t.RetryCount?.Invoke() ?? 0);
        foreach (var pair in namespaces)
        {
            Record.Namespaces[pair.Key] = new NamespaceProgress { Done = pair.Value.Done, Total = Math.Max(pair.Value.Done, pair.Value.Total) };
        }
    }

    private NamespaceCounter Namespace(string name) => namespaces.GetOrAdd(name, _ => new NamespaceCounter());

    /// <summary>All warnings and errors: restore-wide first, then each target's (prefixed with its name when there are several).</summary>
    public RestoreResults MergedResults()
    {
        var merged = Global.Snapshot();
        foreach (var t in Targets)
        {
            var part = t.Results.Snapshot(MultiTarget ? t.Info.Name + ": " : null);
            merged.Warnings.Merge(part.Warnings);
            merged.Errors.Merge(part.Errors);
        }

        return merged;
    }

    /// <summary>The summary line Velero writes for a message before <c>restore completed</c> (docs/velero-compatibility.md#restore-log).</summary>
    public static string SummaryLine(ResultMessage m, string level) => m.Bucket switch
    {
        ResultBucket.Velero => $"Velero restore {level}: {m.Text}",
        ResultBucket.Cluster => $"Cluster resource restore {level}: {m.Text}",
        _ => $"Namespace {m.Namespace}, resource restore {level}: {m.Text}",
    };

    private static void Write(IEngineLog log, EngineLogLevel level, ResultMessage m)
    {
        var fields = m.Bucket == ResultBucket.Namespace
            ? new[] { new KeyValuePair<string, string>("namespace", m.Namespace) }
            : Array.Empty<KeyValuePair<string, string>>();
        log.Write(new EngineLogEntry(DateTimeOffset.UtcNow, level, m.Text, fields));
    }
}

using System;
using System.Collections.Generic;
using Restore.Engine.Common;

namespace Restore.Engine.Api;

/// <summary>
/// One line of a restore log (docs/velero-compatibility.md#restore-log), parsed: Velero's text layout (<c>time="…" level=info msg="…" key=value</c>)
/// or its JSON layout. A line that is in neither layout keeps its text as <see cref="Message"/> with level info.
/// </summary>
public sealed class RestoreLogEntry
{
    /// <summary>The restore whose log this is.</summary>
    public string Restore { get; set; } = string.Empty;

    /// <summary>Line number in the log, from 1.</summary>
    public int LineNumber { get; set; }

    /// <summary>When the entry was written (UTC); null for a line that could not be parsed.</summary>
    public DateTime? Time { get; set; }

    /// <summary>
    /// Severity: Trace, Debug, Info, Warning or Error (Velero's <c>fatal</c> and <c>panic</c> read as Error). The
    /// word, not the enum, so that ConvertTo-Json writes it as text.
    /// </summary>
    public string Level => Severity.ToString();

    /// <summary>Severity as a level that orders, for -Level.</summary>
    internal EngineLogLevel Severity { get; set; } = EngineLogLevel.Info;

    /// <summary>The message (<c>msg</c>).</summary>
    public string Message { get; set; } = string.Empty;

    /// <summary>Every other field, in the order of the line (<c>logSource</c>, <c>restore</c>, <c>namespace</c>…).</summary>
    public IDictionary<string, string> Fields { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The item's namespace (field <c>namespace</c>), if the line is about an item.</summary>
    public string? Namespace { get; set; }

    /// <summary>The item's resource (field <c>groupResource</c>, or <c>resource</c>), if the line is about an item.</summary>
    public string? Resource { get; set; }

    /// <summary>The item's name (field <c>original name</c>, or <c>name</c>), if the line is about an item.</summary>
    public string? ItemName { get; set; }

    /// <summary>The attached error (field <c>error</c>, or <c>error.message</c> in the JSON layout).</summary>
    public string? Error { get; set; }

    /// <summary>True when the line was in neither of Velero's layouts.</summary>
    public bool Unparsed { get; set; }

    /// <summary>The line as stored.</summary>
    public string Line { get; set; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => Line;
}

using System;

namespace Restore.Engine.Actions;

/// <summary>
/// Thrown by an action when an item cannot be prepared for restore. The planner records it as
/// Velero does, <c>error preparing &lt;resourceID&gt;: &lt;Message&gt;</c>, and does not restore the item.
/// </summary>
internal sealed class RestoreItemActionException : Exception
{
    /// <summary>Creates the exception with a message that names the problem.</summary>
    public RestoreItemActionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public RestoreItemActionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message (prefer the other constructors).</summary>
    public RestoreItemActionException()
        : base("the item could not be prepared for restore")
    {
    }
}

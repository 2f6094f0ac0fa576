using System;
using Xunit;

namespace Restore.TestSupport;

/// <summary>
/// A fact that runs only when an external tool is present, and otherwise reports as skipped with
/// the reason, never as passed. xunit 2 has no runtime skip, so the condition is checked when the
/// attribute is created during discovery.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public class ToolFactAttribute : FactAttribute
{
    /// <summary>Skips unless <paramref name="tool"/> is found on PATH or through <paramref name="overrideVariable"/>.</summary>
    public ToolFactAttribute(string tool, string? overrideVariable = null)
    {
        if (ToolLocator.Find(tool, overrideVariable) is null)
        {
            Skip = $"'{tool}' was not found on PATH" + (overrideVariable is null ? string.Empty : $" or in ${overrideVariable}") + "; install it to run this test.";
        }
    }
}

/// <summary>A theory with the same skip rule as <see cref="ToolFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public class ToolTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless <paramref name="tool"/> is found.</summary>
    public ToolTheoryAttribute(string tool, string? overrideVariable = null)
    {
        if (ToolLocator.Find(tool, overrideVariable) is null)
        {
            Skip = $"'{tool}' was not found on PATH" + (overrideVariable is null ? string.Empty : $" or in ${overrideVariable}") + "; install it to run this test.";
        }
    }
}

/// <summary>Runs only when kubectl is available (KUBECTL or PATH).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KubectlFactAttribute : ToolFactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public KubectlFactAttribute()
        : base("kubectl", "KUBECTL")
    {
    }
}

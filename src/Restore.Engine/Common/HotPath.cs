using System.Runtime.CompilerServices;

namespace Restore.Engine.Common;

/// <summary>
/// <c>MethodImplOptions.AggressiveOptimization</c>, which netstandard2.0 does not name. A restore is usually the first
/// and only command of a PowerShell session, so the byte-level loops that run once per item of a large backup would
/// otherwise spend the first seconds in unoptimised code while the runtime keeps postponing their recompilation.
/// Runtimes that do not know the flag (.NET Framework) ignore it.
/// </summary>
internal static class HotPath
{
    /// <summary>Compile the method optimised from its first call.</summary>
    public const MethodImplOptions Optimize = (MethodImplOptions)512;
}

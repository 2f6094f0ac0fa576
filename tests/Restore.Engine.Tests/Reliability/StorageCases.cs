using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Tests.Reliability;

internal static class StorageCases
{
    public static IEnumerable<ReliabilityCase> All() => Enumerable.Empty<ReliabilityCase>();
}

using System.Collections.Generic;
using System.Linq;

namespace Restore.Engine.Tests.Reliability;

internal static class SecretCases
{
    public static IEnumerable<ReliabilityCase> All() => Enumerable.Empty<ReliabilityCase>();
}

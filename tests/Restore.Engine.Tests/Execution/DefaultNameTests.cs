using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Velero;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Default restore names never collide; names the user gives are never changed (issue 15).</summary>
public class DefaultNameTests
{
    private static RestoreRequest Request(ExecutionHarness h, string? name, bool nameIsDefault) =>
        new() { Name = name, NameIsDefault = nameIsDefault, Spec = new RestoreSpec { BackupName = "b1" }, ToDirectory = h.NewFolder() };

    [Fact]
    public async Task ATakenDefaultNameGetsASuffixInVelerosShape()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 1));

        var first = await h.Engine().RunAsync(Request(h, "b1-20250101020304", nameIsDefault: true), null, null, CancellationToken.None);
        var secondRequest = Request(h, "b1-20250101020304", nameIsDefault: true);
        var second = await h.Engine().RunAsync(secondRequest, null, null, CancellationToken.None);
        var third = await h.Engine().RunAsync(Request(h, "b1-20250101020304", nameIsDefault: true), null, null, CancellationToken.None);

        Assert.Equal(new[] { "b1-20250101020304", "b1-20250101020304-2", "b1-20250101020304-3" }, new[] { first.Name, second.Name, third.Name });
        Assert.All(new[] { first, second, third }, r => Assert.Equal(RestorePhase.Completed, r.Phase));
        Assert.Equal(3, (await h.Records().ListNamesAsync(CancellationToken.None)).Count);

        // The objects carry the name the restore ended up with.
        var record = await h.Records().GetAsync("b1-20250101020304-2", CancellationToken.None);
        Assert.Equal("b1-20250101020304-2", record!.Name);
        var file = System.IO.Directory.GetFiles(secondRequest.ToDirectory!, "*-configmap-*.yaml", System.IO.SearchOption.AllDirectories).First();
        var written = Restore.Engine.Kubernetes.ManifestYaml.Parse(System.IO.File.ReadAllText(file), "test")!.AsObject();
        Assert.Equal("b1-20250101020304-2", (string?)written["metadata"]!["labels"]!["velero.io/restore-name"]);
    }

    [Fact]
    public async Task ANameTheUserGaveIsNeverChanged()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 1));
        await h.Engine().RunAsync(Request(h, "mine", nameIsDefault: false), null, null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<RestoreNameInUseException>(() => h.Engine().RunAsync(Request(h, "mine", nameIsDefault: false), null, null, CancellationToken.None));

        Assert.Equal("mine", ex.RestoreName);
    }

    [Fact]
    public async Task ConcurrentRestoresWithTheDefaultNameAllGetTheirOwn()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(K8s.ConfigMaps("b1", "shop", 20));

        // The same pinned default, as four New-Restore calls in one second would have it, plus two that choose their own.
        var runs = Enumerable.Range(0, 4).Select(_ => h.Engine().RunAsync(Request(h, "b1-20250101020304", nameIsDefault: true), null, null, CancellationToken.None))
            .Concat(Enumerable.Range(0, 2).Select(_ => h.Engine().RunAsync(Request(h, null, nameIsDefault: false), null, null, CancellationToken.None)))
            .ToList();
        var results = await Task.WhenAll(runs);

        var names = results.Select(r => r.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(results, r => Assert.Equal(RestorePhase.Completed, r.Phase));
        Assert.Equal(4, names.Count(n => Regex.IsMatch(n, "^b1-20250101020304(-[2-4])?$")));
        Assert.Equal(2, names.Count(n => Regex.IsMatch(n, @"^b1-\d{14}(-\d+)?$") && !n.StartsWith("b1-20250101020304", StringComparison.Ordinal)));
    }
}

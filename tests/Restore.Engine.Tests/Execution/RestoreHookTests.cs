using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Restore.Engine.Execution;
using Restore.Engine.Velero;
using Restore.TestApiServer;
using Restore.TestSupport;
using Xunit;

namespace Restore.Engine.Tests.Execution;

/// <summary>Restore hooks end to end against the test API server (docs/velero-compatibility.md#restore-hooks).</summary>
public class RestoreHookTests
{
    private static JsonObject Pod(string name, IEnumerable<(string Key, string Value)>? annotations = null, params string[] containers)
    {
        var meta = K8s.Meta(name, "shop", ("app", name));
        var notes = new JsonObject();
        foreach (var (key, value) in annotations ?? Array.Empty<(string, string)>())
        {
            notes[key] = value;
        }

        meta["annotations"] = notes;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray((containers.Length == 0 ? new[] { "app" } : containers).Select(c => (JsonNode?)new JsonObject { ["name"] = c, ["image"] = "busybox" }).ToArray()),
                ["initContainers"] = new JsonArray(new JsonObject { ["name"] = "own-init", ["image"] = "busybox" }),
            },
            ["status"] = new JsonObject { ["phase"] = "Running" },
        };
    }

    private static VeleroBackupBuilder Backup(params JsonObject[] pods)
    {
        var backup = new VeleroBackupBuilder("b1").AddItem("namespaces", string.Empty, "shop", K8s.Namespace("shop"));
        foreach (var pod in pods)
        {
            backup.AddItem("pods", "shop", (string)pod["metadata"]!["name"]!, pod);
        }

        return backup;
    }

    private static RestoreHooksSpec SpecHooks(params ExecRestoreHookSpec[] hooks) => new()
    {
        Resources = new List<RestoreResourceHookSpec>
        {
            new()
            {
                Name = "spec-hooks",
                IncludedNamespaces = new List<string> { "shop" },
                PostHooks = hooks.Select(h => new RestoreHookSpec { Exec = h }).ToList(),
            },
        },
    };

    private static async Task<ExecutionHarness> HarnessAsync(TimeSpan? running = null, TimeSpan? ready = null)
    {
        var h = await ExecutionHarness.CreateAsync();
        h.Server.Knobs.PodRunningDelay = running;
        h.Server.Knobs.PodReadyDelay = ready;
        return h;
    }

    [Fact]
    public async Task AnnotationHooksAddTheInitContainerAndRunTheExecHookOnceThePodRuns()
    {
        await using var h = await HarnessAsync(running: TimeSpan.FromMilliseconds(300));
        h.Server.Knobs.ExecScripts.Add(new ExecScript { Match = "migrate", Stdout = "migrated 3 tables\n", Stderr = "note: slow disk\n" });
        await h.WriteBackupAsync(Backup(Pod("db", new[]
        {
            ("init.hook.restore.velero.io/container-image", "busybox:1.36"),
            ("init.hook.restore.velero.io/container-name", "restore-hook"),
            ("init.hook.restore.velero.io/command", "[\"/bin/sh\", \"-c\", \"date\"]"),
            ("post.hook.restore.velero.io/command", "[\"/bin/sh\", \"-c\", \"migrate --all\"]"),
        })));

        var result = await h.Engine().RunAsync(h.Request("b1", "r1"), null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(1, result.Record.HooksAttempted);
        Assert.Equal(0, result.Record.HooksFailed);
        var pod = h.Server.Store.Get("pods", "shop", "db")!;
        var inits = pod["spec"]!["initContainers"]!.AsArray().Select(c => (string)c!["name"]!).ToList();
        Assert.Equal(new[] { "restore-hook", "own-init" }, inits);
        Assert.Equal("[\"/bin/sh\",\"-c\",\"date\"]", pod["spec"]!["initContainers"]![0]!["command"]!.ToJsonString());

        var exec = Assert.Single(h.Server.Knobs.ExecLog);
        Assert.Equal(("shop", "db", "app"), (exec.Namespace, exec.Pod, exec.Container));
        Assert.Equal(new[] { "/bin/sh", "-c", "migrate --all" }, exec.Command);
        var line = Assert.Single(h.Log.Entries, e => e.Message == "Exec hook succeeded");
        Assert.Contains(line.Fields, f => f.Key == "stdout" && f.Value == "migrated 3 tables");
        Assert.Contains(line.Fields, f => f.Key == "stderr" && f.Value == "note: slow disk");
        Assert.Contains(line.Fields, f => f.Key == "exitCode" && f.Value == "0");

        var stored = await h.Records().GetAsync("r1", CancellationToken.None);
        Assert.Equal(1, stored!.HooksAttempted);
        Assert.Equal("{\"hooksAttempted\":1,\"hooksFailed\":0}", stored.ToJson()["status"]!["hookStatus"]!.ToJsonString());
    }

    [Fact]
    public async Task AFailingHookWithOnErrorFailMakesTheRestorePartiallyFailedWithAnErrorForThePod()
    {
        await using var h = await HarnessAsync(running: TimeSpan.Zero);
        h.Server.Knobs.ExecScripts.Add(new ExecScript { Match = "check", Stderr = "database is down\n", ExitCode = 3 });
        await h.WriteBackupAsync(Backup(Pod("db", new[]
        {
            ("post.hook.restore.velero.io/command", "[\"check\"]"),
            ("post.hook.restore.velero.io/on-error", "Fail"),
        })));

        var result = await h.Engine().RunAsync(h.Request("b1", "r1"), null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal((1, 1), (result.Record.HooksAttempted, result.Record.HooksFailed));
        var error = Assert.Single(result.Results.Errors.Namespaces["shop"]);
        Assert.Equal("hook <from-annotation> in container app in pod shop/db failed to execute: command terminated with exit code 3", error);
        Assert.Contains(h.Log.Entries, e => e.Message == "Exec hook failed" && e.Fields.Any(f => f.Key == "stderr" && f.Value == "database is down"));
    }

    [Fact]
    public async Task AFailingHookWithOnErrorContinueIsAWarningAndTheNextHookRuns()
    {
        await using var h = await HarnessAsync(running: TimeSpan.Zero);
        h.Server.Knobs.ExecScripts.Add(new ExecScript { Match = "first", ExitCode = 1 });
        await h.WriteBackupAsync(Backup(Pod("db")));
        var request = h.Request("b1", "r1");
        request.Spec.Hooks = SpecHooks(
            new ExecRestoreHookSpec { Command = new List<string> { "first" }, OnError = "Continue" },
            new ExecRestoreHookSpec { Command = new List<string> { "second" } });

        var result = await h.Engine().RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal((2, 1), (result.Record.HooksAttempted, result.Record.HooksFailed));
        Assert.Equal(new[] { "first", "second" }, h.Server.Knobs.ExecLog.Select(e => e.Command[0]));
        Assert.Equal("hook spec-hooks in container app in pod shop/db failed to execute: command terminated with exit code 1", Assert.Single(result.Results.Warnings.Namespaces["shop"]));
    }

    [Fact]
    public async Task OnErrorFailStopsEveryHookNotYetRun()
    {
        await using var h = await HarnessAsync(running: TimeSpan.Zero);
        h.Server.Knobs.ExecScripts.Add(new ExecScript { Match = "first", ExitCode = 2 });
        await h.WriteBackupAsync(Backup(Pod("db")));
        var request = h.Request("b1", "r1");
        request.Spec.Hooks = SpecHooks(
            new ExecRestoreHookSpec { Command = new List<string> { "first" }, OnError = "Fail" },
            new ExecRestoreHookSpec { Command = new List<string> { "second" } });

        var result = await h.Engine().RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal((2, 2), (result.Record.HooksAttempted, result.Record.HooksFailed));
        Assert.Equal(new[] { "first" }, h.Server.Knobs.ExecLog.Select(e => e.Command[0]));
        Assert.Equal(
            "hook spec-hooks in container app in pod shop/db not executed: hook spec-hooks in container app in pod shop/db failed with onError Fail",
            Assert.Single(result.Results.Warnings.Namespaces["shop"]));
    }

    [Fact]
    public async Task AHookWhoseContainerNeverRunsFailsAfterItsWaitTimeout()
    {
        await using var h = await HarnessAsync(running: null);
        await h.WriteBackupAsync(Backup(Pod("db", new[]
        {
            ("post.hook.restore.velero.io/command", "[\"true\"]"),
            ("post.hook.restore.velero.io/wait-timeout", "1s"),
            ("post.hook.restore.velero.io/on-error", "Fail"),
        })));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await h.Engine().RunAsync(h.Request("b1", "r1"), null, null, CancellationToken.None);

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.Equal(RestorePhase.PartiallyFailed, result.Phase);
        Assert.Equal((1, 1), (result.Record.HooksAttempted, result.Record.HooksFailed));
        Assert.Empty(h.Server.Knobs.ExecLog);
        Assert.Equal(
            "hook <from-annotation> in container app in pod shop/db not executed: the containers did not become ready within the wait timeout (1s)",
            Assert.Single(result.Results.Errors.Namespaces["shop"]));
    }

    [Theory]
    [InlineData("Succeeded", "pod shop/job entered phase Succeeded before some post-restore exec hooks ran")]
    [InlineData("deleted", "pod shop/job was deleted before all hooks were executed")]
    public async Task APodThatEndsOrGoesBeforeItsContainerRunsEndsItsHooks(string what, string why)
    {
        await using var h = await HarnessAsync(running: null);
        await h.WriteBackupAsync(Backup(Pod("job", new[] { ("post.hook.restore.velero.io/command", "true") })));
        var ending = Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (h.Server.Store.Get("pods", "shop", "job") is { } pod)
                {
                    await Task.Delay(300);
                    if (what == "deleted")
                    {
                        h.Server.Store.Delete("pods", "shop", "job");
                    }
                    else
                    {
                        pod["status"] = new JsonObject { ["phase"] = what };
                        h.Server.Store.UpdateStatus(pod);
                    }

                    return;
                }

                await Task.Delay(20);
            }
        });

        var result = await h.Engine().RunAsync(h.Request("b1", "r1"), null, null, CancellationToken.None);
        await ending;

        Assert.Equal((1, 1), (result.Record.HooksAttempted, result.Record.HooksFailed));
        Assert.Empty(h.Server.Knobs.ExecLog);
        Assert.Equal("hook <from-annotation> in container app in pod shop/job not executed: " + why, Assert.Single(result.Results.Warnings.Namespaces["shop"]));
    }

    [Fact]
    public async Task ACommandThatOutlastsItsExecTimeoutFails()
    {
        await using var h = await HarnessAsync(running: TimeSpan.Zero);
        h.Server.Knobs.ExecScripts.Add(new ExecScript { Match = "slow", Delay = TimeSpan.FromSeconds(20) });
        await h.WriteBackupAsync(Backup(Pod("db", new[]
        {
            ("post.hook.restore.velero.io/command", "slow"),
            ("post.hook.restore.velero.io/exec-timeout", "500ms"),
        })));

        var result = await h.Engine().RunAsync(h.Request("b1", "r1"), null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal((1, 1), (result.Record.HooksAttempted, result.Record.HooksFailed));
        Assert.Equal("hook <from-annotation> in container app in pod shop/db failed to execute: timed out after 500ms", Assert.Single(result.Results.Warnings.Namespaces["shop"]));
    }

    [Fact]
    public async Task WaitForReadyWaitsForTheContainerToBeReadyNotJustRunning()
    {
        await using var h = await HarnessAsync(running: TimeSpan.Zero, ready: TimeSpan.FromMilliseconds(1500));
        await h.WriteBackupAsync(Backup(Pod("db", new[]
        {
            ("post.hook.restore.velero.io/command", "[\"echo\", \"ready\"]"),
            ("post.hook.restore.velero.io/wait-for-ready", "true"),
        })));
        var started = DateTimeOffset.UtcNow;

        var result = await h.Engine().RunAsync(h.Request("b1", "r1"), null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        var exec = Assert.Single(h.Server.Knobs.ExecLog);
        Assert.True(exec.Time - started >= TimeSpan.FromMilliseconds(1400), $"ran after {exec.Time - started}");
    }

    [Fact]
    public async Task TheAnnotationHookWinsAndSpecHooksSelectByNamespaceAndLabels()
    {
        await using var h = await HarnessAsync(running: TimeSpan.Zero);
        await h.WriteBackupAsync(Backup(
            Pod("annotated", new[] { ("post.hook.restore.velero.io/command", "[\"echo\", \"annotation\"]") }),
            Pod("web"),
            Pod("db")));
        var request = h.Request("b1", "r1");
        request.Spec.Hooks = SpecHooks(new ExecRestoreHookSpec { Command = new List<string> { "echo", "spec" } });
        request.Spec.Hooks.Resources![0].LabelSelector = new LabelSelectorSpec { MatchExpressions = new List<LabelSelectorRequirementSpec> { new() { Key = "app", Operator = "In", Values = new List<string> { "annotated", "web" } } } };

        var result = await h.Engine().RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal((2, 0), (result.Record.HooksAttempted, result.Record.HooksFailed));
        Assert.Equal(new[] { "annotated:annotation", "web:spec" }, h.Server.Knobs.ExecLog.Select(e => e.Pod + ":" + e.Command[1]).OrderBy(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public async Task AHookForAContainerThePodDoesNotHaveFails()
    {
        await using var h = await HarnessAsync(running: TimeSpan.Zero);
        await h.WriteBackupAsync(Backup(Pod("db", new[]
        {
            ("post.hook.restore.velero.io/command", "true"),
            ("post.hook.restore.velero.io/container", "sidecar"),
        })));

        var result = await h.Engine().RunAsync(h.Request("b1", "r1"), null, null, CancellationToken.None);

        Assert.Equal((1, 1), (result.Record.HooksAttempted, result.Record.HooksFailed));
        Assert.Equal("pod shop/db has no container sidecar", Assert.Single(result.Results.Warnings.Namespaces["shop"]));
    }

    [Fact]
    public async Task AFolderRestoreAddsInitContainersAndWarnsThatExecHooksDidNotRun()
    {
        await using var h = await ExecutionHarness.CreateAsync(servers: 0);
        await h.WriteBackupAsync(Backup(Pod("db", new[]
        {
            ("init.hook.restore.velero.io/container-image", "busybox"),
            ("init.hook.restore.velero.io/container-name", "seed"),
            ("post.hook.restore.velero.io/command", "[\"echo\", \"hi\"]"),
        })));
        var folder = h.NewFolder();
        var request = new RestoreRequest { Name = "r1", Spec = new RestoreSpec { BackupName = "b1" }, ToDirectory = folder };

        var result = await h.Engine().RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal(RestorePhase.Completed, result.Phase);
        Assert.Equal(0, result.Record.HooksAttempted);
        Assert.Equal(
            "post-restore exec annotation hook in container app: echo hi not run for pod shop/db: a restore into a folder starts no pods; run it after applying the manifests",
            Assert.Single(result.Results.Warnings.Namespaces["shop"]));
        var podFile = Directory.GetFiles(folder, "*db.yaml", SearchOption.AllDirectories).Single();
        var yaml = File.ReadAllText(podFile);
        Assert.True(yaml.IndexOf("name: seed", StringComparison.Ordinal) < yaml.IndexOf("name: own-init", StringComparison.Ordinal), yaml);
    }
}

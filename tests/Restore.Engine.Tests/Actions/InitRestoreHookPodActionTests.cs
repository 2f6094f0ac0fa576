using System.Collections.Generic;
using System.Linq;
using Restore.Engine.Actions;
using Restore.Engine.Velero;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class InitRestoreHookPodActionTests
{
    private const string SpecInit = "{'name':'seed','image':'alpine:3','command':['/bin/sh','-c','date']}";

    [Theory]
    [InlineData(
        "no annotations, no spec hooks: pod unchanged",
        "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'own'}]}}",
        "",
        "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'own'}]}}")]
    [InlineData(
        "annotation hook goes before the pod's own init containers, JSON array command",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'alpine:latest','init.hook.restore.velero.io/container-name':'restore-hook','init.hook.restore.velero.io/command':'[\\'/bin/ash\\', \\'-c\\', \\'date\\']'}},'spec':{'initContainers':[{'name':'own'}]}}",
        "",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'alpine:latest','init.hook.restore.velero.io/container-name':'restore-hook','init.hook.restore.velero.io/command':'[\\'/bin/ash\\', \\'-c\\', \\'date\\']'}},'spec':{'initContainers':[{'name':'restore-hook','image':'alpine:latest','command':['/bin/ash','-c','date']},{'name':'own'}]}}")]
    [InlineData(
        "a command that is not a JSON array is one word, not split",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'busybox','init.hook.restore.velero.io/container-name':'h','init.hook.restore.velero.io/command':'/bin/sh -c date'}},'spec':{}}",
        "",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'busybox','init.hook.restore.velero.io/container-name':'h','init.hook.restore.velero.io/command':'/bin/sh -c date'}},'spec':{'initContainers':[{'name':'h','image':'busybox','command':['/bin/sh -c date']}]}}")]
    [InlineData(
        "no command annotation: the image's entrypoint runs",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'busybox','init.hook.restore.velero.io/container-name':'h'}},'spec':{}}",
        "",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'busybox','init.hook.restore.velero.io/container-name':'h'}},'spec':{'initContainers':[{'name':'h','image':'busybox'}]}}")]
    [InlineData(
        "name or command without an image: no annotation hook, spec hooks apply",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-name':'h'}},'spec':{}}",
        "shop|||",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-name':'h'}},'spec':{'initContainers':[" + SpecInit + "]}}")]
    [InlineData(
        "annotation hook wins over matching spec hooks",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'busybox','init.hook.restore.velero.io/container-name':'h'}},'spec':{}}",
        "shop|||",
        "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'busybox','init.hook.restore.velero.io/container-name':'h'}},'spec':{'initContainers':[{'name':'h','image':'busybox'}]}}")]
    [InlineData(
        "restore-wait stays first",
        "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'restore-wait'},{'name':'own'}]}}",
        "*|||",
        "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'restore-wait'}," + SpecInit + ",{'name':'own'}]}}")]
    [InlineData(
        "spec hook matches the target namespace, not the source one",
        "{'metadata':{'name':'p'},'spec':{}}",
        "shop|||",
        "{'metadata':{'name':'p'},'spec':{}}",
        "shop-copy")]
    [InlineData(
        "spec hook for the mapped namespace applies",
        "{'metadata':{'name':'p'},'spec':{}}",
        "shop-*|||",
        "{'metadata':{'name':'p'},'spec':{'initContainers':[" + SpecInit + "]}}",
        "shop-copy")]
    [InlineData(
        "excluded namespace wins over an included one",
        "{'metadata':{'name':'p'},'spec':{}}",
        "*|shop||",
        "{'metadata':{'name':'p'},'spec':{}}")]
    [InlineData(
        "label selector must match",
        "{'metadata':{'name':'p','labels':{'app':'db'}},'spec':{}}",
        "||app=web|",
        "{'metadata':{'name':'p','labels':{'app':'db'}},'spec':{}}")]
    [InlineData(
        "label selector matches",
        "{'metadata':{'name':'p','labels':{'app':'db'}},'spec':{}}",
        "||app=db|",
        "{'metadata':{'name':'p','labels':{'app':'db'}},'spec':{'initContainers':[" + SpecInit + "]}}")]
    [InlineData(
        "two matching entries add their containers in spec order",
        "{'metadata':{'name':'p'},'spec':{}}",
        "shop|||;*|||second",
        "{'metadata':{'name':'p'},'spec':{'initContainers':[" + SpecInit + ",{'name':'second','image':'alpine:3','command':['true']}]}}")]
    public void AddsInitContainers(string name, string input, string hooks, string expected, string? targetNamespace = null)
    {
        Assert.NotNull(name);
        var options = new RestoreActionOptions { Hooks = RestoreHookRules.From(Hooks(hooks)), RestoreUid = "uid-1" };
        var context = Context(input, "pods", targetNamespace: targetNamespace, options: options);

        var result = Run(new InitRestoreHookPodAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
        Assert.Empty(result.AdditionalItems);
    }

    [Fact]
    public void GeneratesAStableNameWhenTheAnnotationHasNone()
    {
        var pod = "{'metadata':{'name':'p','annotations':{'init.hook.restore.velero.io/container-image':'busybox'}},'spec':{}}";
        string Added(string uid)
        {
            var context = Context(pod, "pods", options: new RestoreActionOptions { RestoreUid = uid });
            Run(new InitRestoreHookPodAction(), context);
            return (string)context.Item["spec"]!["initContainers"]![0]!["name"]!;
        }

        Assert.Matches("^velero-restore-init-[0-9a-f]{8}$", Added("uid-1"));
        Assert.Equal(Added("uid-1"), Added("uid-1"));
        Assert.NotEqual(Added("uid-1"), Added("uid-2"));
    }

    [Theory]
    [InlineData("[\"/bin/sh\",\"-c\",\"echo hi\"]", "/bin/sh|-c|echo hi")]
    [InlineData("/bin/sh -c 'echo hi'", "/bin/sh -c 'echo hi'")]
    [InlineData("[not json", "[not json")]
    [InlineData("[1,2]", "[1,2]")]
    public void ParsesCommandsAsVeleroDoes(string text, string expected)
    {
        Assert.Equal(expected, string.Join("|", RestoreHookRules.ParseCommand(text)));
    }

    // "includes|excludes|matchLabel k=v|extra container name" entries separated by ';'.
    private static RestoreHooksSpec? Hooks(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var resources = new List<RestoreResourceHookSpec>();
        foreach (var (entry, index) in text.Split(';').Select((e, i) => (e, i)))
        {
            var parts = entry.Split('|');
            var init = parts[3].Length == 0 ? SpecInit : "{'name':'" + parts[3] + "','image':'alpine:3','command':['true']}";
            resources.Add(new RestoreResourceHookSpec
            {
                Name = "hook-" + index,
                IncludedNamespaces = parts[0].Length == 0 ? null : parts[0].Split(',').ToList(),
                ExcludedNamespaces = parts[1].Length == 0 ? null : parts[1].Split(',').ToList(),
                LabelSelector = parts[2].Length == 0 ? null : new LabelSelectorSpec { MatchLabels = new Dictionary<string, string> { [parts[2].Split('=')[0]] = parts[2].Split('=')[1] } },
                PostHooks = new List<RestoreHookSpec>
                {
                    new() { Exec = new ExecRestoreHookSpec { Command = new List<string> { "date" } } },
                    new() { Init = new InitRestoreHookSpec { InitContainers = new List<string> { Json(init).ToJsonString() } } },
                },
            });
        }

        return new RestoreHooksSpec { Resources = resources };
    }
}

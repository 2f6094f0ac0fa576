using System;
using System.Text.Json.Nodes;
using Restore.Engine.Kubernetes;
using Xunit;

namespace Restore.Engine.Tests.Kubernetes;

public class StrategicMergePatchTests
{
    private static string Q(string s) => s.Replace('\'', '"');

    private static string U(JsonNode? n) => n!.ToJsonString().Replace('"', '\'');

    private static string Apply(string apiVersion, string kind, string target, string patch) =>
        U(StrategicMergePatch.Apply(JsonNode.Parse(Q(target))!.AsObject(), JsonNode.Parse(Q(patch))!.AsObject(), apiVersion, kind));

    private const string Deploy = "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x','env':[{'name':'E1','value':'1'},{'name':'E2','value':'2'}],'ports':[{'containerPort':80,'name':'http'}]},{'name':'b','image':'y'}],'tolerations':[{'key':'k1'}]}}}}";

    [Theory]
    // containers merge by name; an existing one is updated in place
    [InlineData("apps/v1", "Deployment", Deploy, "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'z'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'z','env':[{'name':'E1','value':'1'},{'name':'E2','value':'2'}],'ports':[{'containerPort':80,'name':'http'}]},{'name':'b','image':'y'}],'tolerations':[{'key':'k1'}]}}}}")]
    // a new container is added (Kubernetes puts patch-only items before server-only ones)
    [InlineData("apps/v1", "Deployment", "{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}}}", "{'spec':{'template':{'spec':{'containers':[{'name':'c'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}}}}")]
    // env merges by name inside the container; $patch: delete removes one entry
    [InlineData("apps/v1", "Deployment", Deploy, "{'spec':{'template':{'spec':{'containers':[{'name':'a','env':[{'name':'E2','value':'two'},{'name':'E1','$patch':'delete'}]}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x','env':[{'name':'E2','value':'two'}],'ports':[{'containerPort':80,'name':'http'}]},{'name':'b','image':'y'}],'tolerations':[{'key':'k1'}]}}}}")]
    // ports merge by containerPort
    [InlineData("apps/v1", "Deployment", Deploy, "{'spec':{'template':{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443}]}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x','env':[{'name':'E1','value':'1'},{'name':'E2','value':'2'}],'ports':[{'containerPort':80,'name':'http','protocol':'TCP'},{'containerPort':443}]},{'name':'b','image':'y'}],'tolerations':[{'key':'k1'}]}}}}")]
    // $patch: replace inside a merged list replaces the whole list
    [InlineData("apps/v1", "Deployment", "{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}}}", "{'spec':{'template':{'spec':{'containers':[{'name':'c'},{'$patch':'replace'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'c'}]}}}}")]
    // lists without a strategy (tolerations) are replaced
    [InlineData("apps/v1", "Deployment", Deploy, "{'spec':{'template':{'spec':{'tolerations':[{'key':'k2'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x','env':[{'name':'E1','value':'1'},{'name':'E2','value':'2'}],'ports':[{'containerPort':80,'name':'http'}]},{'name':'b','image':'y'}],'tolerations':[{'key':'k2'}]}}}}")]
    // null deletes; $patch on a map replaces or empties it
    [InlineData("v1", "Pod", "{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'replicas':2}}", "{'metadata':{'labels':{'a':null,'c':'3'}},'spec':{'replicas':null}}",
        "{'metadata':{'labels':{'b':'2','c':'3'}},'spec':{}}")]
    [InlineData("v1", "Pod", "{'metadata':{'labels':{'a':'1','b':'2'}}}", "{'metadata':{'labels':{'$patch':'replace','z':'9'}}}",
        "{'metadata':{'labels':{'z':'9'}}}")]
    [InlineData("v1", "Pod", "{'metadata':{'labels':{'a':'1'}},'spec':{'x':1}}", "{'metadata':{'labels':{'$patch':'delete'}}}",
        "{'metadata':{'labels':{}},'spec':{'x':1}}")]
    // finalizers: primitive merge list with de-duplication, then $deleteFromPrimitiveList
    [InlineData("v1", "Pod", "{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['c','a']}}",
        "{'metadata':{'finalizers':['c','a','b']}}")]
    [InlineData("v1", "Pod", "{'metadata':{'finalizers':['a','b','c']}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}",
        "{'metadata':{'finalizers':['a','c']}}")]
    // $retainKeys clears the keys not listed (switching a volume source)
    [InlineData("v1", "Pod", "{'spec':{'volumes':[{'name':'v','emptyDir':{}}]}}", "{'spec':{'volumes':[{'name':'v','$retainKeys':['name','configMap'],'configMap':{'name':'cm'}}]}}",
        "{'spec':{'volumes':[{'name':'v','configMap':{'name':'cm'}}]}}")]
    // $setElementOrder sets the order of the merged list
    [InlineData("v1", "Pod", "{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b','image':'2'}]}}", "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'a','image':'9'}]}}",
        "{'spec':{'containers':[{'name':'b','image':'2'},{'name':'a','image':'9'}]}}")]
    // deleting, adding and ordering in one patch: server-only items keep their place as Kubernetes computes it
    [InlineData("v1", "Pod", "{'spec':{'containers':[{'name':'a'},{'name':'b','image':'x'},{'name':'d','image':'y'}]}}", "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'c'}],'containers':[{'name':'c'},{'name':'a','$patch':'delete'}]}}",
        "{'spec':{'containers':[{'name':'b','image':'x'},{'name':'d','image':'y'},{'name':'c'}]}}")]
    // values of different types: the patch wins, without its directives and nulls
    [InlineData("v1", "Pod", "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':{'x':null,'y':1}}}",
        "{'spec':{'containers':{'y':1}}}")]
    [InlineData("v1", "Pod", "{'spec':{}}", "{'spec':{'volumes':[{'name':'a'},{'name':'b','$patch':'delete'}],'x':null}}",
        "{'spec':{'volumes':[{'name':'a'}]}}")]
    public void AppliesToWorkloads(string apiVersion, string kind, string target, string patch, string expected)
    {
        Assert.Equal(expected, Apply(apiVersion, kind, target, patch));
    }

    [Theory]
    [InlineData("apps/v1", "Deployment", "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b'}]}}}}", "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'2'}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'2'},{'name':'b'}]}}}}")]
    [InlineData("batch/v1", "CronJob", "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}}}}}", "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'n'}]}}}}}}",
        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'b','image':'n'}]}}}}}}")]
    [InlineData("v1", "Service", "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}", "{'spec':{'ports':[{'port':80,'targetPort':9090}]}}",
        "{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443}]}}")]
    [InlineData("v1", "ServiceAccount", "{'secrets':[{'name':'a'}],'imagePullSecrets':[{'name':'p'}]}", "{'secrets':[{'name':'b'}],'imagePullSecrets':[{'name':'q'}]}",
        "{'secrets':[{'name':'b'},{'name':'a'}],'imagePullSecrets':[{'name':'q'}]}")]
    [InlineData("v1", "ConfigMap", "{'data':{'a':'1'},'metadata':{'ownerReferences':[{'uid':'u1','name':'x'}]}}", "{'data':{'b':'2'},'metadata':{'ownerReferences':[{'uid':'u1','name':'y'}]}}",
        "{'data':{'a':'1','b':'2'},'metadata':{'ownerReferences':[{'uid':'u1','name':'y'}]}}")]
    // Beyond Velero: unknown kinds merge maps and replace lists, with object metadata as usual
    [InlineData("networking.k8s.io/v1", "Ingress", "{'metadata':{'finalizers':['a']},'spec':{'rules':[{'host':'a'}],'tls':{'x':1}}}", "{'metadata':{'finalizers':['b']},'spec':{'rules':[{'host':'b'}],'tls':{'y':2}}}",
        "{'metadata':{'finalizers':['b','a']},'spec':{'rules':[{'host':'b'}],'tls':{'x':1,'y':2}}}")]
    public void AppliesPerKind(string apiVersion, string kind, string target, string patch, string expected)
    {
        Assert.Equal(expected, Apply(apiVersion, kind, target, patch));
    }

    [Theory]
    [InlineData("{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'image':'x'}]}}", "does not contain declared merge key: name")]
    [InlineData("{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'name':'a','$patch':'merge'}]}}", "merging lists cannot yet be specified in the patch")]
    [InlineData("{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'name':'a','$patch':'oops'}]}}", "unknown patch type: oops in map: map[$patch:oops name:a]")]
    [InlineData("{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'$patch':'delete'}]}}", "does not contain declared merge key: name")]
    [InlineData("{'metadata':{'labels':{}}}", "{'metadata':{'labels':{'$patch':'keep'}}}", "unknown patch type: keep")]
    [InlineData("{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':['x']}}", "list element types are not identical")]
    [InlineData("{'metadata':{'finalizers':[['a']]}}", "{'metadata':{'finalizers':[['b']]}}", "lists of lists are not supported")]
    [InlineData("{'spec':{'volumes':[{'name':'v'}]}}", "{'spec':{'volumes':[{'name':'v','$retainKeys':['name'],'emptyDir':{}}]}}", "invalid patch format of retainKeys")]
    [InlineData("{'spec':{'volumes':[{'name':'v'}]}}", "{'spec':{'volumes':[{'name':'v','$retainKeys':'name'}]}}", "invalid patch format of retainKeys")]
    [InlineData("{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}", "{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'b'}]}}", "doesn't match $setElementOrder list")]
    [InlineData("{'metadata':{'finalizers':['a']}}", "{'metadata':{'$deleteFromPrimitiveListfinalizers':['a']}}", "invalid patch format of primitive list")]
    public void RejectsBadPatches(string target, string patch, string fragment)
    {
        var ex = Assert.Throws<StrategicMergePatchException>(() => Apply("v1", "Pod", target, patch));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apps/v1", "Deployment", true)]
    [InlineData("v1", "Pod", true)]
    [InlineData("v1", "ConfigMap", true)]
    [InlineData("batch/v1", "CronJob", true)]
    [InlineData("velero.io/v1", "Backup", true)]
    [InlineData("snapshot.storage.k8s.io/v1", "VolumeSnapshot", true)]
    [InlineData("networking.k8s.io/v1", "Ingress", false)]
    [InlineData("rbac.authorization.k8s.io/v1", "Role", false)]
    [InlineData("apps/v1beta1", "Deployment", false)]
    [InlineData("example.com/v1", "Widget", false)]
    public void KnowsVeleroSchemeKinds(string apiVersion, string kind, bool expected)
    {
        Assert.Equal(expected, StrategicMergePatch.IsKnownKind(apiVersion, kind));
    }

    [Fact]
    public void LeavesInputsUntouched()
    {
        var target = JsonNode.Parse(Q(Deploy))!.AsObject();
        var patch = JsonNode.Parse(Q("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'q'}]}}}}"))!.AsObject();
        string before = target.ToJsonString(), patchBefore = patch.ToJsonString();
        StrategicMergePatch.Apply(target, patch, "apps/v1", "Deployment");
        Assert.Equal(before, target.ToJsonString());
        Assert.Equal(patchBefore, patch.ToJsonString());
    }
}

using Restore.Engine.Actions;
using Xunit;
using static Restore.Engine.Tests.Actions.ActionTestKit;

namespace Restore.Engine.Tests.Actions;

public class ServiceActionTests
{
    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    [Theory]
    [InlineData(
        "cluster IPs cleared",
        "{'spec':{'type':'ClusterIP','clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5'],'ports':[{'port':80,'protocol':'TCP'}]}}",
        false,
        "{'spec':{'type':'ClusterIP','ports':[{'port':80,'protocol':'TCP'}]}}")]
    [InlineData(
        "headless service keeps clusterIP None",
        "{'spec':{'clusterIP':'None','clusterIPs':['None']}}",
        false,
        "{'spec':{'clusterIP':'None','clusterIPs':['None']}}")]
    [InlineData(
        "auto-assigned node ports cleared on every port",
        "{'spec':{'type':'NodePort','ports':[{'name':'http','port':80,'protocol':'TCP','nodePort':30080},{'port':443,'protocol':'TCP','nodePort':30443}]}}",
        false,
        "{'spec':{'type':'NodePort','ports':[{'name':'http','port':80,'protocol':'TCP'},{'port':443,'protocol':'TCP'}]}}")]
    [InlineData(
        "preserveNodePorts keeps node ports and health check port",
        "{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000,'clusterIP':'10.1.1.1','ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}",
        true,
        "{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000,'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}")]
    [InlineData(
        "ExternalName services keep node ports",
        "{'spec':{'type':'ExternalName','ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}",
        false,
        "{'spec':{'type':'ExternalName','ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}")]
    [InlineData(
        "last-applied: named port with a node port is kept, the other named port is cleared",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'name\':\'http\',\'port\':80,\'nodePort\':30080},{\'name\':\'https\',\'port\':443}]}}'}},'spec':{'type':'NodePort','ports':[{'name':'http','port':80,'protocol':'TCP','nodePort':30080},{'name':'https','port':443,'protocol':'TCP','nodePort':30443}]}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'name\':\'http\',\'port\':80,\'nodePort\':30080},{\'name\':\'https\',\'port\':443}]}}'}},'spec':{'type':'NodePort','ports':[{'name':'http','port':80,'protocol':'TCP','nodePort':30080},{'name':'https','port':443,'protocol':'TCP'}]}}""")]
    [InlineData(
        "last-applied: unnamed port kept when the node port value matches",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'port\':80,\'nodePort\':30080}]}}'}},'spec':{'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'port\':80,\'nodePort\':30080}]}}'}},'spec':{'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}""")]
    [InlineData(
        "last-applied: unnamed port cleared when the values differ",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'port\':80,\'nodePort\':30081}]}}'}},'spec':{'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'port\':80,\'nodePort\':30081}]}}'}},'spec':{'ports':[{'port':80,'protocol':'TCP'}]}}""")]
    [InlineData(
        "last-applied: string node port counts, by name",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'name\':\'http\',\'nodePort\':\'30080\'}]}}'}},'spec':{'ports':[{'name':'http','port':80,'protocol':'TCP','nodePort':30080}]}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'name\':\'http\',\'nodePort\':\'30080\'}]}}'}},'spec':{'ports':[{'name':'http','port':80,'protocol':'TCP','nodePort':30080}]}}""")]
    [InlineData(
        "last-applied: an empty name key makes the entry named, so the unnamed port is cleared",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'name\':\'\',\'nodePort\':30080}]}}'}},'spec':{'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'ports\':[{\'name\':\'\',\'nodePort\':30080}]}}'}},'spec':{'ports':[{'port':80,'protocol':'TCP'}]}}""")]
    [InlineData(
        "last-applied without ports clears all, managedFields are not consulted",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{}}'},'managedFields':[{'fieldsV1':{'f:spec':{'f:ports':{'k:{\'port\':80,\'protocol\':\'TCP\'}':{'f:nodePort':{}}}}}}]},'spec':{'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{}}'},'managedFields':[{'fieldsV1':{'f:spec':{'f:ports':{'k:{\'port\':80,\'protocol\':\'TCP\'}':{'f:nodePort':{}}}}}}]},'spec':{'ports':[{'port':80,'protocol':'TCP'}]}}""")]
    [InlineData(
        "managedFields: port whose entry has f:nodePort keeps it, the other is cleared",
        """{'metadata':{'managedFields':[{'manager':'kubectl','fieldsV1':{'f:spec':{'f:ports':{'k:{\'port\':80,\'protocol\':\'TCP\'}':{'f:nodePort':{},'f:port':{}},'k:{\'port\':443,\'protocol\':\'TCP\'}':{'f:port':{}}}}}}]},'spec':{'ports':[{'port':80,'protocol':'TCP','nodePort':30080},{'port':443,'protocol':'TCP','nodePort':30443}]}}""",
        false,
        """{'metadata':{'managedFields':[{'manager':'kubectl','fieldsV1':{'f:spec':{'f:ports':{'k:{\'port\':80,\'protocol\':\'TCP\'}':{'f:nodePort':{},'f:port':{}},'k:{\'port\':443,\'protocol\':\'TCP\'}':{'f:port':{}}}}}}]},'spec':{'ports':[{'port':80,'protocol':'TCP','nodePort':30080},{'port':443,'protocol':'TCP'}]}}""")]
    [InlineData(
        "managedFields: protocol is part of the key",
        """{'metadata':{'managedFields':[{'fieldsV1':{'f:spec':{'f:ports':{'k:{\'port\':53,\'protocol\':\'UDP\'}':{'f:nodePort':{}}}}}}]},'spec':{'ports':[{'port':53,'protocol':'TCP','nodePort':30053},{'port':53,'protocol':'UDP','nodePort':30054}]}}""",
        false,
        """{'metadata':{'managedFields':[{'fieldsV1':{'f:spec':{'f:ports':{'k:{\'port\':53,\'protocol\':\'UDP\'}':{'f:nodePort':{}}}}}}]},'spec':{'ports':[{'port':53,'protocol':'TCP'},{'port':53,'protocol':'UDP','nodePort':30054}]}}""")]
    [InlineData(
        "health check node port cleared when auto-assigned",
        "{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000}}",
        false,
        "{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local'}}")]
    [InlineData(
        "health check node port kept for traffic policy Cluster",
        "{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Cluster','healthCheckNodePort':32000}}",
        false,
        "{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Cluster','healthCheckNodePort':32000}}")]
    [InlineData(
        "health check node port kept when last-applied sets it",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'healthCheckNodePort\':32000}}'}},'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'healthCheckNodePort\':32000}}'}},'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000}}""")]
    [InlineData(
        "health check node port: null in last-applied, nothing in managedFields, cleared",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'healthCheckNodePort\':null}}'}},'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'healthCheckNodePort\':null}}'}},'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local'}}""")]
    [InlineData(
        "health check node port: zero in last-applied but set in managedFields, kept",
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'healthCheckNodePort\':0}}'},'managedFields':[{'fieldsV1':{'f:spec':{'f:healthCheckNodePort':{}}}}]},'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000}}""",
        false,
        """{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{\'spec\':{\'healthCheckNodePort\':0}}'},'managedFields':[{'fieldsV1':{'f:spec':{'f:healthCheckNodePort':{}}}}]},'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000}}""")]
    public void ClearsWhatTheClusterMustAssign(string name, string input, bool preserveNodePorts, string expected)
    {
        Assert.NotNull(name);
        var context = Context(input, "services", options: new RestoreActionOptions { PreserveNodePorts = preserveNodePorts });
        var result = Run(new ServiceAction(), context);

        AssertJson(expected, context.Item);
        Assert.False(result.Skip);
        Assert.Empty(result.AdditionalItems);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"spec\":{\"ports\":[{\"nodePort\":\"thirty\"}]}}", "nodePort that is not a number")]
    [InlineData("{\"spec\":{\"ports\":{\"a\":1}}}", "spec.ports that is not a list")]
    [InlineData("{\"spec\":{\"healthCheckNodePort\":\"32000\"}}", "healthCheckNodePort that is not a whole number")]
    public void BadLastAppliedConfigurationFailsTheItem(string lastApplied, string expectedMessagePart)
    {
        var context = Context("{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':32000,'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}", "services");
        context.Item["metadata"] = new System.Text.Json.Nodes.JsonObject
        {
            ["annotations"] = new System.Text.Json.Nodes.JsonObject { [LastApplied] = lastApplied },
        };

        var ex = Assert.Throws<RestoreItemActionException>(() => new ServiceAction().Execute(context));
        Assert.Contains(expectedMessagePart, ex.Message, System.StringComparison.Ordinal);
        Assert.Contains(LastApplied, ex.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void NumbersSetFromCodeAreReadLikeParsedOnes()
    {
        var context = Context("""{'metadata':{'managedFields':[{'fieldsV1':{'f:spec':{'f:ports':{'k:{\'port\':80,\'protocol\':\'TCP\'}':{'f:nodePort':{}}}}}}]},'spec':{'ports':[{'protocol':'TCP'},{'protocol':'TCP'}]}}""", "services");
        var ports = context.Item["spec"]!["ports"]!.AsArray();
        ports[0]!["port"] = 80;
        ports[0]!["nodePort"] = 30080;
        ports[1]!["port"] = 81L;
        ports[1]!["nodePort"] = 30081.0;

        Run(new ServiceAction(), context);

        Assert.Equal(30080, ports[0]!["nodePort"]!.GetValue<int>());
        Assert.Null(ports[1]!["nodePort"]);
    }
}

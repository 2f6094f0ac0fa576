using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using Restore.PowerShell.Isolation;
using Xunit;

namespace Restore.PowerShell.Tests.Module;

/// <summary>
/// The laid-out engine, loaded through IsolatedLoadContext, binds its own third-party assemblies
/// even when the default context already holds a different copy (another module's YamlDotNet).
/// </summary>
public class IsolationTests
{
    private static readonly Version FakeVersion = new(1, 2, 3, 4);
    private static readonly object FakeGate = new();

    [Fact]
    public void EngineBindsItsOwnYamlDotNetWhenTheDefaultContextHasAnother()
    {
        var fake = LoadFakeYamlDotNetIntoDefaultContext();
        Assert.Equal(FakeVersion, fake.GetName().Version);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(fake));

        var context = new IsolatedLoadContext(ModuleUnderTest.DependencyDirectory);
        var engine = context.LoadFromAssemblyName(new AssemblyName("Restore.Engine"));
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(engine));
        Assert.Equal(Path.Combine(ModuleUnderTest.DependencyDirectory, "Restore.Engine.dll"), engine.Location);

        // The runtime resolves the engine's references through the engine's context, exactly like this.
        var reference = ReferenceOrLaidOut(engine, "YamlDotNet");
        var yaml = context.LoadFromAssemblyName(reference);
        Assert.NotSame(fake, yaml);
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(yaml));
        Assert.Equal(Path.Combine(ModuleUnderTest.DependencyDirectory, "YamlDotNet.dll"), yaml.Location);
        Assert.Equal(reference.Version, yaml.GetName().Version);
        Assert.NotEqual(FakeVersion, yaml.GetName().Version);
        Assert.Null(yaml.GetType("YamlDotNet.FakeMarker"));

        // And it is a working copy: build a serializer and use it.
        var builder = Activator.CreateInstance(yaml.GetType("YamlDotNet.Serialization.SerializerBuilder", throwOnError: true)!)!;
        var serializer = builder.GetType().GetMethod("Build", Type.EmptyTypes)!.Invoke(builder, null)!;
        var serialize = serializer.GetType().GetMethods().Single(m => m.Name == "Serialize" && m.GetParameters().Length == 1 && m.ReturnType == typeof(string));
        Assert.Equal("Answer: 42", ((string)serialize.Invoke(serializer, new object[] { new Sample() })!).Trim());

        // The default context still answers with the fake: our copy did not replace another module's.
        Assert.Contains(AssemblyLoadContext.Default.Assemblies, a => ReferenceEquals(a, fake));
    }

    [Fact]
    public void FrameworkAssembliesAreSharedWithTheHost()
    {
        var context = new IsolatedLoadContext(ModuleUnderTest.DependencyDirectory);
        var engine = context.LoadFromAssemblyName(new AssemblyName("Restore.Engine"));
        var json = ReferenceOrLaidOut(engine, "System.Text.Json");

        // The runtime's System.Text.Json is new enough, so the engine gets the host's copy and
        // types such as JsonElement keep one identity across the boundary.
        var loaded = context.LoadFromAssemblyName(json);
        Assert.Same(typeof(System.Text.Json.JsonElement).Assembly, loaded);
        Assert.NotEqual(Path.Combine(ModuleUnderTest.DependencyDirectory, "System.Text.Json.dll"), loaded.Location);
    }

    [Fact]
    public void UnknownAssembliesAreNotInvented()
    {
        var context = new IsolatedLoadContext(ModuleUnderTest.DependencyDirectory);
        Assert.Throws<FileNotFoundException>(() => context.LoadFromAssemblyName(new AssemblyName("No.Such.Assembly")));
    }

    // The compiler drops references the engine does not use yet; then ask for the laid-out copy's identity.
    private static AssemblyName ReferenceOrLaidOut(Assembly engine, string name) =>
        engine.GetReferencedAssemblies().SingleOrDefault(r => r.Name == name)
        ?? AssemblyName.GetAssemblyName(Path.Combine(ModuleUnderTest.DependencyDirectory, name + ".dll"));

    // The first test to run creates the fake; later calls return the same assembly.
    private static Assembly LoadFakeYamlDotNetIntoDefaultContext()
    {
        lock (FakeGate)
        {
            var existing = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == "YamlDotNet");
            if (existing is not null)
            {
                return existing;
            }

            var directory = Path.Combine(Path.GetTempPath(), "restore-isolation-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, "YamlDotNet.dll");
            var builder = new PersistedAssemblyBuilder(new AssemblyName("YamlDotNet") { Version = FakeVersion }, typeof(object).Assembly);
            var module = builder.DefineDynamicModule("YamlDotNet");
            module.DefineType("YamlDotNet.FakeMarker", TypeAttributes.Public | TypeAttributes.Class).CreateType();
            builder.Save(path);
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
    }

    public sealed class Sample
    {
        public int Answer { get; set; } = 42;
    }
}

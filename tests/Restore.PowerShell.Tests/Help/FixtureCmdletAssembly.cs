using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Restore.HelpBuilder.Metadata;

namespace Restore.PowerShell.Tests.Help;

/// <summary>
/// Emits a small cmdlet assembly against the System.Management.Automation reference assembly, so
/// the reader and the help builder can be tested on known cmdlets without PowerShell and without
/// depending on which cmdlets the module has today.
/// <code>
/// [Cmdlet("Get", "Widget", DefaultParameterSetName = "ByName")] [OutputType(typeof(string))]
///   -Name  string[]  ByName, Position 0, ByPropertyName, [SupportsWildcards], [Alias("WidgetName")]
///   -Id    int       ById, Mandatory, [PSDefaultValue(Value = 7)]
///   -Color string    all sets, [ValidateSet("Red","Blue")], [PSDefaultValue(Value = "Red", Help = "the first colour")]
///   -Force SwitchParameter
///   (plus a public property without [Parameter], which is not a parameter)
/// [Cmdlet("Remove", "Widget", SupportsShouldProcess = true)] [OutputType(typeof(void))]
///   -InputObject object  Mandatory, ByValue
/// an abstract cmdlet and a class without [Cmdlet], which are not cmdlets
/// </code>
/// </summary>
public static class FixtureCmdletAssembly
{
    private static readonly Lazy<string> LazyPath = new(Emit);

    /// <summary>The emitted assembly, created once per test run in a temp folder.</summary>
    public static string Path => LazyPath.Value;

    private static string Emit()
    {
        var sma = ReferenceAssemblyLocator.FindSystemManagementAutomation();
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Append(sma);
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        var smaAssembly = context.LoadFromAssemblyPath(sma);
        Type Sma(string name) => smaAssembly.GetType("System.Management.Automation." + name, throwOnError: true)!;
        Type Core(string name) => context.CoreAssembly!.GetType(name, throwOnError: true)!;

        var builder = new PersistedAssemblyBuilder(new AssemblyName("Fixture.Cmdlets") { Version = new Version(1, 0, 0, 0) }, context.CoreAssembly!);
        var module = builder.DefineDynamicModule("Fixture.Cmdlets");
        var psCmdlet = Sma("PSCmdlet");
        var stringType = Core("System.String");

        var get = DefineCmdlet(module, "Fixture.GetWidgetCommand", psCmdlet, TypeAttributes.Public | TypeAttributes.Sealed);
        Apply(get, Attribute(Sma("CmdletAttribute"), new object[] { "Get", "Widget" }, ("DefaultParameterSetName", "ByName")));
        Apply(get, Attribute(Sma("OutputTypeAttribute"), new object[] { new[] { stringType } }));
        var name = DefineProperty(get, "Name", stringType.MakeArrayType());
        Apply(name, Attribute(Sma("ParameterAttribute"), Array.Empty<object>(), ("Position", 0), ("ParameterSetName", "ByName"), ("ValueFromPipelineByPropertyName", true)));
        Apply(name, Attribute(Sma("SupportsWildcardsAttribute"), Array.Empty<object>()));
        Apply(name, Attribute(Sma("AliasAttribute"), new object[] { new[] { "WidgetName" } }));
        var id = DefineProperty(get, "Id", Core("System.Int32"));
        Apply(id, Attribute(Sma("ParameterAttribute"), Array.Empty<object>(), ("Mandatory", true), ("ParameterSetName", "ById")));
        Apply(id, Attribute(Sma("PSDefaultValueAttribute"), Array.Empty<object>(), ("Value", 7)));
        var color = DefineProperty(get, "Color", stringType);
        Apply(color, Attribute(Sma("ParameterAttribute"), Array.Empty<object>()));
        Apply(color, Attribute(Sma("ValidateSetAttribute"), new object[] { new[] { "Red", "Blue" } }));
        Apply(color, Attribute(Sma("PSDefaultValueAttribute"), Array.Empty<object>(), ("Value", "Red"), ("Help", "the first colour")));
        var force = DefineProperty(get, "Force", Sma("SwitchParameter"));
        Apply(force, Attribute(Sma("ParameterAttribute"), Array.Empty<object>()));
        DefineProperty(get, "NotAParameter", stringType);
        get.CreateType();

        var remove = DefineCmdlet(module, "Fixture.RemoveWidgetCommand", psCmdlet, TypeAttributes.Public | TypeAttributes.Sealed);
        Apply(remove, Attribute(Sma("CmdletAttribute"), new object[] { "Remove", "Widget" }, ("SupportsShouldProcess", true)));
        Apply(remove, Attribute(Sma("OutputTypeAttribute"), new object[] { new[] { Core("System.Void") } }));
        var input = DefineProperty(remove, "InputObject", Core("System.Object"));
        Apply(input, Attribute(Sma("ParameterAttribute"), Array.Empty<object>(), ("Mandatory", true), ("ValueFromPipeline", true)));
        remove.CreateType();

        var abstractCmdlet = DefineCmdlet(module, "Fixture.AbstractWidgetCommand", psCmdlet, TypeAttributes.Public | TypeAttributes.Abstract);
        Apply(abstractCmdlet, Attribute(Sma("CmdletAttribute"), new object[] { "Get", "Abstract" }));
        abstractCmdlet.CreateType();
        DefineCmdlet(module, "Fixture.NoAttributeCommand", psCmdlet, TypeAttributes.Public | TypeAttributes.Sealed).CreateType();

        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "restore-fixture-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, "Fixture.Cmdlets.dll");
        builder.Save(path);
        return path;
    }

    private static void Apply(TypeBuilder type, (ConstructorInfo Constructor, byte[] Blob) attribute) =>
        type.SetCustomAttribute(attribute.Constructor, attribute.Blob);

    private static void Apply(PropertyBuilder property, (ConstructorInfo Constructor, byte[] Blob) attribute) =>
        property.SetCustomAttribute(attribute.Constructor, attribute.Blob);

    private static TypeBuilder DefineCmdlet(ModuleBuilder module, string name, Type baseType, TypeAttributes attributes)
    {
        var type = module.DefineType(name, TypeAttributes.Class | attributes, baseType);
        var baseConstructor = baseType.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)!;
        var constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        var il = constructor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, baseConstructor);
        il.Emit(OpCodes.Ret);
        return type;
    }

    private static PropertyBuilder DefineProperty(TypeBuilder type, string name, Type propertyType)
    {
        var field = type.DefineField("_" + name, propertyType, FieldAttributes.Private);
        var property = type.DefineProperty(name, PropertyAttributes.None, propertyType, null);
        const MethodAttributes Accessor = MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig;
        var getter = type.DefineMethod("get_" + name, Accessor, propertyType, Type.EmptyTypes);
        var il = getter.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, field);
        il.Emit(OpCodes.Ret);
        var setter = type.DefineMethod("set_" + name, Accessor, null, new[] { propertyType });
        il = setter.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Stfld, field);
        il.Emit(OpCodes.Ret);
        property.SetGetMethod(getter);
        property.SetSetMethod(setter);
        return property;
    }

    // CustomAttributeBuilder only accepts runtime types as values; MetadataLoadContext types need
    // the attribute blob written by hand (ECMA-335 II.23.3): prolog, fixed arguments, named properties.
    private static (ConstructorInfo Constructor, byte[] Blob) Attribute(Type attributeType, object[] constructorArguments, params (string Name, object Value)[] named)
    {
        var constructor = attributeType.GetConstructors().Single(c => c.GetParameters().Length == constructorArguments.Length
            && c.GetParameters().Zip(constructorArguments).All(p => Matches(p.First.ParameterType, p.Second)));
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write((ushort)1);
        foreach (var argument in constructorArguments)
        {
            WriteValue(writer, argument);
        }

        writer.Write((ushort)named.Length);
        foreach (var (name, value) in named)
        {
            var elementType = value switch { string => (byte)0x0e, bool => (byte)0x02, int => (byte)0x08, _ => throw new NotSupportedException(value.GetType().Name) };
            writer.Write((byte)0x54);
            if (attributeType.GetProperty(name)!.PropertyType.FullName == "System.Object")
            {
                // An object-typed property (PSDefaultValue.Value) is written as a boxed value: 0x51 then the element type.
                writer.Write((byte)0x51);
                WriteString(writer, name);
                writer.Write(elementType);
            }
            else
            {
                writer.Write(elementType);
                WriteString(writer, name);
            }

            WriteValue(writer, value);
        }

        writer.Flush();
        return (constructor, stream.ToArray());
    }

    private static bool Matches(Type parameterType, object argument) => argument switch
    {
        string => parameterType.FullName == "System.String",
        string[] => parameterType.FullName == "System.String[]",
        Type[] => parameterType.FullName == "System.Type[]",
        _ => false,
    };

    private static void WriteValue(BinaryWriter writer, object value)
    {
        switch (value)
        {
            case string s:
                WriteString(writer, s);
                break;
            case bool b:
                writer.Write(b);
                break;
            case int i:
                writer.Write(i);
                break;
            case string[] strings:
                writer.Write(strings.Length);
                foreach (var item in strings)
                {
                    WriteString(writer, item);
                }

                break;
            case Type[] types:
                writer.Write(types.Length);
                foreach (var type in types)
                {
                    WriteString(writer, type.AssemblyQualifiedName!);
                }

                break;
            default:
                throw new NotSupportedException(value.GetType().Name);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        // Compressed length (ECMA-335 II.23.2): 1, 2 or 4 bytes, big-endian.
        if (bytes.Length < 0x80)
        {
            writer.Write((byte)bytes.Length);
        }
        else if (bytes.Length < 0x4000)
        {
            writer.Write((byte)(0x80 | (bytes.Length >> 8)));
            writer.Write((byte)bytes.Length);
        }
        else
        {
            throw new NotSupportedException("string too long for this fixture");
        }

        writer.Write(bytes);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Restore.HelpBuilder.Metadata;

namespace Restore.PowerShell.Tests.Surface;

/// <summary>Walks type signatures to find which assemblies a public surface depends on.</summary>
public static class TypeSurface
{
    /// <summary>The simple names of every assembly <paramref name="type"/> is built from (element and generic argument types included).</summary>
    public static IEnumerable<string> AssembliesOf(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var name in AssembliesOf(type.GetElementType()!))
            {
                yield return name;
            }

            yield break;
        }

        if (type.IsGenericParameter)
        {
            yield break;
        }

        yield return type.Assembly.GetName().Name!;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                foreach (var name in AssembliesOf(argument))
                {
                    yield return name;
                }
            }
        }
    }

    /// <summary>
    /// The Restore.Engine types the cmdlet assembly's metadata refers to (its TypeRef table): the
    /// engine surface that actually crosses into the cmdlets.
    /// </summary>
    public static IReadOnlyList<Type> EngineTypesReferencedBy(CmdletAssemblyReader reader)
    {
        using var stream = File.OpenRead(reader.AssemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (var handle in metadata.TypeReferences)
        {
            var name = FullName(metadata, handle, out var scope);
            if (scope.Kind == HandleKind.AssemblyReference
                && metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)scope).Name) == "Restore.Engine")
            {
                names.Add(name);
            }
        }

        if (names.Count == 0)
        {
            return Array.Empty<Type>();
        }

        var engine = reader.LoadAssembly("Restore.Engine");
        return names.Distinct(StringComparer.Ordinal)
            .Select(n => engine.GetType(n, throwOnError: true)!)
            .ToList();
    }

    /// <summary>Every type named in the public or protected surface of <paramref name="type"/>, with the member that names it.</summary>
    public static IEnumerable<(string Member, Type Type)> PublicSignatureTypes(Type type)
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is not null)
        {
            yield return ("(base type)", type.BaseType);
        }

        foreach (var implemented in type.GetInterfaces())
        {
            yield return ("(interface)", implemented);
        }

        foreach (var property in type.GetProperties(Flags).Where(p => IsVisible(p.GetMethod) || IsVisible(p.SetMethod)))
        {
            yield return (property.Name, property.PropertyType);
        }

        foreach (var field in type.GetFields(Flags).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
        {
            yield return (field.Name, field.FieldType);
        }

        foreach (var method in type.GetMethods(Flags).Where(m => IsVisible(m) && !m.IsSpecialName))
        {
            yield return (method.Name, method.ReturnType);
            foreach (var parameter in method.GetParameters())
            {
                yield return (method.Name + "(" + parameter.Name + ")", parameter.ParameterType);
            }
        }

        foreach (var constructor in type.GetConstructors(Flags).Where(IsVisible))
        {
            foreach (var parameter in constructor.GetParameters())
            {
                yield return (".ctor(" + parameter.Name + ")", parameter.ParameterType);
            }
        }
    }

    private static bool IsVisible(MethodBase? method) => method is not null && (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly);

    private static string FullName(MetadataReader metadata, TypeReferenceHandle handle, out EntityHandle scope)
    {
        var reference = metadata.GetTypeReference(handle);
        var name = metadata.GetString(reference.Name);
        scope = reference.ResolutionScope;
        if (scope.Kind == HandleKind.TypeReference)
        {
            // A nested type: its scope is the enclosing type.
            return FullName(metadata, (TypeReferenceHandle)scope, out scope) + "+" + name;
        }

        var ns = metadata.GetString(reference.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}

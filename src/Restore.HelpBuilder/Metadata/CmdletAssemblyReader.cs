using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Restore.HelpBuilder.Metadata;

/// <summary>
/// Reads cmdlet classes from a built assembly with MetadataLoadContext: nothing is executed, so the
/// netstandard cmdlet assembly can be inspected from any .NET process without PowerShell.
/// </summary>
public sealed class CmdletAssemblyReader : IDisposable
{
    private const string SmaNamespace = "System.Management.Automation.";
    private const string CmdletBaseType = SmaNamespace + "Cmdlet";
    private const string SwitchParameterType = SmaNamespace + "SwitchParameter";

    private static readonly string[] VerbClasses =
    {
        "VerbsCommon", "VerbsCommunications", "VerbsData", "VerbsDiagnostic", "VerbsLifecycle", "VerbsOther", "VerbsSecurity",
    };

    private static readonly string[] ConfirmImpactNames = { "None", "Low", "Medium", "High" };

    private readonly MetadataLoadContext context;

    private CmdletAssemblyReader(MetadataLoadContext context, Assembly assembly, string path)
    {
        this.context = context;
        Assembly = assembly;
        AssemblyPath = path;
    }

    /// <summary>The cmdlet assembly, loaded for inspection only.</summary>
    public Assembly Assembly { get; }

    /// <summary>Where the cmdlet assembly was read from.</summary>
    public string AssemblyPath { get; }

    /// <summary>
    /// Opens <paramref name="cmdletAssemblyPath"/>. Its references are resolved from its folder, a
    /// <c>dependencies</c> subfolder, the runtime and System.Management.Automation (see
    /// <see cref="ReferenceAssemblyLocator"/>); <paramref name="extraReferencePaths"/> adds files or folders.
    /// </summary>
    public static CmdletAssemblyReader Open(string cmdletAssemblyPath, IEnumerable<string>? extraReferencePaths = null)
    {
        if (!File.Exists(cmdletAssemblyPath))
        {
            throw new FileNotFoundException($"The cmdlet assembly '{cmdletAssemblyPath}' does not exist. Build src/Restore.PowerShell first.", cmdletAssemblyPath);
        }

        var paths = ReferenceAssemblyLocator.ResolverPaths(cmdletAssemblyPath, extraReferencePaths);
        var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        try
        {
            var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(cmdletAssemblyPath));
            return new CmdletAssemblyReader(context, assembly, Path.GetFullPath(cmdletAssemblyPath));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Every public, non-abstract class that derives from Cmdlet and carries <c>[Cmdlet]</c>, ordered by name.</summary>
    public IReadOnlyList<CmdletMetadata> ReadCmdlets()
    {
        var result = new List<CmdletMetadata>();
        foreach (var type in Assembly.GetTypes())
        {
            if (!type.IsClass || type.IsAbstract || !type.IsPublic || !DerivesFrom(type, CmdletBaseType))
            {
                continue;
            }

            var cmdletAttribute = FindAttribute(type.GetCustomAttributesData(), SmaNamespace + "CmdletAttribute");
            if (cmdletAttribute is null)
            {
                continue;
            }

            result.Add(ReadCmdlet(type, cmdletAttribute));
        }

        return result.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The approved verbs, read from the Verbs* classes of System.Management.Automation.</summary>
    public IReadOnlyCollection<string> ApprovedVerbs()
    {
        var sma = context.LoadFromAssemblyName("System.Management.Automation");
        var verbs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var className in VerbClasses)
        {
            var type = sma.GetType(SmaNamespace + className, throwOnError: true)!;
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            {
                if (field.GetRawConstantValue() is string verb)
                {
                    verbs.Add(verb);
                }
            }
        }

        return verbs;
    }

    /// <summary>
    /// Finds a type by full name in the cmdlet assembly or any assembly it references (directly or
    /// through Restore.Engine); null when none defines it.
    /// </summary>
    public Type? FindType(string fullName)
    {
        var clean = fullName.Trim().TrimEnd(']').TrimStart('[');
        foreach (var assembly in ReachableAssemblies())
        {
            var type = assembly.GetType(clean, throwOnError: false);
            if (type is not null)
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Loads an assembly by name into the inspection context.</summary>
    public Assembly LoadAssembly(string name) => context.LoadFromAssemblyName(name);

    /// <inheritdoc />
    public void Dispose() => context.Dispose();

    /// <summary>The friendly type name help shows (<c>String[]</c>, <c>Hashtable</c>; Nullable is unwrapped).</summary>
    public static string DisplayName(Type type)
    {
        if (type.IsArray)
        {
            return DisplayName(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition().FullName;
            var arguments = type.GetGenericArguments();
            if (definition == "System.Nullable`1")
            {
                return DisplayName(arguments[0]);
            }

            var name = type.Name;
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            return (tick > 0 ? name.Substring(0, tick) : name) + "<" + string.Join(", ", arguments.Select(DisplayName)) + ">";
        }

        return type.Name;
    }

    /// <summary>The full name used in MAML (<c>System.String[]</c>); generic arguments are shown by full name.</summary>
    public static string FullDisplayName(Type type)
    {
        if (type.IsArray)
        {
            return FullDisplayName(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType)
        {
            var name = type.GetGenericTypeDefinition().FullName ?? type.Name;
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            return (tick > 0 ? name.Substring(0, tick) : name) + "[" + string.Join(", ", type.GetGenericArguments().Select(FullDisplayName)) + "]";
        }

        return type.FullName ?? type.Name;
    }

    private IEnumerable<Assembly> ReachableAssemblies()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<Assembly>();
        queue.Enqueue(Assembly);
        seen.Add(Assembly.GetName().Name!);
        while (queue.Count > 0)
        {
            var assembly = queue.Dequeue();
            yield return assembly;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is null || !seen.Add(reference.Name))
                {
                    continue;
                }

                Assembly? loaded = null;
                try
                {
                    loaded = context.LoadFromAssemblyName(reference);
                }
                catch (FileNotFoundException)
                {
                    // A reference nobody ships (e.g. a Windows-only facade) cannot define our types.
                }

                if (loaded is not null)
                {
                    queue.Enqueue(loaded);
                }
            }
        }
    }

    private static CmdletMetadata ReadCmdlet(Type type, CustomAttributeData cmdletAttribute)
    {
        var verb = (string)cmdletAttribute.ConstructorArguments[0].Value!;
        var noun = (string)cmdletAttribute.ConstructorArguments[1].Value!;
        var defaultSet = Named<string>(cmdletAttribute, "DefaultParameterSetName");
        var shouldProcess = Named<bool>(cmdletAttribute, "SupportsShouldProcess");
        var impactValue = cmdletAttribute.NamedArguments.FirstOrDefault(a => a.MemberName == "ConfirmImpact").TypedValue.Value;
        var impact = impactValue is int i && i >= 0 && i < ConfirmImpactNames.Length ? ConfirmImpactNames[i] : "Medium";
        var paging = Named<bool>(cmdletAttribute, "SupportsPaging");
        var helpUri = Named<string>(cmdletAttribute, "HelpUri");

        var outputTypes = type.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == SmaNamespace + "OutputTypeAttribute")
            .SelectMany(ReadOutputTypes)
            .ToList();

        var parameters = new List<ParameterMetadata>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // GetProperties lists the most derived declaration first; a hidden base property is not a second parameter.
            var attributes = property.GetCustomAttributesData();
            var parameterAttributes = attributes.Where(a => a.AttributeType.FullName == SmaNamespace + "ParameterAttribute").ToList();
            if (parameterAttributes.Count == 0 || !seen.Add(property.Name))
            {
                continue;
            }

            parameters.Add(ReadParameter(property, attributes, parameterAttributes));
        }

        if (shouldProcess)
        {
            parameters.Add(Synthetic("WhatIf", "wi"));
            parameters.Add(Synthetic("Confirm", "cf"));
        }

        if (paging)
        {
            parameters.Add(SyntheticValue("First", "System.UInt64", "UInt64"));
            parameters.Add(SyntheticValue("Skip", "System.UInt64", "UInt64"));
            parameters.Add(Synthetic("IncludeTotalCount", null));
        }

        return new CmdletMetadata(verb, noun, type.FullName!, defaultSet, shouldProcess, impact, paging, helpUri, outputTypes, parameters);
    }

    private static IEnumerable<OutputTypeMetadata> ReadOutputTypes(CustomAttributeData attribute)
    {
        var sets = attribute.NamedArguments.Where(a => a.MemberName == "ParameterSetName")
            .SelectMany(a => Values(a.TypedValue)).OfType<string>().ToList();
        foreach (var argument in attribute.ConstructorArguments.SelectMany(Values))
        {
            switch (argument)
            {
                case Type t:
                    yield return new OutputTypeMetadata(FullDisplayName(t), t.Assembly.GetName().Name, false, sets);
                    break;
                case string s:
                    yield return new OutputTypeMetadata(s, null, true, sets);
                    break;
            }
        }
    }

    private static ParameterMetadata ReadParameter(PropertyInfo property, IList<CustomAttributeData> attributes, List<CustomAttributeData> parameterAttributes)
    {
        var type = property.PropertyType;
        var sets = parameterAttributes.Select(a =>
        {
            var position = a.NamedArguments.FirstOrDefault(n => n.MemberName == "Position").TypedValue.Value;
            return new ParameterSetMembership(
                Named<string>(a, "ParameterSetName") ?? CmdletMetadata.AllParameterSets,
                Named<bool>(a, "Mandatory"),
                position is int p && p >= 0 ? p : null,
                Named<bool>(a, "ValueFromPipeline"),
                Named<bool>(a, "ValueFromPipelineByPropertyName"),
                Named<bool>(a, "ValueFromRemainingArguments"),
                Named<bool>(a, "DontShow"));
        }).ToList();

        var aliases = attributes.Where(a => a.AttributeType.FullName == SmaNamespace + "AliasAttribute")
            .SelectMany(a => a.ConstructorArguments.SelectMany(Values)).OfType<string>().ToList();
        var wildcards = attributes.Any(a => a.AttributeType.FullName == SmaNamespace + "SupportsWildcardsAttribute");
        var defaultAttribute = FindAttribute(attributes, SmaNamespace + "PSDefaultValueAttribute");
        var defaultValue = defaultAttribute is null ? null : DefaultValueText(defaultAttribute);

        var validValues = attributes.Where(a => a.AttributeType.FullName == SmaNamespace + "ValidateSetAttribute")
            .SelectMany(a => a.ConstructorArguments.SelectMany(Values)).OfType<string>().ToList();
        var valueType = UnwrapForValues(type);
        if (validValues.Count == 0 && valueType.IsEnum)
        {
            validValues = valueType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList();
        }

        var isSwitch = type.FullName == SwitchParameterType;
        return new ParameterMetadata(
            property.Name,
            FullDisplayName(type),
            DisplayName(type),
            isSwitch,
            aliases,
            wildcards,
            defaultValue ?? (isSwitch ? "False" : null),
            validValues,
            addedByCmdletAttribute: false,
            sets);
    }

    /// <summary>
    /// <c>[PSDefaultValue]</c> as help text: the value (from a constant the code runs with), with the
    /// <c>Help</c> text after it in parentheses when there is both; either alone when there is one.
    /// </summary>
    private static string? DefaultValueText(CustomAttributeData attribute)
    {
        var value = Convert.ToString(attribute.NamedArguments.FirstOrDefault(a => a.MemberName == "Value").TypedValue.Value, CultureInfo.InvariantCulture);
        var help = Named<string>(attribute, "Help");
        return (value, help) switch
        {
            ({ Length: > 0 }, { Length: > 0 }) => $"{value} ({help})",
            ({ Length: > 0 }, _) => value,
            _ => help,
        };
    }

    private static ParameterMetadata Synthetic(string name, string? alias) =>
        new(name, SwitchParameterType, "SwitchParameter", true, alias is null ? Array.Empty<string>() : new[] { alias }, false, "False",
            Array.Empty<string>(), addedByCmdletAttribute: true,
            new[] { new ParameterSetMembership(CmdletMetadata.AllParameterSets, false, null, false, false, false, false) });

    private static ParameterMetadata SyntheticValue(string name, string fullType, string displayType) =>
        new(name, fullType, displayType, false, Array.Empty<string>(), false, null, Array.Empty<string>(), addedByCmdletAttribute: true,
            new[] { new ParameterSetMembership(CmdletMetadata.AllParameterSets, false, null, false, false, false, false) });

    private static Type UnwrapForValues(Type type)
    {
        if (type.IsArray)
        {
            return UnwrapForValues(type.GetElementType()!);
        }

        return type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;
    }

    private static IEnumerable<object?> Values(CustomAttributeTypedArgument argument) =>
        argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : new[] { argument.Value };

    private static T? Named<T>(CustomAttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.MemberName == name && argument.TypedValue.Value is T value)
            {
                return value;
            }
        }

        return default;
    }

    private static CustomAttributeData? FindAttribute(IEnumerable<CustomAttributeData> attributes, string fullName) =>
        attributes.FirstOrDefault(a => a.AttributeType.FullName == fullName);

    private static bool DerivesFrom(Type type, string baseFullName)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.FullName == baseFullName)
            {
                return true;
            }
        }

        return false;
    }
}

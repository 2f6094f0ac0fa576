using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;

namespace Restore.Engine.Api;

/// <summary>
/// Turns an engine object into plain data for the public views: its public properties by name (case-insensitive,
/// as PowerShell reads them) in a dictionary, nested objects likewise, lists as lists, enums as their words. The
/// views stay free of the engine's types, and output converts to JSON with words, not numbers.
/// </summary>
internal static class PlainData
{
    private const int MaxDepth = 16;

    /// <summary>The properties of <paramref name="value"/> as a dictionary, in declaration order.</summary>
    public static IReadOnlyDictionary<string, object?> Of(object value) =>
        ObjectOf(value ?? throw new ArgumentNullException(nameof(value)), 0);

    private static Dictionary<string, object?> ObjectOf(object value, int depth)
    {
        var data = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                data[property.Name] = ValueOf(property.GetValue(value), depth + 1);
            }
        }

        return data;
    }

    private static object? ValueOf(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException("PlainData: the object nests too deep.");
        }

        switch (value)
        {
            case null:
                return null;
            case string or bool or char:
                return value;
            case Enum e:
                return e.ToString();
            case IFormattable when value.GetType().IsPrimitive || value is decimal or DateTime or DateTimeOffset or TimeSpan:
                return value;
            case IDictionary map:
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in map)
                {
                    copy[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = ValueOf(entry.Value, depth + 1);
                }

                return copy;
            case IEnumerable list:
                var items = new List<object?>();
                foreach (var item in list)
                {
                    items.Add(ValueOf(item, depth + 1));
                }

                return items;
            default:
                return ObjectOf(value, depth);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restore.Engine.Kubernetes;

/// <summary>What kind of failure a JSON patch ran into (mirrors the sentinel errors of evanphx/json-patch).</summary>
internal enum JsonPatchErrorKind
{
    /// <summary>The patch document itself is malformed (not JSON, not a list of operations, unsupported op).</summary>
    Invalid,

    /// <summary>A path (or a key at the end of a path) does not exist.</summary>
    Missing,

    /// <summary>An array index is out of range or malformed.</summary>
    InvalidIndex,

    /// <summary>A <c>test</c> operation did not hold.</summary>
    TestFailed,

    /// <summary>Any other failure (for example a value that cannot replace the whole document).</summary>
    Other,
}

/// <summary>A JSON patch failed; <see cref="Kind"/> says why.</summary>
internal sealed class JsonPatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JsonPatchException(JsonPatchErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>The failure category.</summary>
    public JsonPatchErrorKind Kind { get; }
}

/// <summary>One RFC 6902 operation.</summary>
internal sealed class JsonPatchOperation
{
    /// <summary>Creates an operation. <paramref name="op"/> is case-sensitive, as in the patch library Velero uses.</summary>
    public JsonPatchOperation(string op, string path, string? from = null, JsonNode? value = null, bool hasValue = true)
    {
        Op = op ?? throw new ArgumentNullException(nameof(op));
        Path = path ?? throw new ArgumentNullException(nameof(path));
        From = from;
        Value = value;
        HasValue = hasValue;
    }

    /// <summary>add, remove, replace, move, copy or test.</summary>
    public string Op { get; }

    /// <summary>The JSON pointer the operation targets.</summary>
    public string Path { get; }

    /// <summary>The source pointer of move and copy, or null.</summary>
    public string? From { get; }

    /// <summary>The operation value (null for JSON null).</summary>
    public JsonNode? Value { get; }

    /// <summary>False when the operation had no <c>value</c> member at all.</summary>
    public bool HasValue { get; }

    /// <summary>The operation as a JSON object with sorted keys.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (From is not null)
        {
            o["from"] = From;
        }

        o["op"] = Op;
        o["path"] = Path;
        if (HasValue)
        {
            o["value"] = JsonValues.Clone(Value);
        }

        return o;
    }
}

/// <summary>
/// An RFC 6902 JSON patch with the default behaviour of evanphx/json-patch v5 (the library Velero uses):
/// negative array indices count from the end, <c>remove</c> of a missing path is an error, <c>add</c> does not
/// create missing parents, <c>test</c> compares JSON values, op names are case-sensitive.
/// </summary>
internal sealed class JsonPatch
{
    private static readonly string[] KnownOps = { "add", "remove", "replace", "move", "copy", "test" };

    /// <summary>Creates a patch from operations, validating them as the library's decoder does.</summary>
    /// <exception cref="JsonPatchException">An operation is unsupported or lacks a required member.</exception>
    public JsonPatch(IEnumerable<JsonPatchOperation> operations)
    {
        Operations = operations.ToArray();
        foreach (var op in Operations)
        {
            string? problem = op.Op switch
            {
                "add" or "replace" when !op.HasValue => "failed to decode 'value': operation, missing value field: missing value",
                "move" or "copy" when op.From is null => "failed to decode 'from': operation, missing from field: missing value",
                _ when Array.IndexOf(KnownOps, op.Op) < 0 => "unsupported operation",
                _ => null,
            };
            if (problem is not null)
            {
                throw new JsonPatchException(JsonPatchErrorKind.Invalid, $"invalid operation {op.ToJson().ToJsonString()}: {problem}");
            }
        }
    }

    /// <summary>The operations in order.</summary>
    public IReadOnlyList<JsonPatchOperation> Operations { get; }

    /// <summary>Reads a patch from JSON text (an array of operation objects).</summary>
    /// <exception cref="JsonPatchException">The text is not valid JSON or not a valid patch.</exception>
    public static JsonPatch Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonValues.Parse(json);
        }
        catch (JsonException)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Invalid, "invalid state detected");
        }

        return FromJson(node);
    }

    /// <summary>Reads a patch from a JSON array of operation objects.</summary>
    /// <exception cref="JsonPatchException">The node is not a valid patch.</exception>
    public static JsonPatch FromJson(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Invalid, "json: cannot unmarshal " + Describe(node) + " into Go value of type jsonpatch.Patch");
        }

        var ops = new List<JsonPatchOperation>();
        foreach (var item in array)
        {
            if (item is not JsonObject o)
            {
                throw new JsonPatchException(JsonPatchErrorKind.Invalid, "json: cannot unmarshal " + Describe(item) + " into Go value of type jsonpatch.Operation");
            }

            string op = o["op"] is JsonValue opValue && opValue.GetValueKind() == JsonValueKind.String ? opValue.GetValue<string>() : "unknown";
            if (!o.TryGetPropertyValue("path", out var pathNode) || pathNode is null)
            {
                throw new JsonPatchException(JsonPatchErrorKind.Invalid, $"invalid operation {o.ToJsonString()}: failed to decode 'path': operation missing path field: missing value");
            }

            if (pathNode.GetValueKind() != JsonValueKind.String)
            {
                throw new JsonPatchException(JsonPatchErrorKind.Invalid, $"invalid operation {o.ToJsonString()}: failed to decode 'path': path must be a string");
            }

            string? from = o["from"] is JsonValue f && f.GetValueKind() == JsonValueKind.String ? f.GetValue<string>() : null;
            bool hasValue = o.TryGetPropertyValue("value", out var value);
            ops.Add(new JsonPatchOperation(op, pathNode.GetValue<string>(), from, JsonValues.Clone(value), hasValue));
        }

        return new JsonPatch(ops);
    }

    /// <summary>
    /// Applies the patch to a copy of <paramref name="document"/> and returns the result. The input is never
    /// modified, so a failing patch leaves it untouched.
    /// </summary>
    /// <exception cref="JsonPatchException">An operation failed; <see cref="JsonPatchException.Kind"/> says how.</exception>
    public JsonNode? Apply(JsonNode? document)
    {
        var root = new Root(JsonValues.Clone(document));
        foreach (var op in Operations)
        {
            switch (op.Op)
            {
                case "add":
                    Add(root, op.Path, op.Value);
                    break;
                case "remove":
                    Remove(root, op.Path);
                    break;
                case "replace":
                    Replace(root, op.Path, op.Value);
                    break;
                case "move":
                    Move(root, op.From!, op.Path);
                    break;
                case "copy":
                    Copy(root, op.From!, op.Path);
                    break;
                default:
                    Test(root, op.Path, op.Value);
                    break;
            }
        }

        return root.Node;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            _ => "bool",
        },
    };

    private static void Add(Root root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            if (value is not JsonObject and not JsonArray)
            {
                throw new JsonPatchException(JsonPatchErrorKind.Other, "json: cannot unmarshal " + Describe(value) + " into the document: the whole document can only be replaced by an object or array");
            }

            root.Node = JsonValues.Clone(value);
            return;
        }

        var (container, key) = FindParent(root, path);
        if (container is null)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"add operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        try
        {
            AddTo(container, key, JsonValues.Clone(value));
        }
        catch (JsonPatchException ex)
        {
            throw new JsonPatchException(ex.Kind, $"error in add for path: '{path}': {ex.Message}");
        }
    }

    private static void AddTo(JsonNode container, string key, JsonNode? value)
    {
        if (container is JsonObject obj)
        {
            obj[key] = value;
            return;
        }

        var array = (JsonArray)container;
        if (key == "-")
        {
            array.Add(value);
            return;
        }

        if (!TryAtoi(key, out long idx))
        {
            throw new JsonPatchException(JsonPatchErrorKind.InvalidIndex, $"value was not a proper array index: '{key}': strconv.Atoi: parsing \"{key}\": invalid syntax");
        }

        long size = array.Count + 1;
        if (idx >= size)
        {
            throw InvalidIndex(idx);
        }

        if (idx < 0)
        {
            if (idx < -size)
            {
                throw InvalidIndex(idx);
            }

            idx += size;
        }

        array.Insert((int)idx, value);
    }

    private static void Remove(Root root, string path)
    {
        var (container, key) = path.Length == 0 ? (root.Node, string.Empty) : FindParent(root, path);
        if (container is null)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        try
        {
            RemoveFrom(container, key);
        }
        catch (JsonPatchException ex)
        {
            throw new JsonPatchException(ex.Kind, $"error in remove for path: '{path}': {ex.Message}");
        }
    }

    private static JsonNode? RemoveFrom(JsonNode container, string key)
    {
        if (container is JsonObject obj)
        {
            if (!obj.TryGetPropertyValue(key, out var existing))
            {
                throw new JsonPatchException(JsonPatchErrorKind.Missing, $"unable to remove nonexistent key: {key}: missing value");
            }

            obj.Remove(key);
            return existing;
        }

        var array = (JsonArray)container;
        int idx = ArrayIndex(array, key, forAdd: false);
        var value = array[idx];
        array.RemoveAt(idx);
        return value;
    }

    private static void Replace(Root root, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            if (value is not JsonObject and not JsonArray)
            {
                throw new JsonPatchException(JsonPatchErrorKind.Other, "replace operation value must be object or array");
            }

            root.Node = JsonValues.Clone(value);
            return;
        }

        var (container, key) = FindParent(root, path);
        if (container is null)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"replace operation does not apply: doc is missing path: {path}: missing value");
        }

        if (!TryGet(container, key, out _, out _))
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"replace operation does not apply: doc is missing key: {path}: missing value");
        }

        if (container is JsonObject obj)
        {
            obj[key] = JsonValues.Clone(value);
        }
        else
        {
            var array = (JsonArray)container;
            array[ArrayIndex(array, key, forAdd: false)] = JsonValues.Clone(value);
        }
    }

    private static void Move(Root root, string from, string path)
    {
        if (from.Length == 0)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Invalid, "unable to move entire document to another path: invalid state detected");
        }

        var (source, sourceKey) = FindParent(root, from);
        if (source is null)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"move operation does not apply: doc is missing from path: {from}: missing value");
        }

        if (!TryGet(source, sourceKey, out _, out var getError))
        {
            throw new JsonPatchException(getError!.Kind, $"error in move for path: '{sourceKey}': {getError.Message}");
        }

        JsonNode? value = RemoveFrom(source, sourceKey);
        var (target, key) = FindParent(root, path);
        if (target is null)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"move operation does not apply: doc is missing destination path: {path}: missing value");
        }

        try
        {
            AddTo(target, key, value);
        }
        catch (JsonPatchException ex)
        {
            throw new JsonPatchException(ex.Kind, $"error in move for path: '{path}': {ex.Message}");
        }
    }

    private static void Copy(Root root, string from, string path)
    {
        JsonNode? value;
        if (from.Length == 0)
        {
            value = root.Node;
        }
        else
        {
            var (source, sourceKey) = FindParent(root, from);
            if (source is null)
            {
                throw new JsonPatchException(JsonPatchErrorKind.Missing, $"copy operation does not apply: doc is missing from path: \"{from}\": missing value");
            }

            if (!TryGet(source, sourceKey, out value, out var getError))
            {
                throw new JsonPatchException(getError!.Kind, $"error in copy for from: '{from}': {getError.Message}");
            }
        }

        var (target, key) = FindParent(root, path);
        if (target is null)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"copy operation does not apply: doc is missing destination path: {path}: missing value");
        }

        try
        {
            AddTo(target, key, JsonValues.Clone(value));
        }
        catch (JsonPatchException ex)
        {
            throw new JsonPatchException(ex.Kind, $"error while adding value during copy: {ex.Message}");
        }
    }

    private static void Test(Root root, string path, JsonNode? expected)
    {
        if (path.Length == 0)
        {
            if (JsonValues.DeepEquals(root.Node, expected) && root.Node is not null)
            {
                return;
            }

            throw new JsonPatchException(JsonPatchErrorKind.TestFailed, $"testing value {path} failed: test failed");
        }

        var (container, key) = FindParent(root, path);
        if (container is null)
        {
            throw new JsonPatchException(JsonPatchErrorKind.Missing, $"test operation does not apply: is missing path: {path}: missing value");
        }

        if (!TryGet(container, key, out var actual, out var error) && error!.Kind != JsonPatchErrorKind.Missing)
        {
            throw new JsonPatchException(error.Kind, $"error in test for path: '{path}': {error.Message}");
        }

        // A missing key and a JSON null both count as "no value": only a null expectation matches them.
        bool actualNull = JsonValues.IsNull(actual);
        bool expectedNull = JsonValues.IsNull(expected);
        if (actualNull || expectedNull)
        {
            if (actualNull && expectedNull)
            {
                return;
            }

            throw new JsonPatchException(JsonPatchErrorKind.TestFailed, $"testing value {path} failed: test failed");
        }

        if (!JsonValues.DeepEquals(actual, expected))
        {
            throw new JsonPatchException(JsonPatchErrorKind.TestFailed, $"testing value {path} failed: test failed");
        }
    }

    /// <summary>
    /// Walks all but the last pointer token. Like evanphx, the text before the first '/' is ignored, and a
    /// pointer that cannot be walked yields no container.
    /// </summary>
    private static (JsonNode? Container, string Key) FindParent(Root root, string path)
    {
        var split = path.Split('/');
        if (split.Length < 2)
        {
            return (null, string.Empty);
        }

        JsonNode? current = root.Node;
        if (current is not JsonObject and not JsonArray)
        {
            return (null, string.Empty);
        }

        for (int i = 1; i < split.Length - 1; i++)
        {
            if (!TryGet(current!, DecodeToken(split[i]), out var next, out _) || next is not JsonObject and not JsonArray)
            {
                return (null, string.Empty);
            }

            current = next;
        }

        return (current, DecodeToken(split[split.Length - 1]));
    }

    private static bool TryGet(JsonNode container, string key, out JsonNode? value, out JsonPatchException? error)
    {
        error = null;
        value = null;
        if (container is JsonObject obj)
        {
            if (obj.TryGetPropertyValue(key, out value))
            {
                return true;
            }

            error = new JsonPatchException(JsonPatchErrorKind.Missing, $"unable to get nonexistent key: {key}: missing value");
            return false;
        }

        var array = (JsonArray)container;
        try
        {
            value = array[ArrayIndex(array, key, forAdd: false)];
            return true;
        }
        catch (JsonPatchException ex)
        {
            error = ex;
            return false;
        }
    }

    private static int ArrayIndex(JsonArray array, string key, bool forAdd)
    {
        if (!TryAtoi(key, out long idx))
        {
            throw new JsonPatchException(JsonPatchErrorKind.InvalidIndex, $"strconv.Atoi: parsing \"{key}\": invalid syntax");
        }

        long count = array.Count + (forAdd ? 1 : 0);
        if (idx < 0)
        {
            if (idx < -count)
            {
                throw InvalidIndex(idx);
            }

            idx += count;
        }

        if (idx >= count)
        {
            throw InvalidIndex(idx);
        }

        return (int)idx;
    }

    private static JsonPatchException InvalidIndex(long idx) =>
        new(JsonPatchErrorKind.InvalidIndex, $"Unable to access invalid index: {idx.ToString(CultureInfo.InvariantCulture)}: invalid index referenced");

    // Go's strconv.Atoi: optional sign, then decimal digits.
    private static bool TryAtoi(string s, out long value)
    {
        value = 0;
        if (s.Length == 0 || char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[s.Length - 1]))
        {
            return false;
        }

        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static string DecodeToken(string token) => token.Replace("~1", "/").Replace("~0", "~");

    private sealed class Root
    {
        public Root(JsonNode? node) => Node = node;

        public JsonNode? Node { get; set; }
    }
}

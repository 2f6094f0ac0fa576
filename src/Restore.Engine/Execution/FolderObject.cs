using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restore.Engine.Planning;

namespace Restore.Engine.Execution;

/// <summary>The object a folder restore writes for a planned item: what a cluster restore would leave on the server.</summary>
internal static class FolderObject
{
    /// <summary>
    /// The planned object, with its restored <c>status</c> when the plan restores it (a cluster restore sets it through
    /// the status subresource after the create; docs/velero-compatibility.md#folder-status). Duplicate keys keep the
    /// last value, as the API server and Velero's decoder do (the plain path passes nested duplicates through as read).
    /// Throws <see cref="JsonException"/> when the bytes are not JSON.
    /// </summary>
    public static JsonObject Build(PlannedItem item)
    {
        if (item.ObjectUtf8 is null)
        {
            throw new JsonException("the planned item has no object");
        }

        using var document = JsonDocument.Parse(item.ObjectUtf8);
        if (ToNode(document.RootElement) is not JsonObject obj)
        {
            throw new JsonException("the item is not a JSON object");
        }

        if (item.RestoreStatus && item.StatusUtf8 is not null)
        {
            using var status = JsonDocument.Parse(item.StatusUtf8);
            obj["status"] = ToNode(status.RootElement);
        }

        return obj;
    }

    private static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = ToNode(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                return new JsonArray(element.EnumerateArray().Select(ToNode).ToArray());
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }
}

using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>Reads and writes <c>metadata.managedFields</c>, and the ownership rule of non-apply writes.</summary>
internal static class ManagedFields
{
    public static List<ManagedFieldsEntry> Read(JsonObject? obj) =>
        obj?["metadata"]?["managedFields"] is JsonArray entries
            ? [.. entries.OfType<JsonObject>().Select(ManagedFieldsEntry.Read).OfType<ManagedFieldsEntry>()]
            : [];

    /// <summary>Writes the entries (dropping the ones that own nothing).</summary>
    public static void Write(JsonObject obj, IEnumerable<ManagedFieldsEntry> entries)
    {
        var list = new JsonArray([.. entries.Where(e => !e.Fields.IsEmpty).Select(e => (JsonNode)e.ToJson())]);
        var metadata = ObjectMeta.Metadata(obj);
        if (list.Count == 0)
        {
            metadata.Remove("managedFields");
        }
        else
        {
            metadata["managedFields"] = list;
        }
    }

    /// <summary>
    /// An update (create, PUT, non-apply PATCH) by <paramref name="manager"/>: it takes ownership of every field whose
    /// value it changed or added, the other managers lose those fields, and nobody keeps a field that no longer exists.
    /// </summary>
    public static void RecordUpdate(JsonObject? old, JsonObject updated, string manager, string? subresource, FieldScope scope, string apiVersion, string time)
    {
        var entries = Read(old);
        var existing = FieldSet.FromObject(updated, FieldScope.Everything);
        var changed = FieldSet.FromObject(updated, scope).Where(path => old is null || Changed(old, updated, path));
        var result = new List<ManagedFieldsEntry>();
        FieldSet mine = changed;
        foreach (var entry in entries)
        {
            if (entry.Is(manager, ManagedFieldsEntry.Update, subresource))
            {
                mine = entry.Fields.Intersect(existing).Union(changed);
            }
            else
            {
                result.Add(entry with { Fields = entry.Fields.Intersect(existing).Except(changed) });
            }
        }

        if (!mine.IsEmpty)
        {
            result.Add(new ManagedFieldsEntry(manager, ManagedFieldsEntry.Update, apiVersion, time, subresource, mine));
        }

        Write(updated, result);
    }

    private static bool Changed(JsonObject old, JsonObject updated, string path)
    {
        var (found, before) = ObjectTree.At(old, path);
        if (!found)
        {
            return true;
        }

        // A list item marker changes only when the item appears; its fields are compared one by one.
        return !path.EndsWith(FieldSet.Separator + ".", StringComparison.Ordinal) && !JsonNode.DeepEquals(before, ObjectTree.At(updated, path).Value);
    }
}

using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Server-side apply (a subset of structured-merge-diff): the applied configuration's fields become the manager's
/// Apply set; a field another manager owns with a different value is a conflict (409) unless forced, when
/// ownership moves; fields the manager applied before and no longer applies are removed unless someone else owns them.
/// </summary>
internal static class ServerSideApply
{
    public static (JsonObject? Result, ApiStatus? Conflict) Apply(
        ResourceType type, JsonObject? live, JsonObject configuration, string manager, bool force, string? subresource, string time)
    {
        var scope = FieldScope.For(type, subresource);
        var applied = scope.Filter(configuration);
        ObjectTree.StripNulls(applied);
        var appliedSet = FieldSet.FromObject(applied, scope);
        var entries = ManagedFields.Read(live);
        var mine = entries.Find(e => e.Is(manager, ManagedFieldsEntry.Apply, subresource));
        var others = entries.Where(e => e != mine).ToList();
        JsonObject result;
        if (live is null)
        {
            result = (JsonObject)applied.DeepClone();
        }
        else
        {
            var conflicts = others
                .Select(e => (Entry: e, Paths: e.Fields.Intersect(appliedSet).Where(p => Differs(live, applied, p)).Paths.Order(StringComparer.Ordinal).ToList()))
                .Where(c => c.Paths.Count > 0)
                .ToList();
            if (conflicts.Count > 0 && !force)
            {
                return (null, ConflictStatus(type, ObjectMeta.Name(live), conflicts));
            }

            foreach (var (entry, paths) in conflicts)
            {
                others[others.IndexOf(entry)] = entry with { Fields = entry.Fields.Except(new FieldSet(paths)) };
            }

            var ownedByOthers = others.Aggregate(new FieldSet(), (all, e) => all.Union(e.Fields));
            var dropped = (mine?.Fields ?? new FieldSet()).Except(appliedSet).Except(ownedByOthers)
                .Where(p => !IsItemStillUsed(p, ownedByOthers, appliedSet));
            result = (JsonObject)live.DeepClone();
            // Whole items first (so their keys still find them), then the deepest fields.
            foreach (var path in dropped.Paths.OrderByDescending(p => p.EndsWith(FieldSet.Separator + ".", StringComparison.Ordinal)).ThenByDescending(p => p.Length))
            {
                ObjectTree.Remove(result, path);
            }

            ObjectTree.Merge(result, applied);
        }

        var apiVersion = Json.String(configuration["apiVersion"]) ?? type.ApiVersion;
        ManagedFields.Write(result, [.. others, new ManagedFieldsEntry(manager, ManagedFieldsEntry.Apply, apiVersion, time, subresource, appliedSet)]);
        return (result, null);
    }

    private static bool Differs(JsonObject live, JsonObject applied, string path)
    {
        if (path.EndsWith(FieldSet.Separator + ".", StringComparison.Ordinal))
        {
            return false;
        }

        var (found, current) = ObjectTree.At(live, path);
        return !found || !JsonNode.DeepEquals(current, ObjectTree.At(applied, path).Value);
    }

    /// <summary>A list item stays while anyone still owns a field inside it.</summary>
    private static bool IsItemStillUsed(string path, FieldSet ownedByOthers, FieldSet applied)
    {
        if (!path.EndsWith(FieldSet.Separator + ".", StringComparison.Ordinal))
        {
            return false;
        }

        var item = path[..^1];
        return ownedByOthers.Paths.Concat(applied.Paths).Any(p => p.StartsWith(item, StringComparison.Ordinal));
    }

    private static ApiStatus ConflictStatus(ResourceType type, string name, List<(ManagedFieldsEntry Entry, List<string> Paths)> conflicts)
    {
        var causes = conflicts
            .SelectMany(c => c.Paths.Select(p => new StatusCause(
                StatusCause.FieldManagerConflict, $"conflict with \"{c.Entry.Manager}\" using {c.Entry.ApiVersion}", FieldSet.Display(p))))
            .ToList();
        var message = causes.Count == 1
            ? $"Apply failed with 1 conflict: {causes[0].Message}: {causes[0].Field}"
            : $"Apply failed with {causes.Count} conflicts: " + string.Join(
                "\n", conflicts.Select(c => $"conflicts with \"{c.Entry.Manager}\" using {c.Entry.ApiVersion}:\n" + string.Join("\n", c.Paths.Select(p => "- " + FieldSet.Display(p)))));
        return new ApiStatus(409, "Conflict", message, new StatusDetails(name, type.Group, type.Plural, causes));
    }
}

using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// The part of strategic merge patch that kubectl's client-side apply and <c>kubectl patch</c> use on built-in kinds:
/// maps merge, <c>null</c> removes, the well-known list-maps (<see cref="ListMapKeys"/>) merge by key with
/// <c>$patch: delete|replace</c>, <c>finalizers</c> merge as a set, <c>$retainKeys</c> and
/// <c>$deleteFromPrimitiveList/…</c> are honoured, <c>$setElementOrder/…</c> is ignored, other lists are replaced.
/// </summary>
internal static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";

    public static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        if (Json.String(patch[Directive]) == "replace")
        {
            return Strip(patch);
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (target[field] is JsonArray list && value is JsonArray remove)
                {
                    var drop = remove.Select(r => r?.ToJsonString()).ToHashSet();
                    target[field] = new JsonArray([.. list.Where(i => !drop.Contains(i?.ToJsonString())).Select(i => i?.DeepClone())]);
                }
            }
            else if (key.StartsWith('$'))
            {
                continue;
            }
            else if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchChild && target[key] is JsonObject targetChild)
            {
                var merged = Apply(targetChild, patchChild);
                if (!ReferenceEquals(merged, targetChild))
                {
                    target[key] = merged;
                }
            }
            else if (value is JsonArray patchList)
            {
                target[key] = MergeList(key, target[key] as JsonArray, patchList);
            }
            else
            {
                target[key] = value is JsonObject o ? Strip(o) : value.DeepClone();
            }
        }

        if (patch[RetainKeys] is JsonArray retain)
        {
            var keep = retain.Select(Json.String).ToHashSet();
            foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                target.Remove(key);
            }
        }

        return target;
    }

    private static JsonArray MergeList(string field, JsonArray? target, JsonArray patch)
    {
        if (field == "finalizers" && target is not null)
        {
            var union = target.Select(i => i?.DeepClone()).ToList();
            union.AddRange(patch.Where(p => !target.Any(t => JsonNode.DeepEquals(t, p))).Select(p => p?.DeepClone()));
            return new JsonArray([.. union]);
        }

        var keys = ListMapKeys.For(field, patch.Where(p => p is JsonObject o && o[Directive] is null), target);
        if (target is null || keys is null)
        {
            return new JsonArray([.. patch.Select(p => p is JsonObject o ? Strip(o) : p?.DeepClone())]);
        }

        var result = (JsonArray)target.DeepClone();
        foreach (var item in patch.OfType<JsonObject>())
        {
            var key = ListMapKeys.KeyOf(item, keys);
            var existing = ListMapKeys.Find(result, keys, key);
            if (Json.String(item[Directive]) == "delete")
            {
                if (existing is not null)
                {
                    result.Remove(existing);
                }
            }
            else if (existing is null)
            {
                result.Add(Strip(item));
            }
            else
            {
                var index = result.IndexOf(existing);
                result[index] = Apply((JsonObject)existing.DeepClone(), item);
            }
        }

        return result;
    }

    private static JsonObject Strip(JsonObject patch)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in patch)
        {
            if (!key.StartsWith('$'))
            {
                copy[key] = value is JsonObject o ? Strip(o) : value?.DeepClone();
            }
        }

        return copy;
    }
}

using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>Sets a <c>status.conditions</c> entry the way controllers do: lastTransitionTime moves only when the status does.</summary>
internal static class Conditions
{
    public static bool Set(JsonObject obj, string type, bool status, string reason, string message, string now)
    {
        if (obj["status"] is not JsonObject statusObject)
        {
            statusObject = [];
            obj["status"] = statusObject;
        }

        if (statusObject["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            statusObject["conditions"] = conditions;
        }

        var value = status ? "True" : "False";
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.String(c["type"]) == type);
        if (existing is not null && Json.String(existing["status"]) == value && Json.String(existing["reason"]) == reason && Json.String(existing["message"]) == message)
        {
            return false;
        }

        var condition = new JsonObject
        {
            ["type"] = type,
            ["status"] = value,
            ["lastTransitionTime"] = existing is not null && Json.String(existing["status"]) == value ? existing["lastTransitionTime"]?.DeepClone() : now,
            ["reason"] = reason,
            ["message"] = message,
        };
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }

        return true;
    }

    public static bool IsTrue(JsonObject? obj, string type) =>
        (obj?["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => Json.String(c["type"]) == type && Json.String(c["status"]) == "True");
}

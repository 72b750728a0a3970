using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>The <c>details</c> of a Status: which object, and for Invalid and apply conflicts, the causes.</summary>
internal sealed record StatusDetails(string? Name, string Group, string Kind, IReadOnlyList<StatusCause>? Causes = null)
{
    public JsonObject ToJson()
    {
        var details = new JsonObject();
        if (Name is not null)
        {
            details["name"] = Name;
        }

        if (Group.Length > 0)
        {
            details["group"] = Group;
        }

        details["kind"] = Kind;
        if (Causes is { Count: > 0 })
        {
            var causes = new JsonArray();
            foreach (var cause in Causes)
            {
                causes.Add(new JsonObject { ["reason"] = cause.Reason, ["message"] = cause.Message, ["field"] = cause.Field });
            }

            details["causes"] = causes;
        }

        return details;
    }
}

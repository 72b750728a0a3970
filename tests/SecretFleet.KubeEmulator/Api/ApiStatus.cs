using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A failed request as the API server reports it: a <c>meta/v1 Status</c> with the HTTP code,
/// the machine-readable reason and, where it helps a client, details naming the object and the fields at fault.
/// </summary>
internal sealed record ApiStatus(int Code, string Reason, string Message, StatusDetails? Details = null)
{
    public static ApiStatus NotFound(string qualifiedResource, string name, string group, string resource) =>
        new(404, "NotFound", $"{qualifiedResource} \"{name}\" not found", new StatusDetails(name, group, resource));

    public static ApiStatus UnknownResource() =>
        new(404, "NotFound", "the server could not find the requested resource");

    public static ApiStatus AlreadyExists(string qualifiedResource, string name, string group, string resource) =>
        new(409, "AlreadyExists", $"{qualifiedResource} \"{name}\" already exists", new StatusDetails(name, group, resource));

    public static ApiStatus Conflict(string qualifiedResource, string name, string group, string resource, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {qualifiedResource} \"{name}\": {why}",
            new StatusDetails(name, group, resource));

    public static ApiStatus Invalid(string qualifiedKind, string name, string group, string kind, IReadOnlyList<StatusCause> causes) =>
        new(422, "Invalid",
            $"{qualifiedKind} \"{name}\" is invalid: " + (causes.Count == 1
                ? Describe(causes[0])
                : "[" + string.Join(", ", causes.Select(Describe)) + "]"),
            new StatusDetails(name, group, kind, causes));

    public static ApiStatus BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiStatus Gone(string message) => new(410, "Expired", message);

    public static ApiStatus MethodNotAllowed(string method, string what) =>
        new(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({method} {what})");

    public static ApiStatus Forbidden(string message, string? name = null, string? group = null, string? resource = null) =>
        new(403, "Forbidden", message, name is null ? null : new StatusDetails(name, group ?? "", resource ?? ""));

    public static ApiStatus Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiStatus UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got {contentType})");

    public JsonObject ToJson()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.ToJson();
        }

        status["code"] = Code;
        return status;
    }

    private static string Describe(StatusCause cause) =>
        cause.Field.Length == 0 ? cause.Message : $"{cause.Field}: {cause.Message}";
}

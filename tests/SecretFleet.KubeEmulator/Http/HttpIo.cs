using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>Reading request bodies and writing JSON answers, Status errors and Warning headers.</summary>
internal static class HttpIo
{
    public static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body, IReadOnlyList<string>? warnings = null)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        foreach (var warning in warnings ?? [])
        {
            context.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext context, ApiStatus status) => WriteJsonAsync(context, status.Code, status.ToJson());

    public static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    /// <summary>The body as a JSON object, or the 400 a real server gives for an undecodable body.</summary>
    public static async Task<(JsonObject? Body, ApiStatus? Error)> ReadObjectAsync(HttpContext context)
    {
        var text = await ReadBodyAsync(context);
        try
        {
            return JsonNode.Parse(text) is JsonObject obj
                ? (obj, null)
                : (null, ApiStatus.BadRequest("the body of the request is not a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, ApiStatus.BadRequest($"the body of the request was in an unknown format: {e.Message}"));
        }
    }

    public static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    public static bool QueryFlag(HttpContext context, string name) =>
        Query(context, name) is "true" or "1";
}

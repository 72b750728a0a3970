using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// What one API operation produced: the object (or list) on success with its HTTP code, or the Status on failure.
/// Warnings travel as HTTP <c>Warning</c> headers, like a real server's.
/// </summary>
internal sealed record ApiResult(JsonObject? Object, ApiStatus? Error, int Code, IReadOnlyList<string> Warnings)
{
    public bool IsSuccess => Error is null;

    public static ApiResult Ok(JsonObject value, int code = 200, IReadOnlyList<string>? warnings = null) =>
        new(value, null, code, warnings ?? []);

    public static ApiResult Fail(ApiStatus status) => new(null, status, status.Code, []);

    public static implicit operator ApiResult(ApiStatus status) => Fail(status);

    /// <summary>The object on success; for callers (controllers, tests) that treat failure as a bug.</summary>
    public JsonObject Value =>
        Object ?? throw new InvalidOperationException($"The emulated API call failed: {Error!.Code} {Error.Reason}: {Error.Message}");
}

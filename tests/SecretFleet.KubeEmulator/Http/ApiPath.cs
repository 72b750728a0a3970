namespace SecretFleet.KubeEmulator;

/// <summary>
/// A resource URL taken apart: <c>/api/v1/namespaces/{ns}/{plural}/{name}/{subresource}</c>,
/// <c>/apis/{group}/{version}/{plural}/{name}</c>, and the legacy <c>…/watch/…</c> forms.
/// </summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string Plural, string? Name, string? Subresource, bool LegacyWatch)
{
    /// <summary>The parsed path, or null when the URL is not a resource URL (discovery, health, unknown).</summary>
    public static ApiPath? Parse(string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group, version;
        string[] rest;
        switch (segments)
        {
            case ["api", var v, .. var tail] when tail.Length > 0:
                (group, version, rest) = ("", v, tail);
                break;
            case ["apis", var g, var v, .. var tail] when tail.Length > 0:
                (group, version, rest) = (g, v, tail);
                break;
            default:
                return null;
        }

        var watch = rest[0] == "watch";
        if (watch)
        {
            rest = rest[1..];
        }

        string? ns = null;
        if (rest is ["namespaces", var namespaceName, var next, ..] && !(rest.Length == 3 && next is "status" or "finalize"))
        {
            ns = namespaceName;
            rest = rest[2..];
        }

        return rest switch
        {
            [var plural] => new ApiPath(group, version, ns, plural, null, null, watch),
            [var plural, var name] => new ApiPath(group, version, ns, plural, name, null, watch),
            [var plural, var name, var sub] => new ApiPath(group, version, ns, plural, name, sub, watch),
            _ => null,
        };
    }
}

namespace SecretFleet.KubeEmulator;

/// <summary>
/// What a request asks to do, in the terms RBAC rules are written in: the real API server's request info
/// (verb from the HTTP method, <c>list</c>/<c>watch</c> for a GET without a name, <c>deletecollection</c> for a DELETE
/// without one), or the path of a non-resource request such as discovery.
/// </summary>
internal sealed record RequestAttributes(
    string Verb,
    string Path,
    bool IsResourceRequest,
    string Group = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "")
{
    /// <summary>The attributes of <paramref name="method"/> on <paramref name="path"/>; <paramref name="watch"/> is the <c>watch</c> query flag.</summary>
    public static RequestAttributes Of(string method, string path, bool watch)
    {
        if (ApiPath.Parse(path) is not { } api)
        {
            return new RequestAttributes(method.ToLowerInvariant(), path, false);
        }

        var name = api.Name ?? "";

        // The real server files a namespace (and its status/finalize) under itself, so a RoleBinding there can grant it.
        var ns = api.Group.Length == 0 && api.Plural == "namespaces" && name.Length > 0 ? name : api.Namespace ?? "";
        var verb = method switch
        {
            "GET" or "HEAD" when api.LegacyWatch => "watch",
            "GET" or "HEAD" => name.Length > 0 ? "get" : watch ? "watch" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length > 0 ? "delete" : "deletecollection",
            _ => method.ToLowerInvariant(),
        };
        return new RequestAttributes(verb, path, true, api.Group, api.Plural, api.Subresource ?? "", ns, name);
    }

    /// <summary>
    /// <c>pods/exec</c>, <c>pods/attach</c> and <c>pods/portforward</c>: a WebSocket opens them with a GET, yet they act
    /// like SPDY's POST, so Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, on by default) also requires
    /// <c>create</c>.
    /// </summary>
    public bool OpensPodStream =>
        IsResourceRequest && Group.Length == 0 && Resource == "pods" && Subresource is "exec" or "attach" or "portforward";

    /// <summary><c>pods/portforward</c>: how rules and messages name a subresource.</summary>
    public string ResourceWithSubresource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";

    /// <summary>The 403 the real server answers, worded as its <c>responsewriters.Forbidden</c> words it.</summary>
    public ApiStatus Forbidden(KubeUser user, string reason)
    {
        var refusal = !IsResourceRequest
            ? $"User \"{user.Name}\" cannot {Verb} path \"{Path}\""
            : Namespace.Length > 0
                ? $"User \"{user.Name}\" cannot {Verb} resource \"{ResourceWithSubresource}\" in API group \"{Group}\" in the namespace \"{Namespace}\""
                : $"User \"{user.Name}\" cannot {Verb} resource \"{ResourceWithSubresource}\" in API group \"{Group}\" at the cluster scope";
        if (reason.Length > 0)
        {
            refusal += ": " + reason;
        }

        if (!IsResourceRequest)
        {
            return new ApiStatus(403, "Forbidden", "forbidden: " + refusal);
        }

        var qualified = new GroupResource(Group, Resource).ToString();
        var subject = Name.Length > 0 ? $"{qualified} \"{Name}\"" : qualified;
        return new ApiStatus(403, "Forbidden", $"{subject} is forbidden: {refusal}", new StatusDetails(Name.Length > 0 ? Name : null, Group, Resource));
    }
}

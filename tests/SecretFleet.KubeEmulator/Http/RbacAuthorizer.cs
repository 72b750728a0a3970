using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Decides whether a user may make a request, as a real API server with <c>--authorization-mode=RBAC</c> does:
/// <c>system:masters</c> first, then the Roles and ClusterRoles bound to the user (by name, group or service
/// account) through ClusterRoleBindings and the RoleBindings of the request's namespace. Bindings are read from the
/// store on every request, so a binding a test creates applies to the next request.
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store)
{
    /// <summary>
    /// The defaults a real cluster binds to <c>system:authenticated</c> (ClusterRoles <c>system:discovery</c> and
    /// <c>system:public-info-viewer</c>); the emulator does not seed them as objects, so they hold here.
    /// </summary>
    private static readonly PolicyRule Discovery = new(["get"], [], [], [],
        ["/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/version", "/version/", "/healthz", "/livez", "/readyz"]);

    /// <summary>The 403 for a refused request, or null when <paramref name="user"/> may make it.</summary>
    public ApiStatus? Refusal(KubeUser user, RequestAttributes request)
    {
        if (user.IsPrivileged)
        {
            return null;
        }

        var (allowed, reason) = Authorize(user, request);
        if (allowed && request.OpensPodStream && request.Verb == "get")
        {
            request = request with { Verb = "create" };
            (allowed, reason) = Authorize(user, request);
        }

        return allowed ? null : request.Forbidden(user, reason);
    }

    private (bool Allowed, string Reason) Authorize(KubeUser user, RequestAttributes request)
    {
        if (!request.IsResourceRequest && Discovery.Allows(request))
        {
            return (true, "");
        }

        // The real authorizer explains a refusal only by the bindings it could not follow (a missing role).
        var errors = new List<string>();
        foreach (var binding in store.List(BuiltInResources.ClusterRoleBindings, null).Items)
        {
            if (Grants(binding.Parse(), "", user, request, errors))
            {
                return (true, "");
            }
        }

        if (request.Namespace.Length > 0)
        {
            foreach (var binding in store.List(BuiltInResources.RoleBindings, request.Namespace).Items)
            {
                if (Grants(binding.Parse(), request.Namespace, user, request, errors))
                {
                    return (true, "");
                }
            }
        }

        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return (false, distinct.Count switch
        {
            0 => "",
            1 => "RBAC: " + distinct[0],
            _ => "RBAC: [" + string.Join(", ", distinct) + "]",
        });
    }

    private bool Grants(JsonObject binding, string bindingNamespace, KubeUser user, RequestAttributes request, List<string> errors)
    {
        if (binding["subjects"] is not JsonArray subjects || !subjects.OfType<JsonObject>().Any(s => AppliesTo(s, bindingNamespace, user)))
        {
            return false;
        }

        var kind = Json.String(binding["roleRef"]?["kind"]) ?? "";
        var name = Json.String(binding["roleRef"]?["name"]) ?? "";
        var role = kind switch
        {
            "ClusterRole" => store.Get(BuiltInResources.ClusterRoles, null, name),
            "Role" when bindingNamespace.Length > 0 => store.Get(BuiltInResources.Roles, bindingNamespace, name),
            _ => null,
        };
        if (role is null)
        {
            errors.Add(kind switch
            {
                "ClusterRole" => $"clusterrole.rbac.authorization.k8s.io \"{name}\" not found",
                "Role" => $"role.rbac.authorization.k8s.io \"{name}\" not found",
                _ => $"unsupported role reference kind: \"{kind}\"",
            });
            return false;
        }

        return PolicyRule.Of(role.Parse()).Any(rule => rule.Allows(request));
    }

    private static bool AppliesTo(JsonObject subject, string bindingNamespace, KubeUser user)
    {
        var name = Json.String(subject["name"]) ?? "";
        switch (Json.String(subject["kind"]))
        {
            case "User":
                return user.Name == name;
            case "Group":
                return user.Groups.Contains(name, StringComparer.Ordinal);
            case "ServiceAccount":
                // A subject without a namespace means the binding's own (none for a ClusterRoleBinding).
                var ns = Json.String(subject["namespace"]) is { Length: > 0 } own ? own : bindingNamespace;
                return ns.Length > 0 && user.Name == $"system:serviceaccount:{ns}:{name}";
            default:
                return false;
        }
    }
}

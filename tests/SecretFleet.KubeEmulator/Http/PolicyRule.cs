using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One entry of a Role's or ClusterRole's <c>rules</c>, matched the way the real RBAC authorizer matches it
/// (k8s.io/component-helpers/auth/rbac/validation): <c>*</c> for verbs, groups and resources, <c>*/sub</c> for a
/// subresource of any resource, <c>resourceNames</c> only for requests that carry a name, trailing <c>*</c> in URLs.
/// </summary>
internal sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    private const string All = "*";

    public static IReadOnlyList<PolicyRule> Of(JsonObject role) =>
        role["rules"] is JsonArray rules
            ? [.. rules.OfType<JsonObject>().Select(r => new PolicyRule(
                Strings(r["verbs"]), Strings(r["apiGroups"]), Strings(r["resources"]), Strings(r["resourceNames"]), Strings(r["nonResourceURLs"])))]
            : [];

    public bool Allows(RequestAttributes request) =>
        Matches(Verbs, request.Verb) && (request.IsResourceRequest
            ? Matches(ApiGroups, request.Group) && ResourceMatches(request) && ResourceNameMatches(request.Name)
            : NonResourceUrls.Any(url => url == request.Path || (url.EndsWith(All, StringComparison.Ordinal) && request.Path.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal))));

    private static bool Matches(IReadOnlyList<string> allowed, string requested) =>
        allowed.Any(a => a == All || a == requested);

    // "pods" does not cover "pods/log": a subresource is granted by its own name, "*/log", or "*".
    private bool ResourceMatches(RequestAttributes request) =>
        Resources.Any(r => r == All || r == request.ResourceWithSubresource
            || (request.Subresource.Length > 0 && r == "*/" + request.Subresource));

    // A list, watch or create carries no name, so a rule restricted to names never grants it.
    private bool ResourceNameMatches(string name) =>
        ResourceNames.Count == 0 || (name.Length > 0 && ResourceNames.Contains(name, StringComparer.Ordinal));

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(Json.String).OfType<string>()] : [];
}

using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Everything the emulator knows about one served resource in one version: names for discovery,
/// scope, subresources, how objects are validated and how <c>kubectl get</c> prints them.
/// </summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    bool HasStatus,
    bool HasScale,
    ValidationSource Validation,
    IReadOnlyList<TableColumn> Columns)
{
    /// <summary>For custom resources: the version's <c>openAPIV3Schema</c>, if any.</summary>
    public JsonObject? Schema { get; init; }

    /// <summary>Whether objects carry <c>metadata.generation</c> that moves with their desired state.</summary>
    public bool TracksGeneration { get; init; } = true;

    /// <summary>The verbs announced in discovery; <c>kubectl</c> picks commands from them.</summary>
    public IReadOnlyList<string> Verbs { get; init; } =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public GroupResource GroupResource => new(Group, Plural);

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary><c>statefulsets.apps</c>: how error messages name the resource.</summary>
    public string QualifiedResource => GroupResource.ToString();

    /// <summary><c>StatefulSet.apps</c>: how Invalid messages name the kind.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public ApiStatus NotFound(string name) => ApiStatus.NotFound(QualifiedResource, name, Group, Plural);

    public ApiStatus AlreadyExists(string name) => ApiStatus.AlreadyExists(QualifiedResource, name, Group, Plural);

    public ApiStatus Conflict(string name, string why) => ApiStatus.Conflict(QualifiedResource, name, Group, Plural, why);

    public ApiStatus Invalid(string name, IReadOnlyList<StatusCause> causes) => ApiStatus.Invalid(QualifiedKind, name, Group, Kind, causes);
}

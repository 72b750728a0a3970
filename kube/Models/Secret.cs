namespace SecretFleet.Kube.Models;

/// <summary>core/v1 Secret. <see cref="Data"/> values are raw bytes (base64 on the wire).</summary>
public sealed record Secret : IKubeObject<Secret>
{
    public static KubeResource Resource => KubeResources.Secrets;

    public string? ApiVersion { get; init; } = "v1";

    public string? Kind { get; init; } = "Secret";

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>Opaque, kubernetes.io/tls, …</summary>
    public string? Type { get; init; }

    public IReadOnlyDictionary<string, byte[]>? Data { get; init; }

    /// <summary>Write-only convenience the API server merges into <see cref="Data"/>.</summary>
    public IReadOnlyDictionary<string, string>? StringData { get; init; }

    public bool? Immutable { get; init; }

    // Records print every member; a Secret must never print its values (logs, exception messages).
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Metadata = ").Append(Metadata.Namespace).Append('/').Append(Metadata.Name)
            .Append(", Type = ").Append(Type)
            .Append(", Keys = [").AppendJoin(", ", Data?.Keys ?? []).Append(']');
        return true;
    }
}

namespace SecretFleet.KubeEmulator;

/// <summary>Where the schema that checks a kind's objects comes from.</summary>
internal enum ValidationSource
{
    /// <summary>Stored as sent (apart from metadata rules).</summary>
    None,

    /// <summary>The upstream JSON schema in npm <c>kubernetes-models</c> / <c>@kubernetes-models/cert-manager</c>.</summary>
    Upstream,

    /// <summary>The <c>openAPIV3Schema</c> (and <c>x-kubernetes-validations</c>) of a CustomResourceDefinition.</summary>
    CustomResourceDefinition,
}

namespace SecretFleet.Operator.Rendering;

/// <summary>How render prints: YAML documents separated by <c>---</c>, or one JSON <c>v1 List</c>.</summary>
internal enum RenderFormat
{
    Yaml,
    Json,
}

using System.Text.Json.Nodes;

namespace SecretFleet.Operator.Rendering;

/// <summary>One document of a manifest file: its position (1-based) and its content as JSON (null for an empty document).</summary>
internal sealed record ManifestDocument(int Number, JsonNode? Content);

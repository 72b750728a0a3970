using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SecretFleet.Kube.Models;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Kube.Json;

/// <summary>Source-generated serializers for the kinds we type; anything else falls back to reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(KubeTimeConverter)])]
[JsonSerializable(typeof(ObjectMeta))]
[JsonSerializable(typeof(ApiStatus))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(KubeList<Pod>))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(KubeList<Secret>))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(StatefulSet))]
[JsonSerializable(typeof(KubeList<StatefulSet>))]
[JsonSerializable(typeof(KubeObject))]
[JsonSerializable(typeof(KubeList<KubeObject>))]
[JsonSerializable(typeof(SecretCluster))]
[JsonSerializable(typeof(KubeList<SecretCluster>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class KubeJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;
using SecretFleet.Kube.Json;

namespace SecretFleet.Kube.Models;

/// <summary>events.k8s.io/v1 Event. `kubectl get events` and `kubectl describe` show these too.</summary>
public sealed record Event : IKubeObject<Event>
{
    public static KubeResource Resource => KubeResources.Events;

    public string? ApiVersion { get; init; } = "events.k8s.io/v1";

    public string? Kind { get; init; } = "Event";

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>Required by the API server.</summary>
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>"Normal" or "Warning".</summary>
    public string? Type { get; init; }

    /// <summary>CamelCase, e.g. EpochCompleted.</summary>
    public string? Reason { get; init; }

    /// <summary>What was done: Reconcile, Refresh, Scale, …</summary>
    public string? Action { get; init; }

    /// <summary>Human-readable, at most 1 kB.</summary>
    public string? Note { get; init; }

    public ObjectReference? Regarding { get; init; }

    public ObjectReference? Related { get; init; }

    /// <summary>e.g. secretfleet.io/operator.</summary>
    public string? ReportingController { get; init; }

    /// <summary>e.g. the operator pod's name.</summary>
    public string? ReportingInstance { get; init; }

    public EventSeries? Series { get; init; }
}

public sealed record EventSeries
{
    public int Count { get; init; }

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset LastObservedTime { get; init; }
}

using System.Text.Json.Nodes;

namespace SecretFleet.Kube.Models;

/// <summary>core/v1 Pod: metadata and the status fields the operator and the CLI read; the spec stays raw.</summary>
public sealed record Pod : IKubeObject<Pod>
{
    public static KubeResource Resource => KubeResources.Pods;

    public string? ApiVersion { get; init; } = "v1";

    public string? Kind { get; init; } = "Pod";

    public ObjectMeta Metadata { get; init; } = new();

    public JsonObject? Spec { get; init; }

    public PodStatus? Status { get; init; }

    /// <summary>True when the pod's Ready condition is True (all containers ready, probes passing).</summary>
    public bool IsReady => Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}

public sealed record PodStatus
{
    /// <summary>Pending, Running, Succeeded, Failed or Unknown (a string: the API may add values).</summary>
    public string? Phase { get; init; }

    public string? PodIP { get; init; }

    public string? HostIP { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public IReadOnlyList<PodCondition>? Conditions { get; init; }

    public IReadOnlyList<ContainerStatus>? ContainerStatuses { get; init; }
}

public sealed record PodCondition
{
    public string Type { get; init; } = "";

    /// <summary>"True", "False" or "Unknown".</summary>
    public string Status { get; init; } = "";

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }
}

public sealed record ContainerStatus
{
    public string Name { get; init; } = "";

    public bool Ready { get; init; }

    public bool? Started { get; init; }

    public int RestartCount { get; init; }

    public string? Image { get; init; }

    /// <summary>Raw: waiting/running/terminated with reasons, read only for diagnostics.</summary>
    public JsonObject? State { get; init; }
}

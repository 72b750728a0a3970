using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>The <c>kubectl get</c> columns of the built-in kinds, close to what a real server prints.</summary>
internal static class BuiltInColumns
{
    public static IReadOnlyList<TableColumn> Default { get; } = [Cells.Name, Cells.Age];

    public static IReadOnlyList<TableColumn> For(string plural) => plural switch
    {
        "configmaps" => [Cells.Name, Cells.Column("Data", o => Cells.Count(o, "data") + Cells.Count(o, "binaryData"), type: "integer"), Cells.Age],
        "secrets" => [Cells.Name, Cells.Column("Type", o => Cells.Text(o, "type")), Cells.Column("Data", o => Cells.Count(o, "data"), type: "integer"), Cells.Age],
        "namespaces" => [Cells.Name, Cells.Column("Status", o => Cells.Text(o, "status", "phase")), Cells.Age],
        "pods" => [Cells.Name, Cells.Column("Ready", PodReady), Cells.Column("Status", PodStatus), Cells.Column("Restarts", PodRestarts, type: "integer"), Cells.Age,
            Cells.Column("IP", o => Cells.TextOr(o, "<none>", "status", "podIP"), priority: 1)],
        "services" => [Cells.Name, Cells.Column("Type", o => Cells.Text(o, "spec", "type")), Cells.Column("Cluster-IP", o => Cells.TextOr(o, "<none>", "spec", "clusterIP")),
            Cells.Column("External-IP", _ => "<none>"), Cells.Column("Port(s)", ServicePorts), Cells.Age],
        "statefulsets" => [Cells.Name, Cells.Column("Ready", o => Cells.Ratio(Cells.Number(o, "status", "readyReplicas"), Cells.Number(o, "spec", "replicas"))), Cells.Age],
        "deployments" => [Cells.Name, Cells.Column("Ready", o => Cells.Ratio(Cells.Number(o, "status", "readyReplicas"), Cells.Number(o, "spec", "replicas"))),
            Cells.Column("Up-to-date", o => Cells.Number(o, "status", "updatedReplicas"), type: "integer"),
            Cells.Column("Available", o => Cells.Number(o, "status", "availableReplicas"), type: "integer"), Cells.Age],
        "persistentvolumeclaims" => [Cells.Name, Cells.Column("Status", o => Cells.Text(o, "status", "phase")),
            Cells.Column("Capacity", o => Cells.TextOr(o, "", "spec", "resources", "requests", "storage")), Cells.Age],
        "poddisruptionbudgets" => [Cells.Name, Cells.Column("Min Available", o => Cells.TextOr(o, "N/A", "spec", "minAvailable")),
            Cells.Column("Max Unavailable", o => Cells.TextOr(o, "N/A", "spec", "maxUnavailable")),
            Cells.Column("Allowed Disruptions", o => Cells.Number(o, "status", "disruptionsAllowed"), type: "integer"), Cells.Age],
        "leases" => [Cells.Name, Cells.Column("Holder", o => Cells.TextOr(o, "", "spec", "holderIdentity")), Cells.Age],
        "events" => [Cells.Column("Last Seen", o => Cells.Text(o, "lastTimestamp") ?? Cells.Text(o, "eventTime") ?? Cells.Text(o, "metadata", "creationTimestamp"), type: "date"),
            Cells.Column("Type", o => Cells.Text(o, "type")), Cells.Column("Reason", o => Cells.Text(o, "reason")),
            Cells.Column("Object", EventObject), Cells.Column("Message", o => Cells.Text(o, "message") ?? Cells.Text(o, "note"))],
        "customresourcedefinitions" => [Cells.Name, Cells.Column("Created At", o => Cells.Text(o, "metadata", "creationTimestamp"))],
        _ => Default,
    };

    private static JsonNode PodReady(JsonObject pod)
    {
        var ready = Cells.At(pod, "status", "containerStatuses") is JsonArray statuses
            ? statuses.Count(s => Json.TryBool(Cells.At(s, "ready"), out var b) && b)
            : 0;
        return Cells.Ratio(ready, Cells.Count(pod, "spec", "containers"));
    }

    /// <summary>As kubectl's printer: the phase, overridden by the pod's reason, then by a container's waiting or terminated reason.</summary>
    private static JsonNode PodStatus(JsonObject pod)
    {
        if (Cells.At(pod, "metadata", "deletionTimestamp") is not null)
        {
            return "Terminating";
        }

        var reason = Json.String(Cells.At(pod, "status", "reason")) ?? Cells.TextOr(pod, "Pending", "status", "phase");
        foreach (var container in (Cells.At(pod, "status", "containerStatuses") as JsonArray ?? []).Reverse())
        {
            reason = Json.String(Cells.At(container, "state", "waiting", "reason")) ?? Json.String(Cells.At(container, "state", "terminated", "reason")) ?? reason;
        }

        return reason;
    }

    private static JsonNode PodRestarts(JsonObject pod) =>
        Cells.At(pod, "status", "containerStatuses") is JsonArray statuses ? statuses.Sum(s => Cells.Number(s, "restartCount")) : 0;

    private static JsonNode ServicePorts(JsonObject service) =>
        Cells.At(service, "spec", "ports") is JsonArray { Count: > 0 } ports
            ? string.Join(",", ports.Select(p => $"{Cells.Number(p, "port")}/{Cells.TextOr(p, "TCP", "protocol")}"))
            : "<none>";

    private static JsonNode EventObject(JsonObject e)
    {
        var regarding = Cells.At(e, "involvedObject") ?? Cells.At(e, "regarding");
        return $"{Cells.TextOr(regarding, "", "kind").ToLowerInvariant()}/{Cells.TextOr(regarding, "", "name")}";
    }
}

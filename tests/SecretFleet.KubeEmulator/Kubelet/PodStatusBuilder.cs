using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A pod's <c>status</c> from its containers, as a kubelet reports it: phase, the PodScheduled, Initialized,
/// ContainersReady and Ready conditions (a condition's lastTransitionTime moves only when its status does), pod and
/// host IPs, start time and one <c>containerStatuses</c> entry per container.
/// </summary>
internal static class PodStatusBuilder
{
    public static JsonObject Build(JsonObject? existing, PodWorker pod, string? startTime, string? failure, string now)
    {
        var containers = pod.Containers;
        var allReady = containers.Count > 0 && containers.All(c => c.Ready);
        var status = new JsonObject { ["phase"] = Phase(pod, failure) };
        var conditions = new JsonArray();
        void Condition(string type, bool value, string? reason)
        {
            var text = value ? "True" : "False";
            var previous = (existing?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.String(c["type"]) == type);
            var condition = new JsonObject
            {
                ["type"] = type,
                ["status"] = text,
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = previous is not null && Json.String(previous["status"]) == text ? previous["lastTransitionTime"]?.DeepClone() : now,
            };
            if (reason is not null)
            {
                condition["reason"] = reason;
            }

            conditions.Add(condition);
        }

        var notReady = allReady ? null : pod.Terminating ? "PodCompleted" : "ContainersNotReady";
        Condition("PodReadyToStartContainers", pod.Ip.Length > 0, null);
        Condition("Initialized", failure is null, failure is null ? null : "ContainersNotInitialized");
        Condition("Ready", allReady, notReady);
        Condition("ContainersReady", allReady, notReady);
        Condition("PodScheduled", true, null);
        status["conditions"] = conditions;
        if (failure is not null)
        {
            status["reason"] = "Unsupported";
            status["message"] = failure;
        }

        status["hostIP"] = "127.0.0.1";
        status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" });
        if (pod.Ip.Length > 0)
        {
            status["podIP"] = pod.Ip;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = pod.Ip });
        }

        if (startTime is not null)
        {
            status["startTime"] = startTime;
        }

        status["containerStatuses"] = new JsonArray([.. containers.Select(c => (JsonNode)c.Status())]);
        return status;
    }

    private static string Phase(PodWorker pod, string? failure)
    {
        var containers = pod.Containers;
        if (failure is not null || containers.Count == 0 || !containers.All(c => c.HasStarted))
        {
            return "Pending";
        }

        if (containers.All(c => c.FinalExitCode is not null))
        {
            return containers.All(c => c.FinalExitCode == 0) ? "Succeeded" : "Failed";
        }

        return "Running";
    }
}

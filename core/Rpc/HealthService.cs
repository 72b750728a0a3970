using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace SecretFleet.Core.Rpc;

/// <summary>
/// The standard <c>grpc.health.v1.Health</c> service (Check and Watch) with a settable status
/// per service name. The empty name is the server as a whole and starts as SERVING.
/// </summary>
public sealed class HealthService
{
    /// <summary>The gRPC service name.</summary>
    public const string ServiceName = "grpc.health.v1.Health";

    private readonly Lock gate = new();
    private readonly Dictionary<string, ServingStatus> statuses = new(StringComparer.Ordinal) { [string.Empty] = ServingStatus.Serving };
    private TaskCompletionSource changed = NewSignal();

    /// <summary>Sets the status of a service ("" for the whole server) and wakes its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (gate)
        {
            statuses[service] = status;
            Signal();
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND, Watch SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        lock (gate)
        {
            if (statuses.Remove(service))
            {
                Signal();
            }
        }
    }

    /// <summary>Marks every service NOT_SERVING, for graceful shutdown (clients move away before the port closes).</summary>
    public void SetAllNotServing()
    {
        lock (gate)
        {
            foreach (var service in statuses.Keys.ToList())
            {
                statuses[service] = ServingStatus.NotServing;
            }

            Signal();
        }
    }

    /// <summary>The current status, or null for a service never set.</summary>
    public ServingStatus? GetStatus(string service)
    {
        lock (gate)
        {
            return statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    /// <summary><c>Check</c>: the status, or NOT_FOUND for an unknown service (as the health protocol specifies).</summary>
    public Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, RpcContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return GetStatus(request.Service) is { } status
            ? Task.FromResult(new HealthCheckResponse { Status = status })
            : throw new RpcException(RpcStatusCode.NotFound, $"Service '{request.Service}' is unknown to this health service.");
    }

    /// <summary><c>Watch</c>: the current status now, then every change, until the caller leaves.</summary>
    public async Task WatchAsync(HealthCheckRequest request, IRpcStreamWriter<HealthCheckResponse> writer, RpcContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(context);
        ServingStatus? sent = null;
        while (true)
        {
            ServingStatus current;
            Task next;
            lock (gate)
            {
                current = statuses.TryGetValue(request.Service, out var s) ? s : ServingStatus.ServiceUnknown;
                next = changed.Task;
            }

            // Watchers see the latest status, not every intermediate one, as in other gRPC servers.
            if (current != sent)
            {
                await writer.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken).ConfigureAwait(false);
                sent = current;
            }

            await next.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal()
    {
        changed.TrySetResult();
        changed = NewSignal();
    }
}

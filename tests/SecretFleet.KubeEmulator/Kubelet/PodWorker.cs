using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One pod on the emulated node, from binding to deletion: takes a pod IP, mounts volumes, runs every container
/// (<see cref="ContainerWorker"/>), writes the pod's status, and on graceful deletion stops the containers (SIGTERM,
/// grace period, SIGKILL) before deleting the pod object with grace 0, as a kubelet does.
/// </summary>
internal sealed partial class PodWorker : IAsyncDisposable
{
    private static readonly string[] HostVariables = ["PATH", "DOTNET_ROOT", "DOTNET_ROOT_X64", "LANG", "LC_ALL", "SSL_CERT_FILE", "SSL_CERT_DIR"];
    private readonly KubeletContext _kubelet;
    private readonly JsonObject _spec;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _statusGate = new(1, 1);
    private readonly object _mountGate = new();
    private readonly string _directory;
    private readonly PodVolumes _volumes;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<ContainerWorker> _containers = [];
    private Task _run = Task.CompletedTask;
    private Task _flush = Task.CompletedTask;
    private int _dirty;
    private bool _abandoned;
    private string? _startTime;
    private string? _failure;

    public PodWorker(KubeletContext kubelet, JsonObject pod)
    {
        _kubelet = kubelet;
        _spec = pod["spec"]?.DeepClone() as JsonObject ?? [];
        Namespace = ObjectMeta.Namespace(pod) ?? "default";
        Name = ObjectMeta.Name(pod);
        Uid = ObjectMeta.Uid(pod);
        _directory = Path.Combine(kubelet.PodsDirectory, Uid);
        _volumes = new PodVolumes(kubelet.Service, kubelet.Claims, _directory, Uid);
        TerminationGracePeriod = TimeSpan.FromSeconds(Json.TryInteger(_spec["terminationGracePeriodSeconds"], out var grace) ? grace : 30);
        Grace = TerminationGracePeriod;
    }

    public string Namespace { get; }

    public string Name { get; }

    public string Uid { get; }

    public string Ip { get; private set; } = "";

    public string RestartPolicy => Json.String(_spec["restartPolicy"]) ?? "Always";

    public TimeSpan TerminationGracePeriod { get; }

    /// <summary>How long containers get between SIGTERM and SIGKILL when the pod stops.</summary>
    public TimeSpan Grace { get; private set; }

    public IReadOnlyList<ContainerWorker> Containers => _containers;

    public bool Terminating => _stopping.IsCancellationRequested;

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Something the pod may wait on changed (a Secret, a claim, the pod itself): retry what was blocked.</summary>
    public void Notify() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Graceful deletion: stop the containers within the grace period, then delete the pod object.</summary>
    public void Terminate(TimeSpan grace)
    {
        if (!_stopping.IsCancellationRequested || grace < Grace)
        {
            Grace = grace;
        }

        _stopping.Cancel();
    }

    /// <summary>The pod object is gone (force deletion) or the emulator stops: kill everything now.</summary>
    public async ValueTask DisposeAsync()
    {
        _abandoned = true;
        Terminate(TimeSpan.Zero);
        await _run;
        await _flush;
        _stopping.Dispose();
        _statusGate.Dispose();
    }

    public async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _changed.Task.WaitAsync(timeout, _kubelet.Time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Retry anyway, or notice the stop.
        }
    }

    /// <summary>Mounts the volumes (again) and builds the container's process from the pod as it is now.</summary>
    public LaunchResult PrepareLaunch(JsonObject container)
    {
        var pod = _kubelet.Service.Store.Get(BuiltInResources.Pods, Namespace, Name)?.Parse();
        if (pod is null || ObjectMeta.Uid(pod) != Uid)
        {
            return LaunchResult.Fail("ContainerCreating", "the pod is being deleted");
        }

        lock (_mountGate)
        {
            if (_volumes.Mount(pod) is { } mountError)
            {
                return LaunchResult.Fail("ContainerCreating", mountError);
            }

            var host = HostVariables.Select(v => (Key: v, Value: Environment.GetEnvironmentVariable(v))).Where(v => v.Value is not null)
                .ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
            host["HOME"] = Directory.CreateDirectory(Path.Combine(_directory, "home")).FullName;
            host["TMPDIR"] = Directory.CreateDirectory(Path.Combine(_directory, "tmp")).FullName;
            return ContainerLaunch.Build(new LaunchContext(pod, container, Ip, "127.0.0.1", _volumes.Paths, _kubelet.Options.ResolveNodeBinary(), _directory,
                (resource, name) => _kubelet.Service.Store.Get(resource, Namespace, name)?.Parse(), host));
        }
    }

    public void StatusChanged()
    {
        if (Interlocked.Exchange(ref _dirty, 1) == 0 && !_abandoned)
        {
            _flush = Task.Run(FlushStatusAsync);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            var ports = ContainerPorts();
            Ip = _kubelet.Addresses.Allocate(ports).ToString();
            Directory.CreateDirectory(_directory);
            _startTime = ContainerWorker.Timestamp(_kubelet.Time.GetUtcNow());
            _containers = [.. (_spec["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new ContainerWorker(this, c, _kubelet))];
            if (_spec["initContainers"] is JsonArray { Count: > 0 })
            {
                _failure = "init containers are not supported by the emulated kubelet";
                StatusChanged();
                await WaitForChangeAsync(Timeout.InfiniteTimeSpan, _stopping.Token);
            }
            else
            {
                StatusChanged();
                await Task.WhenAll(_containers.Select(c => c.RunAsync(_stopping.Token)));
            }

            if (!_stopping.IsCancellationRequested)
            {
                // Every container ended for good (restartPolicy Never/OnFailure): the pod stays Succeeded/Failed.
                StatusChanged();
                await WaitForChangeAsync(Timeout.InfiniteTimeSpan, _stopping.Token);
            }

            if (!_abandoned)
            {
                var pods = _kubelet.Service.Registry.Find(BuiltInResources.Pods)!;
                await _kubelet.Service.DeleteAsync(pods, Namespace, Name, new DeleteOptions(PreconditionUid: Uid, GracePeriodSeconds: 0), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPodFailed(_kubelet.Logger, Namespace, Name, e);
        }
        finally
        {
            lock (_mountGate)
            {
                _volumes.Unmount();
            }
        }
    }

    private List<int> ContainerPorts() =>
        [.. (_spec["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(p => Json.TryInteger(p["containerPort"], out var port) ? (int)port : 0)
            .Where(p => p > 0).Distinct()];

    private async Task FlushStatusAsync()
    {
        await _statusGate.WaitAsync();
        try
        {
            while (Interlocked.Exchange(ref _dirty, 0) == 1 && !_abandoned)
            {
                var pods = _kubelet.Service.Registry.Find(BuiltInResources.Pods)!;
                var result = await _kubelet.Service.MutateAsync(pods, Namespace, Name, "status", obj =>
                {
                    if (ObjectMeta.Uid(obj) != Uid)
                    {
                        return false;
                    }

                    var status = PodStatusBuilder.Build(obj["status"] as JsonObject, this, _startTime, _failure, _kubelet.Service.Now);
                    if (JsonNode.DeepEquals(status, obj["status"]))
                    {
                        return false;
                    }

                    obj["status"] = status;
                    return true;
                }, "kubelet", CancellationToken.None);
                if (result.Error is { Code: not 404 } error)
                {
                    LogStatusRejected(_kubelet.Logger, Namespace, Name, error.Message);
                }
            }
        }
        finally
        {
            _statusGate.Release();
        }
    }

    public void LogLivenessFailed(string container, string message) => LogLiveness(_kubelet.Logger, Namespace, Name, container, message);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Emulated kubelet: pod {Namespace}/{Name} failed")]
    private static partial void LogPodFailed(ILogger logger, string @namespace, string name, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Emulated kubelet: the status of pod {Namespace}/{Name} was rejected: {Message}")]
    private static partial void LogStatusRejected(ILogger logger, string @namespace, string name, string message);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Emulated kubelet: container {Container} of pod {Namespace}/{Name} failed its liveness probe ({Message}) and will be restarted")]
    private static partial void LogLiveness(ILogger logger, string @namespace, string name, string container, string message);
}

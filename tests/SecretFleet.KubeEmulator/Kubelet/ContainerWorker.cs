using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One container of a pod on the emulated node: starts it as a process, probes it, restarts it per the pod's
/// restartPolicy with exponential backoff, and keeps the <c>containerStatuses</c> entry and the logs of the current
/// and previous run.
/// </summary>
internal sealed class ContainerWorker(PodWorker pod, JsonObject container, KubeletContext kubelet)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly string _image = Json.String(container["image"]) ?? "";
    private JsonObject _state = WaitingState("ContainerCreating", null);
    private JsonObject? _lastState;
    private int _restartCount;
    private bool _ready;
    private ContainerProcess? _process;

    public string Name { get; } = Json.String(container["name"]) ?? "";

    public ContainerLog? CurrentLog { get; private set; }

    public ContainerLog? PreviousLog { get; private set; }

    /// <summary>Started at least once (a pod is Running once all its containers are).</summary>
    public bool HasStarted { get; private set; }

    /// <summary>The exit code of the final run when the restart policy ended the container for good.</summary>
    public int? FinalExitCode { get; private set; }

    public bool Ready
    {
        get
        {
            lock (_gate)
            {
                return _ready;
            }
        }
    }

    /// <summary>The reason the container waits (ContainerCreating, CrashLoopBackOff, ErrImagePull, …), or null.</summary>
    public string? Waiting
    {
        get
        {
            lock (_gate)
            {
                return Json.String(_state["waiting"]?["reason"]);
            }
        }
    }

    public int? ProcessId => _process?.Exited.IsCompleted == false ? _process.Id : null;

    public JsonObject Status()
    {
        lock (_gate)
        {
            var status = new JsonObject
            {
                ["name"] = Name,
                ["image"] = _image,
                ["imageID"] = "emulated://" + _image,
                ["ready"] = _ready,
                ["started"] = _state.ContainsKey("running"),
                ["restartCount"] = _restartCount,
                ["state"] = _state.DeepClone(),
            };
            if (_process is not null)
            {
                status["containerID"] = ContainerId(_process);
            }

            if (_lastState is not null)
            {
                status["lastState"] = _lastState.DeepClone();
            }

            return status;
        }
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = kubelet.Options.RestartBackoff;
        while (!stopping.IsCancellationRequested)
        {
            var launch = pod.PrepareLaunch(container);
            if (launch.Plan is null)
            {
                Update(() => _state = WaitingState(launch.Reason, launch.Message));
                await pod.WaitForChangeAsync(RetryDelay, stopping);
                continue;
            }

            ContainerProcess process;
            try
            {
                process = ContainerProcess.Start(launch.Plan, new ContainerLog(kubelet.Options.LogLinesKept), kubelet.Time);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Update(() => _state = WaitingState("StartError", $"the container process did not start: {e.Message}"));
                await pod.WaitForChangeAsync(RetryDelay, stopping);
                continue;
            }

            Update(() =>
            {
                _process = process;
                PreviousLog = CurrentLog ?? PreviousLog;
                CurrentLog = process.Log;
                HasStarted = true;
                _state = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Timestamp(process.StartedAt) } };
            });
            var exitCode = await SuperviseAsync(process, stopping);
            var terminated = new JsonObject
            {
                ["terminated"] = new JsonObject
                {
                    ["exitCode"] = exitCode,
                    ["reason"] = exitCode == 0 ? "Completed" : "Error",
                    ["startedAt"] = Timestamp(process.StartedAt),
                    ["finishedAt"] = Timestamp(kubelet.Time.GetUtcNow()),
                    ["containerID"] = ContainerId(process),
                },
            };
            if (stopping.IsCancellationRequested || !ShouldRestart(exitCode))
            {
                Update(() =>
                {
                    _state = terminated;
                    _ready = false;
                });
                FinalExitCode = stopping.IsCancellationRequested ? null : exitCode;
                return;
            }

            if (kubelet.Time.GetUtcNow() - process.StartedAt > 2 * kubelet.Options.MaxRestartBackoff)
            {
                backoff = kubelet.Options.RestartBackoff;
            }

            var delay = backoff;
            Update(() =>
            {
                _lastState = terminated;
                _ready = false;
                _restartCount++;
                _state = WaitingState("CrashLoopBackOff", $"back-off {delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s restarting failed container={Name} pod={pod.Name}");
            });
            try
            {
                await Task.Delay(delay, kubelet.Time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, kubelet.Options.MaxRestartBackoff.Ticks));
        }
    }

    /// <summary>Waits for the process to end, probing it meanwhile; stops it (grace, then SIGKILL) on pod termination or failed liveness.</summary>
    private async Task<int> SuperviseAsync(ContainerProcess process, CancellationToken stopping)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var livenessFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = Task.WhenAll(ReadinessAsync(run.Token), LivenessAsync(livenessFailed, run.Token));
        var stopped = Task.Delay(Timeout.Infinite, stopping);
        await Task.WhenAny(process.Exited, livenessFailed.Task, stopped);
        var exitCode = process.Exited.IsCompleted
            ? await process.Exited
            : await process.StopAsync(stopping.IsCancellationRequested ? pod.Grace : pod.TerminationGracePeriod, CancellationToken.None);
        await run.CancelAsync();
        try
        {
            await probes;
        }
        catch (OperationCanceledException)
        {
            // The probes end with the run.
        }

        return exitCode;
    }

    private async Task ReadinessAsync(CancellationToken cancellationToken)
    {
        var probe = Probe.From(container["readinessProbe"]);
        if (probe is null)
        {
            Update(() => _ready = true);
            return;
        }

        var cap = kubelet.Options.MaxReadinessProbePeriod;
        await Task.Delay(probe.InitialDelay < cap ? probe.InitialDelay : cap, kubelet.Time, cancellationToken);
        var (successes, failures) = (0, 0);
        while (true)
        {
            var (success, _) = await probe.RunAsync(kubelet.Probes, pod.Ip, container, cancellationToken);
            (successes, failures) = success ? (successes + 1, 0) : (0, failures + 1);
            if (success && successes >= probe.SuccessThreshold && !Ready)
            {
                Update(() => _ready = true);
            }
            else if (!success && failures >= probe.FailureThreshold && Ready)
            {
                Update(() => _ready = false);
            }

            await Task.Delay(probe.Period < cap ? probe.Period : cap, kubelet.Time, cancellationToken);
        }
    }

    private async Task LivenessAsync(TaskCompletionSource failed, CancellationToken cancellationToken)
    {
        var probe = Probe.From(container["livenessProbe"]);
        if (probe is null)
        {
            return;
        }

        await Task.Delay(probe.InitialDelay, kubelet.Time, cancellationToken);
        var failures = 0;
        while (true)
        {
            var (success, message) = await probe.RunAsync(kubelet.Probes, pod.Ip, container, cancellationToken);
            failures = success ? 0 : failures + 1;
            if (failures >= probe.FailureThreshold)
            {
                pod.LogLivenessFailed(Name, message);
                failed.TrySetResult();
                return;
            }

            await Task.Delay(probe.Period, kubelet.Time, cancellationToken);
        }
    }

    private bool ShouldRestart(int exitCode) => pod.RestartPolicy switch
    {
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
        }

        pod.StatusChanged();
    }

    private static JsonObject WaitingState(string reason, string? message)
    {
        var waiting = new JsonObject { ["reason"] = reason };
        if (message is not null)
        {
            waiting["message"] = message;
        }

        return new JsonObject { ["waiting"] = waiting };
    }

    private static string ContainerId(ContainerProcess process) => "emulated://" + process.Id.ToString(CultureInfo.InvariantCulture);

    internal static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

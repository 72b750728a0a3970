using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// <c>GET …/pods/NAME/log</c>, what <c>kubectl logs</c> reads: the container's output as plain text, with
/// <c>container</c>, <c>previous</c>, <c>tailLines</c>, <c>sinceSeconds</c>, <c>timestamps</c>, <c>limitBytes</c> and
/// <c>follow</c> (streams until the container stops or the client goes). Errors are Status objects worded like a real
/// server's.
/// </summary>
internal sealed class PodLogSubresource(ResourceService service, Kubelet kubelet, TimeProvider time) : ISubresourceHandler
{
    public async Task HandleAsync(HttpContext context, ResourceType type, string? ns, string name, CancellationToken cancellationToken)
    {
        if (context.Request.Method != "GET")
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.MethodNotAllowed(context.Request.Method, $"pods/{name}/log"));
            return;
        }

        if (service.Get(type, ns, name).Error is { } missing)
        {
            await HttpIo.WriteStatusAsync(context, missing);
            return;
        }

        var (log, error) = Find(ns ?? "default", name, HttpIo.Query(context, "container"), HttpIo.QueryFlag(context, "previous"));
        if (log is null)
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.BadRequest(error!));
            return;
        }

        var timestamps = HttpIo.QueryFlag(context, "timestamps");
        var follow = HttpIo.QueryFlag(context, "follow");
        var limit = long.TryParse(HttpIo.Query(context, "limitBytes"), CultureInfo.InvariantCulture, out var l) && l > 0 ? l : long.MaxValue;
        var since = long.TryParse(HttpIo.Query(context, "sinceSeconds"), CultureInfo.InvariantCulture, out var s) ? time.GetUtcNow().AddSeconds(-s) : DateTimeOffset.MinValue;
        var (lines, completed, changed) = log.Read(-1);
        var selected = lines.Where(line => line.Time >= since).ToList();
        if (int.TryParse(HttpIo.Query(context, "tailLines"), CultureInfo.InvariantCulture, out var tail) && tail >= 0)
        {
            selected = selected.TakeLast(tail).ToList();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var written = 0L;
        var last = lines.Count > 0 ? lines[^1].Sequence : -1;
        while (true)
        {
            foreach (var line in selected)
            {
                var text = (timestamps ? line.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z' ", CultureInfo.InvariantCulture) : "") + line.Text + "\n";
                var bytes = Encoding.UTF8.GetBytes(text);
                var room = (int)Math.Min(bytes.Length, limit - written);
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, room), cancellationToken);
                written += room;
                if (written >= limit)
                {
                    return;
                }
            }

            await context.Response.Body.FlushAsync(cancellationToken);
            if (!follow || completed)
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var next = log.Read(last);
            (selected, completed, changed) = ([.. next.Lines], next.Completed, next.Changed);
            last = selected.Count > 0 ? selected[^1].Sequence : last;
        }
    }

    private (ContainerLog? Log, string? Error) Find(string ns, string name, string? containerName, bool previous)
    {
        var worker = kubelet.Find(ns, name);
        if (worker is null || worker.Containers.Count == 0)
        {
            return (null, $"pod {name} does not run on this node yet, so it has no logs");
        }

        ContainerWorker? container;
        if (containerName is null)
        {
            if (worker.Containers.Count > 1)
            {
                return (null, $"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", worker.Containers.Select(c => c.Name))}]");
            }

            container = worker.Containers[0];
        }
        else
        {
            container = worker.Containers.FirstOrDefault(c => c.Name == containerName);
            if (container is null)
            {
                return (null, $"container {containerName} is not valid for pod {name}");
            }
        }

        var log = previous ? container.PreviousLog : container.CurrentLog;
        return log is not null ? (log, null)
            : previous ? (null, $"previous terminated container \"{container.Name}\" in pod \"{name}\" not found")
            : (null, $"container \"{container.Name}\" in pod \"{name}\" is waiting to start: {container.Waiting ?? "ContainerCreating"}");
    }
}

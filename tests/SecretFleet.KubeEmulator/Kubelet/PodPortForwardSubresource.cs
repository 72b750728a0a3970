using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// <c>GET …/pods/NAME/portforward?ports=P</c> over a WebSocket with the <c>v4.channel.k8s.io</c> protocol, the way
/// the official clients port-forward: one TCP connection to the pod's address per WebSocket, data on channel 0 and
/// errors on channel 1, each channel opening with the port as two little-endian bytes. One port per request.
/// </summary>
internal sealed class PodPortForwardSubresource(ResourceService service, Kubelet kubelet) : ISubresourceHandler
{
    public const string Protocol = "v4.channel.k8s.io";
    private const byte DataChannel = 0;
    private const byte ErrorChannel = 1;

    public async Task HandleAsync(HttpContext context, ResourceType type, string? ns, string name, CancellationToken cancellationToken)
    {
        if (service.Get(type, ns, name).Error is { } missing)
        {
            await HttpIo.WriteStatusAsync(context, missing);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest || !context.WebSockets.WebSocketRequestedProtocols.Contains(Protocol))
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.BadRequest($"port-forward to pod {name} needs a WebSocket upgrade with protocol {Protocol}"));
            return;
        }

        var ports = context.Request.Query["ports"];
        if (ports.Count != 1 || !ushort.TryParse(ports[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.BadRequest("exactly one port between 1 and 65535 is required in 'ports'"));
            return;
        }

        var ip = kubelet.Find(ns ?? "default", name)?.Ip;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(Protocol);
        var header = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(header, port);
        await SendAsync(socket, DataChannel, header, cancellationToken);
        await SendAsync(socket, ErrorChannel, header, cancellationToken);
        using var pod = new TcpClient();
        try
        {
            if (string.IsNullOrEmpty(ip))
            {
                throw new SocketException((int)SocketError.HostUnreachable);
            }

            await pod.ConnectAsync(ip, port, cancellationToken);
        }
        catch (SocketException e)
        {
            var error = $"error forwarding port {port} to pod {name}: dial tcp {ip}:{port}: {e.SocketErrorCode}";
            await SendAsync(socket, ErrorChannel, Encoding.UTF8.GetBytes(error), cancellationToken);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stream = pod.GetStream();
        var fromPod = Quietly(PumpFromPodAsync(stream, socket, stop.Token));
        // Never cancelled: cancelling a WebSocket receive aborts the connection, and a reset can drop
        // data the client has not read yet.
        var toPod = Quietly(PumpToPodAsync(socket, stream, cancellationToken));
        if (await Task.WhenAny(fromPod, toPod) == fromPod)
        {
            // The pod closed: a close frame follows its last data, and the client gets a moment to answer it.
            await Quietly(socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken));
            await Task.WhenAny(toPod, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        }
        else
        {
            await stop.CancelAsync();
            await fromPod;
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await Quietly(socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken));
            }
        }
    }

    private static async Task PumpFromPodAsync(NetworkStream pod, WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            int read;
            while ((read = await pod.ReadAsync(buffer.AsMemory(1, buffer.Length - 1), cancellationToken)) > 0)
            {
                buffer[0] = DataChannel;
                await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Like the real server (golang.org/x/net/websocket reads frame by frame), every frame starts with its channel,
    // whether or not it ends a message: the official C# client sends each write as a frame of an unfinished message.
    // A receive returns at most one frame, and the whole of one as large as the buffer.
    private static async Task PumpToPodAsync(WebSocket socket, NetworkStream pod, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (received.Count > 1 && buffer[0] == DataChannel)
                {
                    await pod.WriteAsync(buffer.AsMemory(1, received.Count - 1), cancellationToken);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task SendAsync(WebSocket socket, byte channel, byte[] payload, CancellationToken cancellationToken) =>
        socket.SendAsync((byte[])[channel, .. payload], WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or SocketException)
        {
            // The other side went away; the forward is over either way.
        }
    }
}

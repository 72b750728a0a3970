using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Pod IPs: each emulator takes its own random block <c>127.a.b.0/24</c> of the loopback network (Linux routes all of
/// 127/8 to lo), so pods of several emulators, and their fixed container ports, never clash. An address is handed out
/// only after its container ports could be bound on it; addresses are not reused within one emulator.
/// </summary>
internal sealed class PodAddressPool : IDisposable
{
    private static readonly HashSet<int> TakenBlocks = [];
    private readonly List<int> _blocks = [];
    private int _nextHost = 255;

    public IPAddress Allocate(IReadOnlyCollection<int> ports)
    {
        lock (_blocks)
        {
            for (var attempt = 0; attempt < 4096; attempt++)
            {
                if (_nextHost > 254)
                {
                    _blocks.Add(TakeBlock());
                    _nextHost = 1;
                }

                var block = _blocks[^1];
                var address = new IPAddress([127, (byte)(block >> 8), (byte)block, (byte)_nextHost++]);
                if (CanBind(address, ports))
                {
                    return address;
                }
            }
        }

        throw new InvalidOperationException($"No loopback address 127.x.y.z could bind ports {string.Join(", ", ports)}.");
    }

    public void Dispose()
    {
        lock (TakenBlocks)
        {
            TakenBlocks.ExceptWith(_blocks);
        }
    }

    private static int TakeBlock()
    {
        lock (TakenBlocks)
        {
            while (true)
            {
                // 127.0.x.x is left to everyone else: many tools assume 127.0.0.1 and its neighbours.
                var block = (RandomNumberGenerator.GetInt32(1, 255) << 8) | RandomNumberGenerator.GetInt32(0, 256);
                if (TakenBlocks.Add(block))
                {
                    return block;
                }
            }
        }
    }

    private static bool CanBind(IPAddress address, IReadOnlyCollection<int> ports)
    {
        foreach (var port in ports.Count == 0 ? [0] : ports)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }
}

using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Sharing;

namespace SecretFleet.Core.Tests.Client;

/// <summary>
/// Get answers as n nodes would send them for one stored secret, for testing the recovery
/// decision without sockets: honest answers, errors, and whatever a lying node makes of them.
/// </summary>
internal sealed class SharesOnTheWire
{
    public const string Name = "db-password";

    public SharesOnTheWire(int n, int threshold, ulong version = 7, ulong epoch = 3, int secretBytes = 40)
    {
        N = n;
        Threshold = threshold;
        Version = version;
        Epoch = epoch;
        Secret = RandomNumberGenerator.GetBytes(secretBytes);
        Split = Shamir.Split(Secret, threshold, n);
    }

    public int N { get; }

    public int Threshold { get; }

    public ulong Version { get; }

    public ulong Epoch { get; }

    public byte[] Secret { get; }

    public SplitResult Split { get; }

    public static FleetMember Member(byte x) =>
        new(x, new Uri($"https://127.0.0.1:{7000 + x}"), "localhost", new FleetIdentity("test.local", FleetRole.Node, $"node-{x - 1}"));

    /// <summary>Node x's honest answer; edit it to make a lie.</summary>
    public GetShareResponse Honest(byte x) => new()
    {
        Name = Name, Version = Version, Epoch = Epoch, X = x, Threshold = (uint)Threshold,
        Share = ByteString.CopyFrom(Split.Shares[x - 1].Value), Commitment = ByteString.CopyFrom(Split.Commitment),
    };

    public static NodeAnswer<GetShareResponse> Answer(byte x, GetShareResponse response) => new(Member(x), response, null);

    public static NodeAnswer<GetShareResponse> Error(byte x, StatusCode code) => new(Member(x), null, new RpcException(new Status(code, "test")));

    /// <summary>Every node's answer: honest, unless <paramref name="answer"/> says otherwise for x.</summary>
    public NodeAnswer<GetShareResponse>[] Answers(Func<byte, NodeAnswer<GetShareResponse>?>? answer = null) =>
        [.. Enumerable.Range(1, N).Select(i => (byte)i).Select(x => answer?.Invoke(x) ?? Answer(x, Honest(x)))];

    public ShareRead Read(NodeAnswer<GetShareResponse>[] answers, ulong askedVersion = 0) => new(Name, askedVersion, Threshold, answers);

    public RecoveryOutcome Decide(params ShareRead[] reads) => RecoveryDecision.Decide(Name, Threshold, N, reads);

    public static ByteString Garbage(int length) => ByteString.CopyFrom(RandomNumberGenerator.GetBytes(length));
}

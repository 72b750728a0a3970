using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Rpc;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// A <see cref="ServerCallContext"/> for calling a service directly, as grpc-dotnet would after
/// the certificate authentication handler accepted the caller: the HttpContext
/// (found by <c>GetHttpContext()</c> through the user state key grpc-dotnet documents for tests)
/// carries the caller's identity claim.
/// </summary>
internal sealed class TestCallContext : ServerCallContext
{
    private readonly Dictionary<object, object> _userState = [];

    public TestCallContext(string method, FleetIdentity? caller, HttpContext http, CancellationToken cancellationToken = default)
    {
        MethodCore = method;
        CancellationTokenCore = cancellationToken;
        if (caller is not null)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(FleetPeer.IdentityClaim, caller.ToString())], "Certificate"));
        }
        _userState["__HttpContext"] = http;
    }

    protected override string MethodCore { get; }

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:1";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; } = [];

    protected override CancellationToken CancellationTokenCore { get; }

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

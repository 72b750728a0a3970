using System.Buffers.Binary;
using System.Net;
using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Rpc;

/// <summary>
/// Sends hand-made gRPC requests (broken frames, odd headers) that a gRPC client
/// would never produce, and reads back the raw status.
/// </summary>
internal sealed class RawGrpcClient(Uri address, TlsMaterial? material) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        SslOptions = material is null
            ? new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true }
            : TlsOptions.CreateClientOptions(material, "localhost"),
        UseProxy = false,
    });

    public static byte[] Frame(byte[] message, byte compressed = 0)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressed;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    public async Task<RawResponse> PostAsync(string path, byte[] body, string contentType = "application/grpc", IDictionary<string, string>? headers = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        string? Header(string name) =>
            response.Headers.TryGetValues(name, out var v) ? v.Single()
            : response.TrailingHeaders.TryGetValues(name, out var t) ? t.Single()
            : null;
        return new RawResponse(response.StatusCode, Header("grpc-status"), Header("grpc-message"), response.Headers.Contains("grpc-status"), bytes);
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record RawResponse(HttpStatusCode HttpStatus, string? GrpcStatus, string? GrpcMessage, bool TrailersOnly, byte[] Body);

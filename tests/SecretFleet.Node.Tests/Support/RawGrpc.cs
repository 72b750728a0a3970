using System.Buffers.Binary;
using System.Security.Cryptography.X509Certificates;
using SecretFleet.Core.Identity;

namespace SecretFleet.Node.Tests.Support;

/// <summary>
/// A bare gRPC call over HTTP/2 with any client certificate and any body bytes: for what our
/// typed client refuses to send (expired certificates, truncated protobuf).
/// </summary>
internal static class RawGrpc
{
    /// <summary>The grpc-status the node answered, or null when the connection was refused.</summary>
    public static Task<string?> CallAsync(Uri endpoint, string path, IssuedCertificate? certificate, byte[] message) =>
        CallAsync(endpoint, path, certificate is null ? null : X509Certificate2.CreateFromPem(certificate.CertificatePem, certificate.PrivateKeyPem), message);

    /// <inheritdoc cref="CallAsync(Uri, string, IssuedCertificate?, byte[])"/>
    public static async Task<string?> CallAsync(Uri endpoint, string path, X509Certificate2? certificate, byte[] message)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        handler.SslOptions.TargetHost = "localhost";
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }
        using var http = new HttpClient(handler);
        var body = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(1), message.Length);
        message.CopyTo(body, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path))
        {
            Version = new Version(2, 0),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        try
        {
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return response.Headers.TryGetValues("grpc-status", out var values) ? values.First()
                : response.TrailingHeaders.TryGetValues("grpc-status", out var trailers) ? trailers.First() : "missing";
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}

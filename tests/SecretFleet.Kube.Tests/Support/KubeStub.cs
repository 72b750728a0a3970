using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Kube.Tests.Support;

/// <summary>What the stub received.</summary>
internal sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    string? ContentType,
    string? Authorization,
    string Body);

/// <summary>
/// A Kestrel server on 127.0.0.1:0 standing in for the API server: each test scripts the answers, the stub
/// records every request.
/// </summary>
internal sealed class KubeStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KubeStub(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<KubeStub> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        KubeStub? stub = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            stub!.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                context.Request.ContentType,
                context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
                body));
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub = new KubeStub(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return stub;
    }

    public RecordedRequest Single() => Assert.Single(Requests);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Writes a JSON body with a status code.</summary>
    public static Task Json(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    /// <summary>An API error as the real server sends it.</summary>
    public static Task Status(HttpContext context, int code, string reason, string message, string? name = null, string? kind = null)
    {
        var details = name is null ? "" : $",\"details\":{{\"name\":\"{name}\",\"kind\":\"{kind}\"}}";
        return Json(context, $"{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{{}},\"status\":\"Failure\",\"message\":\"{message}\",\"reason\":\"{reason}\"{details},\"code\":{code}}}", code);
    }
}

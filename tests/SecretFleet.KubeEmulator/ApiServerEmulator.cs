using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// An in-process stand-in for a Kubernetes API server, for tests only: HTTPS on 127.0.0.1 with its own CA,
/// the real REST API for the kinds SecretFleet uses (and CRDs), watches, server-side apply, garbage collection,
/// and an emulated cert-manager. Real <c>kubectl</c> works against it through
/// <see cref="WriteKubeconfig(string, KubeconfigCredentials, string)"/>; users other than the admin (<see cref="AddUser"/>)
/// are authorized by RBAC.
/// See docs/testing.md for what it does not model.
/// </summary>
public sealed class ApiServerEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorPki _pki;
    private readonly ControllerHost _controllers;
    private readonly UpstreamSchemaValidator? _upstream;
    private readonly ApiRequestHandler _handler;
    private readonly Authenticator _authenticator;

    private ApiServerEmulator(WebApplication app, EmulatorPki pki, ControllerHost controllers, UpstreamSchemaValidator? upstream, ApiRequestHandler handler, ResourceService service, Authenticator authenticator, string token)
    {
        _app = app;
        _pki = pki;
        _controllers = controllers;
        _upstream = upstream;
        _handler = handler;
        _authenticator = authenticator;
        Service = service;
        Token = token;
    }

    /// <summary>The server URL, <c>https://127.0.0.1:port</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("https://127.0.0.1/");

    /// <summary>The admin's bearer token: like the admin client certificate, in group <c>system:masters</c>, so never refused.</summary>
    public string Token { get; }

    /// <summary>The CA that signed the serving certificate (PEM).</summary>
    public string CaCertificatePem => EmulatorPki.Pem(_pki.Ca);

    /// <summary>The current global resourceVersion.</summary>
    public long ResourceVersion => Service.Store.Revision;

    internal ResourceService Service { get; }

    /// <summary>The emulated node's kubelet when <see cref="EmulatorOptions.Kubelet"/> asked for one.</summary>
    internal Kubelet? Kubelet { get; private set; }

    /// <summary>The CA and certificates, for harness parts that need to trust or impersonate clients.</summary>
    internal EmulatorPki Pki => _pki;

    public static async Task<ApiServerEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var pki = EmulatorPki.Create(options.Time.GetUtcNow());
        var authenticator = new Authenticator();
        var token = authenticator.Issue(KubeUser.Admin);
        var upstream = options.ValidateUpstreamSchemas ? new UpstreamSchemaValidator(options.RepositoryRoot ?? RepositoryRoot.Find()) : null;
        var store = new ObjectStore();
        var registry = new ResourceRegistry(BuiltInResources.All);
        var service = new ResourceService(store, registry, new Admission(upstream), options.Time);
        var endpoint = new ResourceEndpoint(service, new WatchStreamer(store, options.Time, options.BookmarkInterval), new ScaleSubresource(service), options.Time);
        var handler = new ApiRequestHandler(service, endpoint, authenticator, new RbacAuthorizer(store));
        WebApplication? app = null;
        try
        {
            await Bootstrap.SeedAsync(service, cancellationToken);
            app = BuildHost(pki, handler);
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // Whatever started (the node validator, Kestrel) must not outlive a failed start.
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            if (upstream is not null)
            {
                await upstream.DisposeAsync();
            }

            pki.Dispose();
            throw;
        }

        var controllers = new ControllerHost(store, options.Time, loggerFactory.CreateLogger<ApiServerEmulator>());
        var emulator = new ApiServerEmulator(app, pki, controllers, upstream, handler, service, authenticator, token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        handler.ServerAddress = $"{emulator.BaseAddress.Host}:{emulator.BaseAddress.Port}";
        controllers.Start(new GarbageCollector(service));
        controllers.Start(new NamespaceController(service));
        if (options.CertManager)
        {
            controllers.Start(new CertManagerController(service, options.Time));
        }

        if (options.Kubelet is { } kubelet)
        {
            emulator.Kubelet = EmulatedNode.Attach(emulator, kubelet, options.Time, loggerFactory);
        }

        return emulator;
    }

    private static WebApplication BuildHost(EmulatorPki pki, ApiRequestHandler handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = pki.Server;

                // Optional at the TLS layer so bearer tokens work too; a certificate that is sent must be ours.
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => pki.IsClientCertificate(certificate);
            });
        }));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(handler.HandleAsync);
        return app;
    }

    /// <summary>
    /// Adds a user who is authorized by RBAC only, like any non-admin user of a real cluster: bind Roles or ClusterRoles
    /// to the name, to one of <paramref name="groups"/>, or to <c>system:authenticated</c> (every user is in it).
    /// A user in <c>system:masters</c> is an admin. Returns the user's bearer token (random, from a CSPRNG); write a
    /// kubeconfig for it with <see cref="WriteKubeconfig(string, string, string)"/>.
    /// </summary>
    public string AddUser(string name, params string[] groups)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return _authenticator.Issue(KubeUser.Authenticated(name, groups));
    }

    /// <summary>Writes a kubeconfig (context <c>emulator</c>) that kubectl and our own client can use as is.</summary>
    public void WriteKubeconfig(string path, KubeconfigCredentials credentials = KubeconfigCredentials.ClientCertificate, string @namespace = "default")
    {
        if (credentials == KubeconfigCredentials.Token)
        {
            WriteKubeconfig(path, Token, @namespace);
            return;
        }

        WriteKubeconfig(path, KubeUser.AdminName,
            [$"    client-certificate-data: {B64(EmulatorPki.Pem(_pki.Client))}", $"    client-key-data: {B64(EmulatorPki.KeyPem(_pki.Client))}"], @namespace);
    }

    /// <summary>
    /// Writes a kubeconfig (context <c>emulator</c>) that authenticates with <paramref name="token"/>, one that
    /// <see cref="AddUser"/> returned (or <see cref="Token"/>); the kubeconfig's user entry carries the user's name.
    /// </summary>
    public void WriteKubeconfig(string path, string token, string @namespace = "default")
    {
        var user = _authenticator.Find(token) ?? throw new ArgumentException("The emulator did not issue this token; AddUser returns one.", nameof(token));
        WriteKubeconfig(path, user.Name, [$"    token: {token}"], @namespace);
    }

    private void WriteKubeconfig(string path, string userName, string[] credentials, string @namespace)
    {
        // A JSON string is a YAML double-quoted scalar: user names such as system:serviceaccount:ns:name stay one value.
        var user = System.Text.Json.JsonSerializer.Serialize(userName);
        string[] lines =
        [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: emulator",
            "  cluster:",
            $"    server: {BaseAddress.GetLeftPart(UriPartial.Authority)}",
            $"    certificate-authority-data: {B64(CaCertificatePem)}",
            "users:",
            $"- name: {user}",
            "  user:",
            .. credentials,
            "contexts:",
            "- name: emulator",
            "  context:",
            "    cluster: emulator",
            $"    user: {user}",
            $"    namespace: {@namespace}",
            "current-context: emulator",
        ];
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    private static string B64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));

    /// <summary>Drops the change history, like etcd compaction: watches from an older resourceVersion get 410 Gone.</summary>
    public void Compact() => Service.Store.Compact();

    /// <summary>Runs another emulated controller (the seam for the emulated kubelet).</summary>
    internal void AddController(IEmulatedController controller) => _controllers.Start(controller);

    /// <summary>Serves a subresource the emulator does not know (e.g. <c>pods/portforward</c>).</summary>
    internal void MapSubresource(GroupResource resource, string subresource, ISubresourceHandler handler) =>
        _handler.MapSubresource(resource, subresource, handler);

    public async ValueTask DisposeAsync()
    {
        await _controllers.DisposeAsync();

        // Open watches and idle keep-alive connections would hold a graceful stop for seconds; tests want them cut.
        using (var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await _app.StopAsync(quick.Token);
        }

        await _app.DisposeAsync();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        _pki.Dispose();
    }
}

using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// One isolated world per test: a fresh emulator, a temp dir with its kubeconfig, kubectl bound to it, and an
/// HttpClient that trusts the emulator's CA and authenticates with its token.
/// </summary>
internal sealed class EmulatorWorld : IAsyncDisposable
{
    private EmulatorWorld(ApiServerEmulator emulator, string directory, HttpClient http)
    {
        Emulator = emulator;
        Directory = directory;
        Http = http;
        Kubeconfig = Path.Combine(directory, "kubeconfig");
        emulator.WriteKubeconfig(Kubeconfig);
        Kubectl = new Kubectl(Kubeconfig, Path.Combine(directory, "kube-cache"));
    }

    public ApiServerEmulator Emulator { get; }

    public string Directory { get; }

    public string Kubeconfig { get; }

    public Kubectl Kubectl { get; }

    public HttpClient Http { get; }

    public static async Task<EmulatorWorld> StartAsync(EmulatorOptions? options = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sf-emulator-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var emulator = await ApiServerEmulator.StartAsync(options);
        var ca = X509Certificate2.CreateFromPem(emulator.CaCertificatePem);
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 served && chain.Build(served);
                },
            },
        };
        var http = new HttpClient(handler) { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.Token);
        return new EmulatorWorld(emulator, directory, http);
    }

    /// <summary>
    /// Adds a user authorized by RBAC only (<see cref="ApiServerEmulator.AddUser"/>) and writes a kubeconfig for it into
    /// the world's directory, for the official client or <c>new Kubectl(path, cacheDirectory)</c>; returns its path.
    /// </summary>
    public string UserKubeconfig(string name, params string[] groups)
    {
        var path = Path.Combine(Directory, $"kubeconfig-{name}");
        Emulator.WriteKubeconfig(path, Emulator.AddUser(name, groups));
        return path;
    }

    /// <summary>Writes a manifest into the world's directory and returns its path (for <c>kubectl apply -f</c>).</summary>
    public string File(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public async Task<(int Code, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        var (code, body, _) = await SendAsync(HttpMethod.Get, path);
        Assert.True(code == 200, $"GET {path} answered {code}: {body?.ToJsonString()}");
        return body!.AsObject();
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the deadline.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null) =>
        Eventually.TrueAsync(condition, what, deadline);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file: the temp dir is left for the OS to clean.
        }
    }
}

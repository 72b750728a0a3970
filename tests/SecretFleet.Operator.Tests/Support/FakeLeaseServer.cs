using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace SecretFleet.Operator.Tests.Support;

/// <summary>
/// One Lease behind the official client: a handler that answers GET, POST and PUT of
/// /apis/coordination.k8s.io/v1/namespaces/NS/leases/NAME in memory, with optimistic concurrency on
/// resourceVersion, and records every call. Several clients (replicas) may share one server.
/// </summary>
internal sealed class FakeLeaseServer
{
    private readonly Lock _gate = new();
    private JsonObject? _lease;
    private int _version;

    public List<(string Method, string Path)> Calls { get; } = [];

    /// <summary>Answers this status instead of serving the request when it returns one.</summary>
    public Func<HttpRequestMessage, HttpStatusCode?>? FailWhen { get; set; }

    public JsonObject? Lease
    {
        get
        {
            lock (_gate)
            {
                return _lease?.DeepClone().AsObject();
            }
        }
    }

    public string? Holder => (string?)Lease?["spec"]?["holderIdentity"];

    /// <summary>A client (one replica's) that sends to this server.</summary>
    public IKubernetes Client() => new Kubernetes(new KubernetesClientConfiguration { Host = "http://lease.test" }, new Handler(this));

    /// <summary>Changes the stored lease as another writer would (bumping its resourceVersion).</summary>
    public void Edit(Action<JsonObject> edit)
    {
        lock (_gate)
        {
            edit(_lease!);
            _lease!["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private async Task<HttpResponseMessage> ServeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))?.AsObject();
        lock (_gate)
        {
            Calls.Add((request.Method.Method, request.RequestUri!.AbsolutePath));
            if (FailWhen?.Invoke(request) is { } failure)
            {
                return Status(failure, "ServiceUnavailable");
            }

            if (request.Method == HttpMethod.Get)
            {
                return _lease is null ? Status(HttpStatusCode.NotFound, "NotFound") : Json(HttpStatusCode.OK, _lease);
            }

            if (request.Method == HttpMethod.Post)
            {
                return _lease is not null ? Status(HttpStatusCode.Conflict, "AlreadyExists") : Store(HttpStatusCode.Created, body!);
            }

            if (request.Method == HttpMethod.Put)
            {
                var expected = (string?)_lease?["metadata"]?["resourceVersion"];
                return _lease is null ? Status(HttpStatusCode.NotFound, "NotFound")
                    : (string?)body!["metadata"]?["resourceVersion"] != expected ? Status(HttpStatusCode.Conflict, "Conflict")
                    : Store(HttpStatusCode.OK, body);
            }

            return Status(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        }
    }

    private HttpResponseMessage Store(HttpStatusCode code, JsonObject lease)
    {
        lease["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _lease = lease;
        return Json(code, lease);
    }

    private static HttpResponseMessage Json(HttpStatusCode code, JsonNode body) =>
        new(code) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Status(HttpStatusCode code, string reason) =>
        Json(code, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = reason, ["code"] = (int)code });

    // Answers instead of passing the request on: the library's own transport is never reached.
    private sealed class Handler(FakeLeaseServer server) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await server.ServeAsync(request, cancellationToken).ConfigureAwait(false);
            response.RequestMessage = request; // the library reads the request back from the response
            return response;
        }
    }
}

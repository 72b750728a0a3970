using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.SecretClusters;
using SecretFleet.Kube.Tests.Support;

namespace SecretFleet.Kube.Tests;

[Trait("Category", "Integration")]
public sealed class KubernetesApiTests
{
    private const string PodJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"node-0","namespace":"ns","resourceVersion":"7"},"status":{"phase":"Running","podIP":"10.0.0.7","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"node","ready":true,"restartCount":2}]}}""";

    private static KubernetesApi Client(KubeStub stub, TimeProvider? time = null) => StubApi.For(stub.Url, time);

    private static Task Echo(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Request.Method == "GET" ? context.Response.WriteAsync(PodJson) : WriteLastBody(context);
    }

    private static async Task WriteLastBody(HttpContext context)
    {
        // The stub already consumed the body into its log; the test echo answers with a fixed object.
        await context.Response.WriteAsync("""{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web","namespace":"ns","resourceVersion":"9"}}""");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Apply_sends_a_server_side_apply_patch_with_field_manager_and_force(bool force)
    {
        await using var stub = await KubeStub.StartAsync(Echo);
        using var api = Client(stub);
        var statefulSet = new V1StatefulSet { ApiVersion = "apps/v1", Kind = "StatefulSet", Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "ns" }, Spec = new V1StatefulSetSpec { Replicas = 3 } };

        var applied = await api.ApplyAsync(statefulSet, new ApplyOptions("secretfleet-operator", force), CancellationToken.None);

        var request = stub.Single();
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/apis/apps/v1/namespaces/ns/statefulsets/web", request.Path);
        Assert.StartsWith("application/apply-patch+yaml", request.ContentType, StringComparison.Ordinal); // the library adds "; charset=utf-8"
        Assert.Equal("secretfleet-operator", request.Query["fieldManager"]);
        Assert.Equal(force ? "true" : "false", request.Query["force"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("apps/v1", (string?)body["apiVersion"]);
        Assert.Equal("StatefulSet", (string?)body["kind"]);
        Assert.Equal("web", (string?)body["metadata"]!["name"]);
        Assert.Equal(3, (int)body["spec"]!["replicas"]!);
        Assert.Null(body["metadata"]!["managedFields"]);
        Assert.Equal("9", applied.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ApplyStatus_goes_to_the_status_subresource_of_the_typed_kind()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, """{"apiVersion":"secretfleet.io/v1alpha1","kind":"SecretCluster","metadata":{"name":"demo","namespace":"ns"}}"""));
        using var api = Client(stub);
        var cluster = new SecretCluster
        {
            Metadata = new V1ObjectMeta { Name = "demo", NamespaceProperty = "ns" },
            Status = new SecretClusterStatus { Epoch = 4, Phase = SecretClusterPhase.Ready },
        };

        await api.ApplyStatusAsync(cluster, ApplyOptions.Operator, CancellationToken.None);

        var request = stub.Single();
        Assert.Equal("/apis/secretfleet.io/v1alpha1/namespaces/ns/secretclusters/demo/status", request.Path);
        Assert.StartsWith("application/apply-patch+yaml", request.ContentType, StringComparison.Ordinal); // the library adds "; charset=utf-8"
        Assert.Equal("true", request.Query["force"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(4, (int)body["status"]!["epoch"]!);
        Assert.Equal("Ready", (string?)body["status"]!["phase"]);
    }

    [Fact]
    public async Task PatchStatus_sends_a_merge_patch_to_the_status_subresource()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, """{"metadata":{"name":"demo","namespace":"ns"}}"""));
        using var api = Client(stub);

        await api.PatchStatusAsync<SecretCluster>("ns", "demo", KubePatch.Merge(new JsonObject { ["status"] = new JsonObject { ["readyReplicas"] = 2 } }), CancellationToken.None);

        var request = stub.Single();
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/apis/secretfleet.io/v1alpha1/namespaces/ns/secretclusters/demo/status", request.Path);
        Assert.StartsWith("application/merge-patch+json", request.ContentType, StringComparison.Ordinal); // the library adds "; charset=utf-8"
        Assert.Equal("""{"status":{"readyReplicas":2}}""", request.Body);
    }

    [Fact]
    public async Task Annotation_patch_is_a_merge_patch_of_metadata_annotations_only()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, """{"metadata":{"name":"demo","namespace":"ns"}}"""));
        using var api = Client(stub);
        var patch = KubePatch.Annotations([KeyValuePair.Create(LabelsAndAnnotations.RefreshRequestedAt, (string?)"2026-01-02T03:04:05Z")]) with { FieldManager = "kubectl-secrets" };

        await api.PatchAsync<SecretCluster>("ns", "demo", patch, CancellationToken.None);

        var request = stub.Single();
        Assert.Equal("/apis/secretfleet.io/v1alpha1/namespaces/ns/secretclusters/demo", request.Path);
        Assert.Equal("kubectl-secrets", request.Query["fieldManager"]);
        Assert.StartsWith("application/merge-patch+json", request.ContentType, StringComparison.Ordinal); // the library adds "; charset=utf-8"
        Assert.Equal("""{"metadata":{"annotations":{"secretfleet.io/refresh-requested-at":"2026-01-02T03:04:05Z"}}}""", request.Body);
    }

    [Fact]
    public async Task Get_reads_the_pod_fields_the_operator_uses()
    {
        await using var stub = await KubeStub.StartAsync(Echo);
        using var api = Client(stub);

        var pod = await api.GetAsync<V1Pod>("ns", "node-0", CancellationToken.None);

        Assert.Equal("/api/v1/namespaces/ns/pods/node-0", stub.Single().Path);
        Assert.NotNull(pod);
        Assert.Equal("10.0.0.7", pod.Status!.PodIP);
        Assert.True(pod.IsReady());
        Assert.Equal(2, pod.Status.ContainerStatuses![0].RestartCount);
    }

    [Fact]
    public async Task Get_of_a_missing_object_returns_null()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Status(c, 404, "NotFound", "secrets \\\"gone\\\" not found", "gone", "secrets"));
        using var api = Client(stub);

        Assert.Null(await api.GetAsync<V1Secret>("ns", "gone", CancellationToken.None));
    }

    [Fact]
    public async Task Get_of_a_resource_the_server_does_not_serve_throws_instead_of_returning_null()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}""", 404));
        using var api = Client(stub);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.GetAsync<SecretCluster>("ns", "demo", CancellationToken.None));

        Assert.True(e.IsNotFound);
        Assert.Contains("could not find the requested resource", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replace_with_a_stale_resourceVersion_fails_as_a_conflict()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Status(c, 409, "Conflict", "Operation cannot be fulfilled: the object has been modified", "lease", "leases"));
        using var api = Client(stub);
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "lease", NamespaceProperty = "ns", ResourceVersion = "3" } };

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.ReplaceAsync(secret, CancellationToken.None));

        Assert.Equal("PUT", stub.Single().Method);
        Assert.True(e.IsConflict);
        Assert.False(e.IsAlreadyExists);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task An_error_Status_becomes_a_KubeApiException_with_its_reason_and_message()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Status(c, 403, "Forbidden", "secrets is forbidden: User cannot list resource"));
        using var api = Client(stub);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.ListAsync<V1Secret>("ns", null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Equal("Forbidden", e.Reason);
        Assert.True(e.IsForbidden);
        Assert.False(e.IsTransient);
        Assert.Contains("GET /api/v1/namespaces/ns/secrets", e.Message, StringComparison.Ordinal);
        Assert.Contains("User cannot list resource", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throttled_request_waits_as_long_as_Retry_After_says_and_then_succeeds()
    {
        var calls = 0;
        await using var stub = await KubeStub.StartAsync(c =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers.RetryAfter = "7";
                return KubeStub.Status(c, 429, "TooManyRequests", "too many requests");
            }

            return Echo(c);
        });
        var time = new InstantDelayTimeProvider();
        using var api = Client(stub, time);

        var pod = await api.GetAsync<V1Pod>("ns", "node-0", CancellationToken.None);

        Assert.NotNull(pod);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
    }

    [Fact]
    public async Task Throttling_that_never_ends_surfaces_as_a_transient_error_after_the_retries()
    {
        await using var stub = await KubeStub.StartAsync(c =>
        {
            c.Response.Headers.RetryAfter = "1";
            return KubeStub.Status(c, 429, "TooManyRequests", "too many requests");
        });
        var time = new InstantDelayTimeProvider();
        using var api = Client(stub, time);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.GetAsync<V1Pod>("ns", "node-0", CancellationToken.None));

        Assert.Equal(6, stub.Requests.Count); // the first try and five retries
        Assert.True(e.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
    }

    [Fact]
    public async Task List_sends_the_label_selector_and_returns_items_with_the_list_version()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Json(c, $$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[{{PodJson}}]}"""));
        using var api = Client(stub);
        var options = ListOptions.ForLabels([KeyValuePair.Create(LabelsAndAnnotations.Cluster, "demo"), KeyValuePair.Create(LabelsAndAnnotations.Name, "secretfleet")]);

        var list = await api.ListAsync<V1Pod>("ns", options, CancellationToken.None);

        Assert.Equal("secretfleet.io/cluster=demo,app.kubernetes.io/name=secretfleet", stub.Single().Query["labelSelector"]);
        Assert.Equal("42", list.Metadata.ResourceVersion);
        Assert.Equal("node-0", Assert.Single(list.Items).Metadata.Name);
    }

    [Fact]
    public async Task Create_posts_to_the_collection_and_a_namesake_fails_as_already_exists()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Status(c, 409, "AlreadyExists", "events \\\"e1\\\" already exists", "e1", "events"));
        using var api = Client(stub);
        var ev = new Eventsv1Event { Metadata = new V1ObjectMeta { Name = "e1", NamespaceProperty = "ns" }, Reason = "EpochCompleted", Type = "Normal", EventTime = DateTime.UnixEpoch };

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.CreateAsync(ev, CancellationToken.None));

        var request = stub.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/apis/events.k8s.io/v1/namespaces/ns/events", request.Path);
        Assert.Equal("1970-01-01T00:00:00.000000Z", (string?)JsonNode.Parse(request.Body)!["eventTime"]);
        Assert.True(e.IsAlreadyExists);
        Assert.False(e.IsConflict);
    }

    [Fact]
    public async Task Delete_sends_the_propagation_policy_and_reports_a_missing_object_as_false()
    {
        var calls = 0;
        await using var stub = await KubeStub.StartAsync(c => Interlocked.Increment(ref calls) == 1
            ? KubeStub.Json(c, """{"kind":"Status","apiVersion":"v1","status":"Success"}""")
            : KubeStub.Status(c, 404, "NotFound", "not found", "data-node-0", "persistentvolumeclaims"));
        using var api = Client(stub);
        var options = new DeleteOptions { PropagationPolicy = "Foreground", PreconditionUid = "u-1" };

        Assert.True(await api.DeleteAsync(KubeResources.PersistentVolumeClaims, "ns", "data-node-0", options, CancellationToken.None));
        Assert.False(await api.DeleteAsync(KubeResources.PersistentVolumeClaims, "ns", "data-node-0", null, CancellationToken.None));

        var first = stub.Requests.First();
        Assert.Equal("DELETE", first.Method);
        Assert.Equal("/api/v1/namespaces/ns/persistentvolumeclaims/data-node-0", first.Path);
        var body = JsonNode.Parse(first.Body)!;
        Assert.Equal("Foreground", (string?)body["propagationPolicy"]);
        Assert.Equal("u-1", (string?)body["preconditions"]!["uid"]);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_transient_error_naming_the_server()
    {
        Uri url;
        await using (var stub = await KubeStub.StartAsync(Echo))
        {
            url = stub.Url;
        }

        using var api = StubApi.For(url);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.GetAsync<V1Pod>("ns", "node-0", CancellationToken.None));

        Assert.Null(e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Contains(url.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_paths_follow_group_version_and_scope()
    {
        Assert.Equal("/api/v1/namespaces", KubeResources.Namespaces.CollectionPath(null));
        Assert.Equal("/api/v1/namespaces/prod", KubeResources.Namespaces.ItemPath(null, "prod"));
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/ns/leases/op", KubeResources.Leases.ItemPath("ns", "op"));
        Assert.Equal("/apis/policy/v1/poddisruptionbudgets", KubeResources.PodDisruptionBudgets.CollectionPath(null));
        Assert.Equal("/apis/cert-manager.io/v1/clusterissuers/ca", KubeResources.ClusterIssuers.ItemPath(null, "ca"));
        Assert.Same(KubeResources.Certificates, KubeResources.Find("cert-manager.io/v1", "Certificate"));
        Assert.Equal("/apis/networking.k8s.io/v1/namespaces/vault/networkpolicies/demo-nodes", KubeResources.NetworkPolicies.ItemPath("vault", "demo-nodes"));
        Assert.Same(KubeResources.NetworkPolicies, KubeResources.Find("networking.k8s.io/v1", "NetworkPolicy"));
        Assert.Throws<ArgumentException>(() => KubeResources.Pods.ItemPath(null, "node-0"));
    }
}

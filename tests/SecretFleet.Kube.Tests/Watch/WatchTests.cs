using k8s.Models;
using Microsoft.AspNetCore.Http;
using SecretFleet.Kube.Client;
using SecretFleet.Kube.Tests.Support;
using SecretFleet.Kube.Watch;

namespace SecretFleet.Kube.Tests.Watch;

[Trait("Category", "Integration")]
public sealed class WatchTests
{
    internal static string PodEvent(string type, string name, string version) =>
        "{\"type\":\"" + type + "\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\",\"resourceVersion\":\"" + version + "\"}}}";

    internal static string Bookmark(string version) =>
        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + version + "\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}";

    internal const string Expired410 =
        """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (20)","reason":"Expired","code":410}}""";

    internal static async Task WriteLinesAsync(HttpContext context, params string[] lines)
    {
        context.Response.ContentType = "application/json";
        foreach (var line in lines)
        {
            await context.Response.WriteAsync(line + "\n");
            await context.Response.Body.FlushAsync();
        }
    }

    private static KubernetesApi Client(KubeStub stub) => StubApi.For(stub.Url);

    private static async Task<List<WatchEvent<V1Pod>>> CollectAsync(IAsyncEnumerable<WatchEvent<V1Pod>> events)
    {
        var list = new List<WatchEvent<V1Pod>>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }

    [Fact]
    public async Task Watch_parses_added_modified_deleted_and_bookmark_events()
    {
        await using var stub = await KubeStub.StartAsync(c => WriteLinesAsync(
            c,
            PodEvent("ADDED", "node-0", "11"),
            PodEvent("MODIFIED", "node-0", "12"),
            Bookmark("13"),
            PodEvent("DELETED", "node-0", "14")));
        using var api = Client(stub);

        var events = await CollectAsync(api.WatchAsync<V1Pod>("ns", new WatchOptions { ResourceVersion = "10", TimeoutSeconds = 300 }, CancellationToken.None));

        Assert.Equal(
            [WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Deleted],
            events.Select(e => e.Type));
        Assert.Equal(["11", "12", "13", "14"], events.Select(e => e.ResourceVersion));
        Assert.Equal("node-0", events[0].Object!.Metadata.Name);
        var request = stub.Single();
        Assert.Equal("/api/v1/namespaces/ns/pods", request.Path);
        Assert.Equal("true", request.Query["watch"]);
        Assert.Equal("true", request.Query["allowWatchBookmarks"]);
        Assert.Equal("10", request.Query["resourceVersion"]);
        Assert.Equal("300", request.Query["timeoutSeconds"]);
    }

    [Fact]
    public async Task A_watch_outlives_the_clients_request_timeout()
    {
        // ListWatch asks the server for 5-10 minute watches; the library's request timeout (100 s) must not cut them.
        await using var stub = await KubeStub.StartAsync(async c =>
        {
            await WriteLinesAsync(c, PodEvent("ADDED", "node-0", "11"));
            await Task.Delay(TimeSpan.FromSeconds(3), c.RequestAborted);
            await c.Response.WriteAsync(PodEvent("MODIFIED", "node-0", "12") + "\n");
        });
        var config = new k8s.KubernetesClientConfiguration { Host = stub.Url.ToString(), HttpClientTimeout = TimeSpan.FromSeconds(1) };
        using var api = KubernetesApi.Create(config);

        var events = await CollectAsync(api.WatchAsync<V1Pod>("ns", null, CancellationToken.None));

        Assert.Equal(["11", "12"], events.Select(e => e.ResourceVersion));
    }

    [Fact]
    public async Task Any_other_request_is_bounded_by_the_request_timeout()
    {
        await using var stub = await KubeStub.StartAsync(async c => await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted));
        using var api = KubernetesApi.Create(new k8s.KubernetesClientConfiguration { Host = stub.Url.ToString(), HttpClientTimeout = TimeSpan.FromSeconds(1) });

        var e = await Assert.ThrowsAsync<KubeApiException>(() => api.GetAsync<V1Pod>("ns", "node-0", CancellationToken.None));

        Assert.True(e.IsTransient);
        Assert.Contains("no answer in time", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_joins_an_event_split_across_reads()
    {
        var second = PodEvent("MODIFIED", "node-1", "21");
        var firstEventSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await KubeStub.StartAsync(async c =>
        {
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(PodEvent("ADDED", "node-1", "20") + "\n" + second[..40]);
            await c.Response.Body.FlushAsync();

            // The rest goes out only after the client has parsed the first event, so the client must have
            // read the second event in two pieces.
            await firstEventSeen.Task;
            await c.Response.WriteAsync(second[40..] + "\n");
        });
        using var api = Client(stub);

        var events = new List<WatchEvent<V1Pod>>();
        await foreach (var e in api.WatchAsync<V1Pod>("ns", null, CancellationToken.None))
        {
            events.Add(e);
            firstEventSeen.TrySetResult();
        }

        Assert.Equal(["20", "21"], events.Select(e => e.ResourceVersion));
        Assert.Equal(WatchEventType.Modified, events[1].Type);
    }

    [Fact]
    public async Task An_ERROR_event_with_code_410_yields_Expired_and_ends_the_watch()
    {
        await using var stub = await KubeStub.StartAsync(c => WriteLinesAsync(c, PodEvent("ADDED", "a", "6"), Expired410, PodEvent("ADDED", "b", "7")));
        using var api = Client(stub);

        var events = await CollectAsync(api.WatchAsync<V1Pod>("ns", new WatchOptions { ResourceVersion = "5" }, CancellationToken.None));

        Assert.Equal([WatchEventType.Added, WatchEventType.Expired], events.Select(e => e.Type));
        Assert.Equal("Expired", events[1].Status!.Reason);
    }

    [Fact]
    public async Task An_HTTP_410_answer_yields_Expired()
    {
        await using var stub = await KubeStub.StartAsync(c => KubeStub.Status(c, 410, "Gone", "too old resource version"));
        using var api = Client(stub);

        var events = await CollectAsync(api.WatchAsync<V1Pod>("ns", new WatchOptions { ResourceVersion = "1" }, CancellationToken.None));

        Assert.Equal(WatchEventType.Expired, Assert.Single(events).Type);
    }

    [Fact]
    public async Task Any_other_ERROR_event_throws_with_the_server_reason()
    {
        await using var stub = await KubeStub.StartAsync(c => WriteLinesAsync(c,
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"internal error","reason":"InternalError","code":500}}"""));
        using var api = Client(stub);

        var e = await Assert.ThrowsAsync<KubeApiException>(() => CollectAsync(api.WatchAsync<V1Pod>("ns", null, CancellationToken.None)));

        Assert.Equal("InternalError", e.Reason);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task A_dropped_connection_throws_a_transient_error()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await KubeStub.StartAsync(async c =>
        {
            await WriteLinesAsync(c, PodEvent("ADDED", "a", "6"));

            // Reset only once the client has the event: a reset discards data the client has not read yet.
            await received.Task;
            c.Abort();
        });
        using var api = Client(stub);
        var seen = new List<WatchEvent<V1Pod>>();

        var e = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var ev in api.WatchAsync<V1Pod>("ns", null, CancellationToken.None))
            {
                seen.Add(ev);
                received.TrySetResult();
            }
        });

        Assert.Equal("6", Assert.Single(seen).ResourceVersion);
        Assert.True(e.IsTransient);
    }
}

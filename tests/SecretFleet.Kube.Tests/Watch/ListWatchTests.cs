using k8s.Models;
using Microsoft.AspNetCore.Http;
using SecretFleet.Kube.Tests.Support;
using SecretFleet.Kube.Watch;
using static SecretFleet.Kube.Tests.Watch.WatchTests;

namespace SecretFleet.Kube.Tests.Watch;

[Trait("Category", "Integration")]
public sealed class ListWatchTests
{
    private static readonly ListWatchOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(20) };

    private static string PodList(string version, params string[] names) =>
        $$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"{{version}}"},"items":[{{string.Join(",", names.Select(Item))}}]}""";

    private static string Item(string name) => $$$"""{"metadata":{"name":"{{{name}}}","namespace":"ns","resourceVersion":"1"}}""";

    private static async Task HoldOpenAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away: the test is over.
        }
    }

    private static bool IsWatch(HttpContext context) => context.Request.Query["watch"] == "true";

    /// <summary>Reads events until <paramref name="count"/> arrived, then stops the list-watch.</summary>
    private static async Task<List<ListWatchEvent<V1Pod>>> TakeAsync(ListWatch<V1Pod> listWatch, int count, Action<ListWatchEvent<V1Pod>>? onEvent = null)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<ListWatchEvent<V1Pod>>();
        await foreach (var e in listWatch.RunAsync(deadline.Token))
        {
            events.Add(e);
            onEvent?.Invoke(e);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    private static string Describe(ListWatchEvent<V1Pod> e) =>
        e.Type == ListWatchEventType.Resynced
            ? $"Resynced[{string.Join(",", e.Snapshot.Select(p => p.Metadata.Name))}]"
            : $"{e.Type} {e.Object!.Metadata.Name}";

    [Fact]
    public async Task After_410_it_relists_reports_what_vanished_and_watches_from_the_new_version()
    {
        var lists = 0;
        var watches = 0;
        await using var stub = await KubeStub.StartAsync(c =>
        {
            if (!IsWatch(c))
            {
                return KubeStub.Json(c, Interlocked.Increment(ref lists) == 1 ? PodList("5", "a", "b") : PodList("9", "a", "c"));
            }

            return Interlocked.Increment(ref watches) == 1
                ? WriteLinesAsync(c, PodEvent("ADDED", "c", "6"), Expired410)
                : HoldOpenAsync(c);
        });
        using var api = StubApi.For(stub.Url);

        var events = await TakeAsync(new ListWatch<V1Pod>(api, KubeResources.Pods, "ns", Fast), 4);

        Assert.Equal(["Resynced[a,b]", "Added c", "Deleted b", "Resynced[a,c]"], events.Select(Describe));
        var watchVersions = stub.Requests.Where(r => r.Query.ContainsKey("watch")).Select(r => r.Query["resourceVersion"]).ToList();
        Assert.Equal("5", watchVersions[0]);
        Assert.Equal(2, lists);
    }

    [Fact]
    public async Task After_a_dropped_watch_it_reconnects_from_the_last_event_without_relisting()
    {
        var watches = 0;
        var modifiedSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondWatchVersion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await KubeStub.StartAsync(async c =>
        {
            if (!IsWatch(c))
            {
                await KubeStub.Json(c, PodList("5", "a"));
                return;
            }

            if (Interlocked.Increment(ref watches) == 1)
            {
                await WriteLinesAsync(c, PodEvent("MODIFIED", "a", "7"));

                // Reset only once the client has the event: a reset discards data the client has not read yet.
                await modifiedSeen.Task;
                c.Abort();
                return;
            }

            secondWatchVersion.TrySetResult(c.Request.Query["resourceVersion"].ToString());
            await WriteLinesAsync(c, PodEvent("MODIFIED", "a", "9"));
            await HoldOpenAsync(c);
        });
        using var api = StubApi.For(stub.Url);

        var events = await TakeAsync(new ListWatch<V1Pod>(api, KubeResources.Pods, "ns", Fast), 3, e =>
        {
            if (e.Type == ListWatchEventType.Modified)
            {
                modifiedSeen.TrySetResult();
            }
        });

        Assert.Equal(["Resynced[a]", "Modified a", "Modified a"], events.Select(Describe));
        Assert.Equal("9", events[2].Object!.Metadata.ResourceVersion);
        Assert.Equal("7", await secondWatchVersion.Task);
        Assert.Equal(1, stub.Requests.Count(r => !r.Query.ContainsKey("watch")));
    }

    [Fact]
    public async Task When_the_server_ends_a_watch_it_resumes_from_the_last_bookmark_and_emits_no_event_for_it()
    {
        var watches = 0;
        var secondWatchVersion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = await KubeStub.StartAsync(async c =>
        {
            if (!IsWatch(c))
            {
                await KubeStub.Json(c, PodList("5", "a"));
                return;
            }

            if (Interlocked.Increment(ref watches) == 1)
            {
                // As at the end of timeoutSeconds: a bookmark, then the server closes the stream.
                await WriteLinesAsync(c, PodEvent("MODIFIED", "a", "7"), Bookmark("8"));
                return;
            }

            secondWatchVersion.TrySetResult(c.Request.Query["resourceVersion"].ToString());
            await WriteLinesAsync(c, PodEvent("DELETED", "a", "10"));
            await HoldOpenAsync(c);
        });
        using var api = StubApi.For(stub.Url);

        var events = await TakeAsync(new ListWatch<V1Pod>(api, KubeResources.Pods, "ns", Fast), 3);

        Assert.Equal(["Resynced[a]", "Modified a", "Deleted a"], events.Select(Describe));
        Assert.Equal("8", await secondWatchVersion.Task);
    }

    [Fact]
    public async Task A_failing_list_is_retried_with_growing_backoff_until_it_succeeds()
    {
        var lists = 0;
        await using var stub = await KubeStub.StartAsync(c =>
        {
            if (IsWatch(c))
            {
                return HoldOpenAsync(c);
            }

            return Interlocked.Increment(ref lists) <= 2
                ? KubeStub.Status(c, 503, "ServiceUnavailable", "etcd is down")
                : KubeStub.Json(c, PodList("3", "a"));
        });
        var time = new InstantDelayTimeProvider();
        using var api = StubApi.For(stub.Url);
        var options = new ListWatchOptions { TimeProvider = time, InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(30) };

        var events = await TakeAsync(new ListWatch<V1Pod>(api, KubeResources.Pods, "ns", options), 1);

        Assert.Equal("Resynced[a]", Describe(Assert.Single(events)));
        Assert.Equal(3, lists);
        var delays = time.Delays.ToList();
        Assert.Equal(2, delays.Count);
        Assert.InRange(delays[0], TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        Assert.InRange(delays[1], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// Serves <c>?watch=true</c>: a chunked stream of JSON event lines, from a resourceVersion (or the current state as
/// ADDED events), with periodic BOOKMARKs when asked, ending after <c>timeoutSeconds</c>. A compacted resourceVersion
/// yields one ERROR event carrying a 410 Status, as a real server sends it.
/// </summary>
internal sealed class WatchStreamer(ObjectStore store, TimeProvider time, TimeSpan bookmarkInterval)
{
    public async Task StreamAsync(HttpContext context, ResourceType type, string? ns, ListOptions options, bool asTable)
    {
        var rv = HttpIo.Query(context, "resourceVersion");
        long? from = rv is null or "" or "0" ? null : long.TryParse(rv, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        if (from == -1)
        {
            await HttpIo.WriteStatusAsync(context, ApiStatus.BadRequest($"invalid resourceVersion: {rv}"));
            return;
        }

        var timeout = long.TryParse(HttpIo.Query(context, "timeoutSeconds"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(30);
        var resource = type.GroupResource;
        var (subscription, gone) = store.Subscribe(o => o.Resource == resource && (ns is null || o.Namespace == ns) && options.Matches(o), from);

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (subscription is null)
        {
            await WriteAsync(context, WatchEvent.Line("ERROR", gone!.ToJson()));
            return;
        }

        using var _ = subscription;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, context.RequestAborted);
        var bookmarks = HttpIo.QueryFlag(context, "allowWatchBookmarks") && !asTable
            ? SendBookmarksAsync(subscription, resource, stop.Token)
            : Task.CompletedTask;
        var firstTable = true;
        try
        {
            await foreach (var change in subscription.Events.ReadAllAsync(stop.Token))
            {
                var payload = change.Type == WatchEventType.Bookmark
                    ? Bookmark(type, change.ResourceVersion)
                    : ResourceService.Present(type, change.Object!.Parse());
                if (asTable && change.Type != WatchEventType.Bookmark)
                {
                    payload = TableConverter.Convert(type, [payload], new JsonObject { ["resourceVersion"] = payload["metadata"]?["resourceVersion"]?.DeepClone() },
                        HttpIo.Query(context, "includeObject"), firstTable, time.GetUtcNow());
                    firstTable = false;
                }

                await WriteAsync(context, WatchEvent.Line(change.TypeName, payload));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The timeout or the client ended the watch: a normal end of stream.
        }

        await bookmarks;
    }

    private static JsonObject Bookmark(ResourceType type, long revision) => new()
    {
        ["kind"] = type.Kind,
        ["apiVersion"] = type.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
    };

    private async Task SendBookmarksAsync(WatchSubscription subscription, GroupResource resource, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(bookmarkInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                store.Bookmark(subscription, resource);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The watch ended.
        }
    }

    private static async Task WriteAsync(HttpContext context, byte[] line)
    {
        await context.Response.Body.WriteAsync(line, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}

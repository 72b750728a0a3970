using System.Security.Cryptography;
using Grpc.Core;
using SecretFleet.Core.Naming;
using SecretFleet.Core.Protos;
using SecretFleet.Core.Rpc;
using SecretFleet.Node.Hosting;
using SecretFleet.Node.Storage;

namespace SecretFleet.Node.Services;

/// <summary>
/// secretfleet.v1.Shares for clients. The caller's certificate identity owns what it stores.
/// Get and Delete of another client's secret answer exactly as for a name nobody stored
/// (NOT_FOUND, same text), so reads and deletes do not tell another client that a name exists;
/// the audit row still records the attempt as OwnedByAnother. Put of such a name is refused with
/// PERMISSION_DENIED: names are global, so a write necessarily learns that a name is taken
/// (docs/protocol.md, "What another client learns"). A node whose shares are being rebuilt
/// accepts writes but refuses reads (UNAVAILABLE) until share recovery made it a member.
/// </summary>
internal sealed class SharesService(ShareStore store, NodeOptions options) : Shares.SharesBase
{
    private const int MaxPageSize = 1000;
    private readonly int _maxShareBytes = (4 + options.MaxSecretBytes + 32 + 15) / 16 * 16;

    /// <summary>The most calls one PutMany or GetMany may carry: as many Puts as the writer takes into one transaction.</summary>
    public const int MaxCallsPerBatch = 512;

    public override async Task<PutShareResponse> Put(PutShareRequest request, ServerCallContext context)
    {
        // Tell the writer a Put is coming, so a transaction starting now can wait for it.
        var announcement = store.Database.Writes.Announce();
        var write = (ShareWrite?)null;
        PutResult result;
        try
        {
            Task<PutResult> written;
            try
            {
                write = Validate(request, context);
                written = store.PutAsync(write, context.CancellationToken);
            }
            finally
            {
                announcement.Dispose();
            }
            result = await written.ConfigureAwait(false);
        }
        finally
        {
            // The writer is done with the share once its task completed (a cancelled write is
            // dropped before it runs), so the plaintext can go now; only the sealed value stays.
            WireBytes.Wipe(request.Share);
            if (write is not null)
            {
                CryptographicOperations.ZeroMemory(write.Share);
            }
        }
        return result.Status switch
        {
            PutStatus.Stored => new PutShareResponse { Epoch = result.Epoch, Recovering = !store.State.IsMember },
            PutStatus.AlreadyStored => new PutShareResponse { Epoch = result.Epoch, AlreadyStored = true, Recovering = !store.State.IsMember },
            PutStatus.NameTaken => throw RpcFailure.Of(StatusCode.AlreadyExists, $"Secret '{request.Name}' already exists; overwrite it explicitly."),
            PutStatus.VersionConflict => throw RpcFailure.Of(StatusCode.AlreadyExists, $"Version {request.Version} of '{request.Name}' already holds other content."),
            PutStatus.NewerVersionExists => throw RpcFailure.Of(StatusCode.FailedPrecondition, $"A newer version of '{request.Name}' than {request.Version} exists."),
            PutStatus.OwnedByAnother => throw Denied(request.Name),
            PutStatus.Frozen => throw Resharing(),
            _ => throw new InvalidOperationException($"Unhandled put status {result.Status}."),
        };
    }

    public override async Task<PutManyResponse> PutMany(PutManyRequest request, ServerCallContext context)
    {
        if (request.Puts.Count is 0 or > MaxCallsPerBatch)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, $"PutMany takes 1 to {MaxCallsPerBatch} puts, not {request.Puts.Count}.");
        }
        Task<PutShareResponse>[] puts;
        // One announcement over the whole batch: each Put queues before the next is validated,
        // and the writer should not start a transaction in between.
        using (store.Database.Writes.Announce())
        {
            // Each Put runs up to its first wait (its write queued) before the next starts.
            puts = [.. request.Puts.Select(put => Put(put, context))];
        }
        var response = new PutManyResponse();
        foreach (var put in puts)
        {
            var (stored, failure) = await Settle(put).ConfigureAwait(false);
            response.Outcomes.Add(stored is not null ? new PutOutcome { Stored = stored } : new PutOutcome { Failure = failure });
        }
        return response;
    }

    public override async Task<GetManyResponse> GetMany(GetManyRequest request, ServerCallContext context)
    {
        if (request.Gets.Count is 0 or > MaxCallsPerBatch)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, $"GetMany takes 1 to {MaxCallsPerBatch} gets, not {request.Gets.Count}.");
        }
        var response = new GetManyResponse();
        foreach (var get in request.Gets)
        {
            // Each opened share is zeroed once the response has been sent, as a Get's is.
            var (found, failure) = await Settle(Get(get, context)).ConfigureAwait(false);
            response.Outcomes.Add(found is not null ? new GetOutcome { Found = found } : new GetOutcome { Failure = failure });
        }
        return response;
    }

    // What a call answered alone, as one outcome of a batch. Failures other than the call's own
    // refusals (the store stopped, the call was cancelled) fail the whole batch.
    private static async Task<(T? Result, CallFailure? Failure)> Settle<T>(Task<T> call)
        where T : class
    {
        try
        {
            return (await call.ConfigureAwait(false), null);
        }
        catch (RpcException e)
        {
            return (null, CallFailures.Of(e));
        }
    }

    private static RpcException Resharing() => Core.Epochs.ResharingWrites.Refused();

    private RpcException? ShapeMismatch(uint clientThreshold, uint clientNodes)
    {
        var state = store.State;
        return Core.Epochs.ResharingWrites.CheckShape(state.FleetThreshold(options.Threshold), state.Nodes, clientThreshold, clientNodes);
    }

    // Checks the request and says what to write.
    private ShareWrite Validate(PutShareRequest request, ServerCallContext context)
    {
        CheckName(request.Name);
        CheckVersion(request.Version, allowZero: false);
        if (request.Share.Length == 0 || request.Share.Length % 16 != 0 || request.Share.Length > _maxShareBytes)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, $"share must be 16 to {_maxShareBytes} bytes in whole 16-byte blocks, not {request.Share.Length}.");
        }
        if (request.Commitment.Length != 32)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, $"commitment must be a 32-byte SHA-256 digest, not {request.Commitment.Length} bytes.");
        }
        if (request.X != options.X)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, $"This node holds x {options.X}; the share sent here is for x {request.X}.");
        }
        // A share split for another threshold would not combine with the others; one split for
        // fewer nodes leaves nodes the client does not know without a share. Both mean the fleet
        // was reshared or grew since the client read its shape.
        if (request.Threshold == 0)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, "threshold must be the threshold the secret was split with, not 0.");
        }
        if (ShapeMismatch(request.Threshold, request.Nodes) is { } changed)
        {
            throw changed;
        }
        // The request's own buffer, not a copy; PutAsync wipes it.
        return new ShareWrite(Owner(context), request.Name, request.Version, WireBytes.Expose(request.Share), request.Commitment.ToByteArray(), (int)request.Threshold, request.CreateOnly);
    }

    public override async Task<GetShareResponse> Get(GetShareRequest request, ServerCallContext context)
    {
        CheckName(request.Name);
        CheckVersion(request.Version, allowZero: true);
        RequireMember();
        var result = await store.GetAsync(Owner(context), request.Name, request.Version, context.CancellationToken).ConfigureAwait(false);
        if (result.Status != ReadStatus.Found)
        {
            throw result.Status switch
            {
                ReadStatus.NotFound or ReadStatus.OwnedByAnother => NotFound(request.Name, request.Version),
                _ => RpcFailure.Of(StatusCode.DataLoss, $"This node's share of '{request.Name}' fails its integrity check; recover from the other nodes."),
            };
        }
        var share = result.Share!;
        // The opened share goes out by reference; it is zeroed once the response has been sent.
        context.GetHttpContext().Response.RegisterForDispose(new Zeroing(share.Share));
        var response = new GetShareResponse
        {
            Name = share.Name, Version = share.Version, Epoch = share.Epoch, X = options.X,
            Share = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(share.Share),
            Commitment = Google.Protobuf.ByteString.CopyFrom(share.Commitment), Threshold = (uint)share.Threshold,
        };
        response.OlderVersions.Add(share.OlderVersions);
        return response;
    }

    public override async Task<DeleteShareResponse> Delete(DeleteShareRequest request, ServerCallContext context)
    {
        CheckName(request.Name);
        CheckVersion(request.Version, allowZero: true);
        if (ShapeMismatch(request.Threshold, request.Nodes) is { } changed)
        {
            throw changed;
        }
        var result = await store.DeleteAsync(Owner(context), request.Name, request.Version, context.CancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            DeleteStatus.Deleted => new DeleteShareResponse { DeletedVersions = (uint)result.DeletedVersions },
            DeleteStatus.NotFound or DeleteStatus.OwnedByAnother => throw NotFound(request.Name, request.Version),
            DeleteStatus.Frozen => throw Resharing(),
            _ => throw new InvalidOperationException($"Unhandled delete status {result.Status}."),
        };
    }

    public override async Task<ListSharesResponse> List(ListSharesRequest request, ServerCallContext context)
    {
        RequireMember();
        var pageSize = request.PageSize == 0 ? 100 : (int)Math.Min(request.PageSize, MaxPageSize);
        var page = await store.ListAsync(Owner(context), pageSize, request.PageToken, context.CancellationToken).ConfigureAwait(false);
        var response = new ListSharesResponse { NextPageToken = page.Count == pageSize ? page[^1].Name : "" };
        response.Secrets.Add(page.Select(s => new SecretSummary
        {
            Name = s.Name, Version = s.Version, Epoch = s.Epoch, Threshold = (uint)s.Threshold, Blocks = (uint)s.Blocks, UpdatedUnixMs = s.UpdatedUnixMs,
        }));
        return response;
    }

    private sealed class Zeroing(byte[] buffer) : IDisposable
    {
        public void Dispose() => CryptographicOperations.ZeroMemory(buffer);
    }

    private void RequireMember()
    {
        if (!store.State.IsMember)
        {
            throw RpcFailure.Of(StatusCode.Unavailable, $"Node x {options.X} does not hold its shares yet (share recovery pending); read from the other nodes.");
        }
    }

    // The interceptor let only client identities through; the identity owns what it stores.
    private static string Owner(ServerCallContext context) =>
        context.GetFleetPeer()?.ToString() ?? throw RpcFailure.Of(StatusCode.Unauthenticated, "A client certificate is required.");

    private static RpcException Denied(string name) =>
        RpcFailure.Of(StatusCode.PermissionDenied, $"The name '{name}' is taken by another client identity; choose another name.");

    // One answer for "nobody stored it" and "someone else did": the code and the text depend only
    // on the request, never on what the node holds for other owners.
    private static RpcException NotFound(string name, ulong version) =>
        RpcFailure.Of(StatusCode.NotFound, version == 0 ? $"No secret '{name}' on this node." : $"No version {version} of '{name}' on this node.");

    private static void CheckName(string name)
    {
        if (!SecretName.IsValid(name))
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, $"name must be {SecretName.Rule}.");
        }
    }

    private static void CheckVersion(ulong version, bool allowZero)
    {
        if ((!allowZero && version == 0) || version > long.MaxValue)
        {
            throw RpcFailure.Of(StatusCode.InvalidArgument, $"version must be 1 to {long.MaxValue}{(allowZero ? " (or 0 for the newest)" : "")}.");
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator;

internal sealed partial class ResourceService
{
    private const string NameSuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public async Task<ApiResult> CreateAsync(ResourceType type, string? ns, JsonObject body, WriteOptions options, CancellationToken cancellationToken)
    {
        using var _ = await WriteLockAsync(cancellationToken);
        return await CreateLockedAsync(type, ns, body, options, ownershipRecorded: false, cancellationToken);
    }

    private async Task<ApiResult> CreateLockedAsync(
        ResourceType type, string? ns, JsonObject body, WriteOptions options, bool ownershipRecorded, CancellationToken cancellationToken)
    {
        ns = Scope(type, ns);
        if (CheckIdentity(type, ns, body) is { } identityError)
        {
            return identityError;
        }

        var metadata = ObjectMeta.Metadata(body);
        if (ObjectMeta.Name(body).Length == 0)
        {
            if (ObjectMeta.String(body, "generateName") is not { Length: > 0 } prefix)
            {
                return type.Invalid("", [new StatusCause(StatusCause.FieldValueRequired, "Required value: name or generateName is required", "metadata.name")]);
            }

            metadata["name"] = prefix + string.Concat(Enumerable.Range(0, 5).Select(_ => NameSuffixAlphabet[RandomNumberGenerator.GetInt32(NameSuffixAlphabet.Length)]));
        }

        var name = ObjectMeta.Name(body);
        if (ObjectMeta.ResourceVersion(body) is { Length: > 0 })
        {
            return ApiStatus.BadRequest("resourceVersion should not be set on objects to be created");
        }

        if (type.Namespaced && NamespaceRefusal(ns!, name, type) is { } namespaceError)
        {
            return namespaceError;
        }

        if (store.Get(type.GroupResource, ns, name) is not null)
        {
            return type.AlreadyExists(name);
        }

        foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink" })
        {
            metadata.Remove(field);
        }

        if (type.HasStatus)
        {
            body.Remove("status");
        }

        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Now;
        if (type.TracksGeneration)
        {
            metadata["generation"] = 1L;
        }

        var (error, warnings) = await admission.AdmitAsync(type, body, null, options.Validation, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (type.GroupResource == BuiltInResources.CustomResourceDefinitions)
        {
            CustomResourceDefinitions.Establish(body, Now);
        }

        if (!ownershipRecorded)
        {
            ManagedFields.RecordUpdate(null, body, options.FieldManager, null, FieldScope.For(type, null), type.ApiVersion, Now);
        }

        if (options.DryRun)
        {
            return ApiResult.Ok(Present(type, body), 201, warnings);
        }

        var stored = store.Commit(type.GroupResource, body, WatchEventType.Added);
        AfterCommit(type, stored, WatchEventType.Added);
        return ApiResult.Ok(Present(type, stored.Parse()), 201, warnings);
    }

    /// <summary>apiVersion, kind and namespace of the body agree with the URL (they are filled in when missing).</summary>
    private static ApiStatus? CheckIdentity(ResourceType type, string? ns, JsonObject body)
    {
        if (Json.String(body["apiVersion"]) is { } apiVersion && apiVersion != type.ApiVersion && !SameGroup(type, apiVersion))
        {
            return ApiStatus.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        if (Json.String(body["kind"]) is { } kind && kind != type.Kind)
        {
            return ApiStatus.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        if (type.Namespaced && ns is null)
        {
            return ApiStatus.BadRequest($"the namespace of the object is required for {type.QualifiedResource}");
        }

        var metadata = ObjectMeta.Metadata(body);
        if (ObjectMeta.Namespace(body) is { Length: > 0 } bodyNamespace && bodyNamespace != ns && type.Namespaced)
        {
            return ApiStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        if (type.Namespaced)
        {
            metadata["namespace"] = ns;
        }
        else
        {
            metadata.Remove("namespace");
        }

        Present(type, body);
        return null;
    }

    private static bool SameGroup(ResourceType type, string apiVersion) =>
        type.Group.Length > 0 && apiVersion.StartsWith(type.Group + "/", StringComparison.Ordinal);

    private ApiStatus? NamespaceRefusal(string ns, string name, ResourceType type)
    {
        var owner = store.Get(BuiltInResources.Namespaces, null, ns);
        if (owner is null)
        {
            return ApiStatus.NotFound("namespaces", ns, "", "namespaces");
        }

        return owner.Deleting
            ? ApiStatus.Forbidden($"{type.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", name, type.Group, type.Plural)
            : null;
    }
}

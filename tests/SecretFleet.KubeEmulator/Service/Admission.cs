using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// What happens to an object between the request and the store: built-in defaults, name rules, and the schema of
/// its kind (upstream JSON schema, or the CRD's structural schema with pruning, defaults and CEL rules).
/// </summary>
internal sealed partial class Admission(UpstreamSchemaValidator? upstream)
{
    /// <summary>The object as it will be stored (mutated in place), or the Status refusing it.</summary>
    public async Task<(ApiStatus? Error, List<string> Warnings)> AdmitAsync(
        ResourceType type, JsonObject obj, JsonObject? old, FieldValidation validation, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        var name = ObjectMeta.Name(obj);
        var causes = new List<StatusCause>();
        if (old is null)
        {
            CheckName(type, name, causes);
        }

        BuiltInDefaults.Apply(type, obj, old);
        if (type.Validation == ValidationSource.CustomResourceDefinition && type.Schema is { } schema)
        {
            var unknown = SchemaPruner.Prune(obj, schema);
            if (unknown.Count > 0 && validation == FieldValidation.Strict)
            {
                return (ApiStatus.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: "
                    + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))), warnings);
            }

            if (validation == FieldValidation.Warn)
            {
                warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
            }

            SchemaPruner.Default(obj, schema);
            causes.AddRange(OpenApiValidator.Validate(obj, old, schema));
        }
        else if (type.Validation == ValidationSource.Upstream && upstream is not null)
        {
            var upstreamCauses = await upstream.ValidateAsync(type.ApiVersion, type.Kind, obj, cancellationToken);
            causes.AddRange(upstreamCauses ?? []);
        }

        if (type.GroupResource == BuiltInResources.CustomResourceDefinitions)
        {
            causes.AddRange(CustomResourceDefinitions.Validate(obj));
        }

        return (causes.Count > 0 ? type.Invalid(name, causes) : null, warnings);
    }

    private static void CheckName(ResourceType type, string name, List<StatusCause> causes)
    {
        var label = type.GroupResource == BuiltInResources.Namespaces || type.GroupResource == BuiltInResources.Services;
        if (label ? name.Length > 63 || !DnsLabel().IsMatch(name) : name.Length > 253 || !DnsSubdomain().IsMatch(name))
        {
            var rule = label
                ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
            causes.Add(new StatusCause(StatusCause.FieldValueInvalid, $"Invalid value: \"{name}\": {rule}", "metadata.name"));
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}

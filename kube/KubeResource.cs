using System.Text;

namespace SecretFleet.Kube;

/// <summary>Where a kind lives in the REST API: group, version, plural and whether it is namespaced.</summary>
public sealed record KubeResource(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    /// <summary>"v1" for the core group, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection path, e.g. /apis/apps/v1/namespaces/ns/statefulsets.</summary>
    public string CollectionPath(string? @namespace)
    {
        var path = new StringBuilder(Group.Length == 0 ? "/api/" : $"/apis/{Group}/").Append(Version);
        if (Namespaced)
        {
            if (!string.IsNullOrEmpty(@namespace))
            {
                path.Append("/namespaces/").Append(Uri.EscapeDataString(@namespace));
            }
        }
        else if (!string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{Plural} are cluster-scoped; pass no namespace (got \"{@namespace}\").", nameof(@namespace));
        }

        return path.Append('/').Append(Plural).ToString();
    }

    /// <summary>The path of one object, optionally of one of its subresources ("status", "scale").</summary>
    public string ItemPath(string? @namespace, string name, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Namespaced && string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{Plural} are namespaced; pass the namespace of \"{name}\".", nameof(@namespace));
        }

        var path = CollectionPath(@namespace) + "/" + Uri.EscapeDataString(name);
        return subresource is null ? path : path + "/" + subresource;
    }

    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

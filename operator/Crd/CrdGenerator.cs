using System.Reflection;
using System.Text.Json.Nodes;
using SecretFleet.Kube;
using SecretFleet.Kube.Schema;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Crd;

/// <summary>
/// Generates the CustomResourceDefinitions in crds/ from the C# API types, so the schema can never drift
/// from what the operator reads. `dotnet run --project operator -- generate-crds crds` calls
/// <see cref="WriteAll"/>; a test fails when the checked-in files differ from <see cref="Render"/>.
/// </summary>
public static class CrdGenerator
{
    /// <summary>The root types that become CRDs.</summary>
    public static IReadOnlyList<Type> Kinds { get; } = [typeof(SecretCluster)];

    /// <summary>File name → YAML text, for every CRD.</summary>
    public static IReadOnlyDictionary<string, string> Render()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in Kinds)
        {
            var names = Names(kind);
            files[$"{names.Group}_{names.Plural}.yaml"] = YamlWriter.Write(Build(kind));
        }

        return files;
    }

    /// <summary>Writes every CRD into <paramref name="directory"/> (created if missing); returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var (name, yaml) in Render())
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, yaml);
            written.Add(path);
        }

        return written;
    }

    /// <summary>The CustomResourceDefinition of one root type, as JSON.</summary>
    public static JsonObject Build(Type kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var names = Names(kind);
        var columns = new JsonArray();
        foreach (var column in kind.GetCustomAttributes<PrinterColumnAttribute>().OrderBy(c => c.Order))
        {
            var entry = new JsonObject { ["name"] = column.Name, ["type"] = column.Type, ["jsonPath"] = column.JsonPath };
            if (column.Description is not null)
            {
                entry["description"] = column.Description;
            }

            if (column.Format is not null)
            {
                entry["format"] = column.Format;
            }

            if (column.Priority != 0)
            {
                entry["priority"] = column.Priority;
            }

            columns.Add(entry);
        }

        var crdNames = new JsonObject
        {
            ["kind"] = names.Kind,
            ["listKind"] = names.Kind + "List",
            ["plural"] = names.Plural,
            ["singular"] = names.Singular ?? names.Kind.ToLowerInvariant(),
        };
        if (names.ShortNames.Length > 0)
        {
            crdNames["shortNames"] = new JsonArray([.. names.ShortNames.Select(n => (JsonNode)n)]);
        }

        if (names.Categories.Length > 0)
        {
            crdNames["categories"] = new JsonArray([.. names.Categories.Select(n => (JsonNode)n)]);
        }

        var hasStatus = kind.GetProperty("Status") is not null;
        var version = new JsonObject
        {
            ["name"] = names.Version,
            ["served"] = true,
            ["storage"] = true,
            ["additionalPrinterColumns"] = columns,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = OpenApiSchemaBuilder.ForRoot(kind) },
        };
        if (hasStatus)
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{names.Plural}.{names.Group}",
                ["labels"] = new JsonObject { [LabelsAndAnnotations.Name] = LabelsAndAnnotations.AppName },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = names.Group,
                ["names"] = crdNames,
                ["scope"] = names.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static CustomResourceAttribute Names(Type kind) =>
        kind.GetCustomAttribute<CustomResourceAttribute>()
        ?? throw new ArgumentException($"{kind.Name} has no [CustomResource] attribute.", nameof(kind));
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretFleet.Kube.Json;

/// <summary>
/// An optional string enum whose "no value" may arrive as "" (kubectl users write that to clear a field).
/// Reads "" as null; never writes "" (null is left out). The CRD generator adds "" to the allowed values.
/// </summary>
public sealed class EmptyStringAsNullEnumConverter<TEnum> : JsonConverter<TEnum?>
    where TEnum : struct, Enum
{
    public override TEnum? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Enum.TryParse<TEnum>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new JsonException($"\"{text}\" is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    public override void Write(Utf8JsonWriter writer, TEnum? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } v)
        {
            writer.WriteStringValue(v.ToString());
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

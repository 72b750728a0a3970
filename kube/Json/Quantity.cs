using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretFleet.Kube.Json;

/// <summary>
/// A resource quantity ("500m", "1Gi", 2). Kept as its canonical text: we pass quantities through, we do
/// not compute with them. The API server may send a bare number, so both forms are read.
/// </summary>
[JsonConverter(typeof(QuantityConverter))]
public readonly record struct Quantity(string Value)
{
    public static implicit operator Quantity(string value) => new(value);

    public override string ToString() => Value;
}

public sealed class QuantityConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => new Quantity(reader.GetString()!),
            JsonTokenType.Number => new Quantity(reader.GetDecimal().ToString(CultureInfo.InvariantCulture)),
            _ => throw new JsonException("A quantity must be a string such as \"500m\" or \"1Gi\", or a number."),
        };

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}

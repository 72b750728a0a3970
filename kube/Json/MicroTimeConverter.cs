using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretFleet.Kube.Json;

/// <summary>
/// metav1.MicroTime (an Event's <c>eventTime</c>): RFC 3339 in UTC with exactly six fractional digits. The API server
/// parses it with that layout, and the library's DateTime converter leaves the fraction out when it is zero.
/// </summary>
public sealed class MicroTimeConverter : JsonConverter<DateTime?>
{
    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        KubeTimeConverter.ParseRfc3339(reader.GetString()).UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } time)
        {
            writer.WriteStringValue(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

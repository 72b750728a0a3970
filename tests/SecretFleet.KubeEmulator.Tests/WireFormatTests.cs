using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests;

[Trait("Category", "Unit")]
public sealed class WireFormatTests
{
    [Theory]
    [InlineData("/api/v1/namespaces", "", "v1", null, "namespaces", null, null, false)]
    [InlineData("/api/v1/namespaces/default", "", "v1", null, "namespaces", "default", null, false)]
    [InlineData("/api/v1/namespaces/default/status", "", "v1", null, "namespaces", "default", "status", false)]
    [InlineData("/api/v1/namespaces/default/pods", "", "v1", "default", "pods", null, null, false)]
    [InlineData("/api/v1/namespaces/default/pods/p-0/status", "", "v1", "default", "pods", "p-0", "status", false)]
    [InlineData("/apis/apps/v1/watch/namespaces/ns/statefulsets/s", "apps", "v1", "ns", "statefulsets", "s", null, true)]
    [InlineData("/apis/cert-manager.io/v1/clusterissuers/ca", "cert-manager.io", "v1", null, "clusterissuers", "ca", null, false)]
    public void Resource_urls_parse_into_their_parts(string url, string group, string version, string? ns, string plural, string? name, string? sub, bool watch) =>
        Assert.Equal(new ApiPath(group, version, ns, plural, name, sub, watch), ApiPath.Parse(url));

    [Theory]
    [InlineData("/api")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/version")]
    public void Discovery_urls_are_not_resource_urls(string url) => Assert.Null(ApiPath.Parse(url));

    [Fact]
    public void Yaml_resolves_plain_scalars_and_keeps_quoted_ones_as_strings()
    {
        var (obj, error) = YamlJson.ParseObject("a: 1\nb: '1'\nc: true\nd: \"true\"\ne: 1.5\nf: ~\ng: [x, 2]\nh: 0x1\n");

        Assert.Null(error);
        Assert.Equal("""{"a":1,"b":"1","c":true,"d":"true","e":1.5,"f":null,"g":["x",2],"h":"0x1"}""", obj!.ToJsonString());
    }

    [Theory]
    [InlineData(".spec.replicas", """{"spec":{"replicas":3}}""", "3")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", """{"status":{"conditions":[{"type":"A","status":"x"},{"type":"Ready","status":"True"}]}}""", "\"True\"")]
    [InlineData(".spec.items[1].name", """{"spec":{"items":[{"name":"a"},{"name":"b"}]}}""", "\"b\"")]
    [InlineData(".spec.items[*].name", """{"spec":{"items":[{"name":"a"},{"name":"b"}]}}""", "\"a,b\"")]
    [InlineData(".spec.missing", """{"spec":{}}""", null)]
    public void Printer_column_json_paths_select_what_kubectl_would(string path, string json, string? expected) =>
        Assert.Equal(expected, SimpleJsonPath.Compile(path)(JsonNode.Parse(json)!.AsObject())?.ToJsonString());

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(200, "3m20s")]
    [InlineData(3600, "60m")]
    [InlineData(5 * 3600 + 600, "5h10m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(40 * 86400, "40d")]
    [InlineData(800 * 86400, "2y")]
    public void Ages_print_like_kubectl(int seconds, string expected) =>
        Assert.Equal(expected, TableConverter.Age(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("2160h", 2160 * 60)]
    [InlineData("1h30m", 90)]
    [InlineData("90m", 90)]
    [InlineData("3600s", 60)]
    public void Certificate_durations_use_go_syntax(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), CertificateSpec.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("10d")]
    [InlineData("1h x")]
    public void Unparseable_durations_are_null(string text) => Assert.Null(CertificateSpec.ParseDuration(text));
}

using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

[Trait("Category", "Unit")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyProjectionTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sf-projection-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, byte[]> _data = new() { ["tls.crt"] = [1, 2], ["tls.key"] = [3], ["ca.crt"] = [4, 5, 6] };

    [Fact]
    public void Every_key_becomes_a_file_with_the_default_mode()
    {
        Assert.Null(KeyProjection.Write(_directory, _data, JsonNode.Parse("""{"secretName": "s", "defaultMode": 256}""")!.AsObject()));

        Assert.Equal(["ca.crt", "tls.crt", "tls.key"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order());
        Assert.Equal(new byte[] { 4, 5, 6 }, File.ReadAllBytes(Path.Combine(_directory, "ca.crt")));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(Path.Combine(_directory, "tls.key")));
    }

    [Fact]
    public void Items_choose_keys_paths_and_modes_and_a_second_mount_replaces_the_first()
    {
        Assert.Null(KeyProjection.Write(_directory, _data, new JsonObject()));
        Assert.Null(KeyProjection.Write(_directory, _data, JsonNode.Parse("""
            {"items": [{"key": "tls.key", "path": "private/key.pem", "mode": 384}, {"key": "ca.crt", "path": "ca.pem"}]}
            """)!.AsObject()));

        Assert.Equal(["ca.pem", "private/key.pem"], Directory.GetFiles(_directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_directory, f)).Order());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "private", "key.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path.Combine(_directory, "ca.pem")));
    }

    [Theory]
    [InlineData("""{"items": [{"key": "nope", "path": "x"}]}""", "nope")]
    [InlineData("""{"items": [{"key": "ca.crt", "path": "../escape"}]}""", "../escape")]
    public void Items_that_do_not_fit_are_named(string source, string named)
    {
        Assert.Contains(named, KeyProjection.Write(_directory, _data, JsonNode.Parse(source)!.AsObject()));
    }

    public void Dispose() => VolumeDirectories.DeleteTree(_directory);
}

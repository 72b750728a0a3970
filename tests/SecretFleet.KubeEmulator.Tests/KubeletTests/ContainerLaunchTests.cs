using System.Text.Json.Nodes;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

[Trait("Category", "Unit")]
public sealed class ContainerLaunchTests
{
    private static readonly JsonObject Pod = JsonNode.Parse("""
        {"metadata": {"name": "fleet-1", "namespace": "team", "uid": "u-1", "labels": {"app": "sf"}},
         "spec": {"nodeName": "emulated-node", "hostname": "fleet-1"}}
        """)!.AsObject();

    private static readonly JsonObject Secret = JsonNode.Parse($$$"""
        {"kind": "Secret", "metadata": {"name": "creds", "namespace": "team"}, "data": {"token": "{{{Convert.ToBase64String("s3cret"u8)}}}"}}
        """)!.AsObject();

    [Fact]
    public void Node_container_runs_the_node_binary_with_mount_paths_and_listen_addresses_remapped()
    {
        var result = Build("""
            {"name": "node", "image": "ghcr.io/secretfleet/node:1.2", "command": ["secretfleet-node"],
             "args": ["--data-dir", "/var/lib/secretfleet", "--tls-dir=/etc/secretfleet/tls", "--key-file", "/etc/secretfleet/keys/node-1.key",
                      "--listen", "0.0.0.0:7443", "--http-listen", "127.0.0.1:8080", "/var/lib/secretfleetX"],
             "volumeMounts": [{"name": "data", "mountPath": "/var/lib/secretfleet"}, {"name": "tls", "mountPath": "/etc/secretfleet/tls"},
                              {"name": "keys", "mountPath": "/etc/secretfleet/keys/"}]}
            """);

        Assert.Equal("/bin/secretfleet-node", result.Plan!.FileName);
        Assert.Equal(
            ["--data-dir", "/host/data", "--tls-dir=/host/tls", "--key-file", "/host/keys/node-1.key",
             "--listen", "127.9.8.7:7443", "--http-listen", "127.9.8.7:8080", "/var/lib/secretfleetX"],
            result.Plan.Arguments);
    }

    [Fact]
    public void Environment_has_hostname_downward_api_secret_keys_and_expansions_but_not_the_test_hosts()
    {
        var result = Build("""
            {"name": "node", "image": "secretfleet-node:dev",
             "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                     {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                     {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                     {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                     {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}},
                     {"name": "DATA", "value": "/var/lib/secretfleet/$(POD)"},
                     {"name": "LISTEN", "value": "0.0.0.0:7443"}],
             "args": ["--name", "$(POD).$(NS)", "--literal", "$$(POD)"],
             "volumeMounts": [{"name": "data", "mountPath": "/var/lib/secretfleet"}]}
            """);

        var environment = result.Plan!.Environment;
        Assert.Equal("fleet-1", environment["HOSTNAME"]);
        Assert.Equal("fleet-1", environment["POD"]);
        Assert.Equal("team", environment["NS"]);
        Assert.Equal("127.9.8.7", environment["IP"]);
        Assert.Equal("sf", environment["APP"]);
        Assert.Equal("s3cret", environment["TOKEN"]);
        Assert.Equal("/host/data/fleet-1", environment["DATA"]);
        Assert.Equal("127.9.8.7:7443", environment["LISTEN"]);
        Assert.Equal("/usr/bin", environment["PATH"]);
        Assert.False(environment.ContainsKey("SECRETFLEET_THRESHOLD"));
        Assert.Equal(["--name", "fleet-1.team", "--literal", "$(POD)"], result.Plan.Arguments);
    }

    [Theory]
    [InlineData("""{"name": "web", "image": "nginx:1.27"}""", "ErrImagePull", "nginx:1.27")]
    [InlineData("""{"name": "node", "image": "secretfleet/node", "command": ["/bin/sh", "-c", "true"]}""", "StartError", "/bin/sh")]
    [InlineData("""{"name": "node", "image": "secretfleet/node", "volumeMounts": [{"name": "missing", "mountPath": "/x"}]}""", "CreateContainerConfigError", "missing")]
    [InlineData("""{"name": "node", "image": "secretfleet/node", "env": [{"name": "T", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "nope"}}}]}""",
        "CreateContainerConfigError", "couldn't find key nope in secret team/creds")]
    [InlineData("""{"name": "node", "image": "secretfleet/node", "env": [{"name": "T", "valueFrom": {"secretKeyRef": {"name": "gone", "key": "k"}}}]}""",
        "CreateContainerConfigError", "secret \"gone\" not found")]
    public void Container_that_cannot_run_here_says_why(string container, string reason, string named)
    {
        var result = Build(container);

        Assert.Null(result.Plan);
        Assert.Equal(reason, result.Reason);
        Assert.Contains(named, result.Message);
    }

    private static LaunchResult Build(string container)
    {
        var volumes = new Dictionary<string, string> { ["data"] = "/host/data", ["tls"] = "/host/tls", ["keys"] = "/host/keys" };
        var host = new Dictionary<string, string> { ["PATH"] = "/usr/bin" };
        var context = new LaunchContext((JsonObject)Pod.DeepClone(), JsonNode.Parse(container)!.AsObject(), "127.9.8.7", "127.0.0.1", volumes,
            "/bin/secretfleet-node", Path.GetTempPath(), (resource, name) => resource == BuiltInResources.Secrets && name == "creds" ? Secret : null, host);
        return ContainerLaunch.Build(context);
    }
}

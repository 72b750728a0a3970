using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecretFleet.Cli.Tests.Support;

namespace SecretFleet.Cli.Tests.Integration;

/// <summary>The verbs against one running local fleet, through the built kubectl-secrets binary.</summary>
[Collection(SharedFleetCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SharedFleetTests(SharedFleet shared)
{
    private readonly CliProcess _cli = shared.Cli;

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Store_from_literal_then_recover_gives_the_same_text()
    {
        var name = NewName("literal");
        var stored = await _cli.RunAsync("store", name, "--from-literal", "pässwörd with spaces");
        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.Contains(name, stored.Stdout);

        var recovered = await _cli.RunAsync("recover", name);
        Assert.True(recovered.ExitCode == 0, recovered.ToString());
        Assert.Equal("pässwörd with spaces", recovered.Stdout);
    }

    [Fact]
    public async Task Store_from_file_and_recover_to_file_round_trip_binary_bytes()
    {
        using var dir = new TempDirectory();
        var secret = RandomNumberGenerator.GetBytes(3000);
        secret[0] = 0;
        secret[1] = 0xFF;
        var input = dir.Combine("in.bin");
        await File.WriteAllBytesAsync(input, secret);
        var name = NewName("file");

        Assert.Equal(0, (await _cli.RunAsync("store", name, "--from-file", input)).ExitCode);
        var output = dir.Combine("out.bin");
        var recovered = await _cli.RunAsync("recover", name, "--to-file", output);

        Assert.True(recovered.ExitCode == 0, recovered.ToString());
        Assert.Equal(secret, await File.ReadAllBytesAsync(output));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        Assert.DoesNotContain(Convert.ToHexString(secret[..16]), recovered.Stdout + recovered.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Store_from_stdin_keeps_every_byte_including_newlines_and_zeros()
    {
        var secret = new byte[] { 0, 1, 2, 10, 13, 0xFE, 0xFF, 10 };
        var name = NewName("stdin");

        var stored = await _cli.RunAsync(["store", name], secret);
        Assert.True(stored.ExitCode == 0, stored.ToString());
        var recovered = await _cli.RunAsync("recover", name);

        Assert.Equal(secret, recovered.StdoutBytes);
    }

    [Fact]
    public async Task Recover_of_an_unknown_name_exits_2_and_says_so()
    {
        var result = await _cli.RunAsync("recover", "no-such-secret-here");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StdoutBytes);
        Assert.Contains("No secret named 'no-such-secret-here'", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Overwrite_is_refused_without_the_flag_and_the_old_secret_stays()
    {
        var name = NewName("overwrite");
        Assert.Equal(0, (await _cli.RunAsync("store", name, "--from-literal", "first")).ExitCode);

        var refused = await _cli.RunAsync("store", name, "--from-literal", "second");
        Assert.Equal(5, refused.ExitCode);
        Assert.Contains("--overwrite", refused.Stderr);
        Assert.DoesNotContain("second", refused.Stderr);
        Assert.Equal("first", (await _cli.RunAsync("recover", name)).Stdout);

        Assert.Equal(0, (await _cli.RunAsync("store", name, "--from-literal", "second", "--overwrite")).ExitCode);
        Assert.Equal("second", (await _cli.RunAsync("recover", name)).Stdout);
    }

    [Fact]
    public async Task Another_client_identity_is_told_not_found_on_reading_or_deleting_someone_elses_secret()
    {
        var name = NewName("owned");
        var missing = NewName("missing");
        Assert.Equal(0, (await _cli.RunAsync("store", name, "--from-literal", "alice's")).ExitCode);

        var read = await _cli.RunAsync("recover", name, "--as", "mallory");
        var readMissing = await _cli.RunAsync("recover", missing, "--as", "mallory");
        var delete = await _cli.RunAsync("delete", name, "--yes", "--as", "mallory");
        var deleteMissing = await _cli.RunAsync("delete", missing, "--yes", "--as", "mallory");
        var overwrite = await _cli.RunAsync("store", name, "--from-literal", "x", "--overwrite", "--as", "mallory");

        // Exactly what a name nobody stored gets: exit 2 and the same words.
        Assert.Equal(2, read.ExitCode);
        Assert.Empty(read.StdoutBytes);
        Assert.Equal(readMissing.Stderr.Replace(missing, name, StringComparison.Ordinal), read.Stderr);
        Assert.Equal(2, delete.ExitCode);
        Assert.Equal(deleteMissing.Stderr.Replace(missing, name, StringComparison.Ordinal), delete.Stderr);
        // A write cannot take the name, and cannot help learning that it is taken.
        Assert.Equal(4, overwrite.ExitCode);
        Assert.Contains("taken by another client identity", overwrite.Stderr);
        Assert.Equal("alice's", (await _cli.RunAsync("recover", name)).Stdout);
        Assert.DoesNotContain(name, (await _cli.RunAsync("list", "--as", "mallory")).Stdout);
    }

    [Fact]
    public async Task A_client_created_by_name_owns_what_it_stores_and_loses_its_certificate_when_deleted()
    {
        var client = NewName("ci");
        var name = NewName("ci-secret");

        var created = await _cli.RunAsync("client", "create", client);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"/client/{client}", created.Stdout);
        Assert.Equal(5, (await _cli.RunAsync("client", "create", client)).ExitCode);
        using (var listed = JsonDocument.Parse((await _cli.RunAsync("client", "list", "-o", "json")).Stdout))
        {
            var states = listed.RootElement.GetProperty("clients").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("state").GetString());
            Assert.Equal("ready", states[client]);
            Assert.Equal("ready", states["default"]);
        }

        Assert.Equal(0, (await _cli.RunAsync("store", name, "--from-literal", "ci's", "--client", client)).ExitCode);
        Assert.Equal("ci's", (await _cli.RunAsync("recover", name, "--client", client)).Stdout);
        Assert.Equal(2, (await _cli.RunAsync("recover", name)).ExitCode);

        var deleted = await _cli.RunAsync("client", "delete", client);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.DoesNotContain(client, (await _cli.RunAsync("client", "list")).Stdout);
        Assert.Equal(2, (await _cli.RunAsync("client", "delete", client)).ExitCode);
        Assert.Equal(1, (await _cli.RunAsync("client", "delete", "default")).ExitCode);
    }

    [Fact]
    public async Task Delete_needs_yes_without_a_terminal_and_then_the_secret_is_gone()
    {
        var name = NewName("delete");
        Assert.Equal(0, (await _cli.RunAsync("store", name, "--from-literal", "v")).ExitCode);

        var unconfirmed = await _cli.RunAsync("delete", name);
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Stderr);
        Assert.Equal("v", (await _cli.RunAsync("recover", name)).Stdout);

        Assert.Equal(0, (await _cli.RunAsync("delete", name, "--yes")).ExitCode);
        Assert.Equal(2, (await _cli.RunAsync("recover", name)).ExitCode);
    }

    [Fact]
    public async Task Every_verb_writes_parseable_json_with_o_json()
    {
        var name = NewName("json");
        var store = await _cli.RunAsync("store", name, "--from-literal", "json-secret", "-o", "json");
        Assert.Equal(name, store.Json().GetProperty("name").GetString());
        Assert.Equal(5, store.Json().GetProperty("nodes").GetInt32());

        var recover = (await _cli.RunAsync("recover", name, "-o", "json")).Json();
        Assert.Equal("json-secret", Encoding.UTF8.GetString(Convert.FromBase64String(recover.GetProperty("valueBase64").GetString()!)));

        var list = (await _cli.RunAsync("list", "-o", "json")).Json();
        Assert.Contains(list.GetProperty("secrets").EnumerateArray(), s => s.GetProperty("name").GetString() == name);

        var shares = (await _cli.RunAsync("debug", "shares", name, "-o", "json")).Json();
        Assert.Equal(5, shares.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("fingerprint").GetString()).Distinct().Count());

        var status = (await _cli.RunAsync("status", "-o", "json")).Json();
        Assert.Equal(3, status.GetProperty("threshold").GetInt32());
        Assert.Equal(JsonValueKind.Number, status.GetProperty("epoch").ValueKind);
        var nodes = status.GetProperty("nodes").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2, 3, 4], nodes.Select(n => n.GetProperty("ordinal").GetInt32()));
        Assert.All(nodes, n =>
        {
            Assert.True(n.GetProperty("healthy").GetBoolean());
            Assert.StartsWith("https://127.0.0.1:", n.GetProperty("endpoint").GetString());
            Assert.Equal(JsonValueKind.Number, n.GetProperty("epoch").ValueKind);
            Assert.EndsWith("/metrics", n.GetProperty("metricsUrl").GetString());
        });

        var local = (await _cli.RunAsync("local", "status", "-o", "json")).Json();
        Assert.Equal("running", local.GetProperty("state").GetString());

        var up = (await _cli.RunAsync("local", "up", "-o", "json")).Json();
        Assert.Equal("running", up.GetProperty("state").GetString());

        var delete = (await _cli.RunAsync("delete", name, "--yes", "-o", "json")).Json();
        Assert.Equal(5, delete.GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task Refresh_wait_moves_the_epoch_changes_every_share_and_keeps_the_secret()
    {
        var name = NewName("refresh");
        Assert.Equal(0, (await _cli.RunAsync("store", name, "--from-literal", "still me")).ExitCode);
        var sharesBefore = await FingerprintsAsync(name);
        var epochBefore = (await _cli.RunAsync("status", "-o", "json")).Json().GetProperty("epoch").GetUInt64();

        var refresh = await _cli.RunAsync("refresh", "--wait", "-o", "json");

        Assert.True(refresh.ExitCode == 0, refresh.ToString());
        var report = refresh.Json();
        Assert.True(report.GetProperty("committed").GetBoolean());
        Assert.Equal(epochBefore + 1, report.GetProperty("epochAfter").GetUInt64());
        var status = (await _cli.RunAsync("status", "-o", "json")).Json();
        Assert.Equal(epochBefore + 1, status.GetProperty("epoch").GetUInt64());
        Assert.NotNull(status.GetProperty("lastRefresh").GetString());
        var sharesAfter = await FingerprintsAsync(name);
        Assert.Empty(sharesBefore.Intersect(sharesAfter));
        Assert.Equal("still me", (await _cli.RunAsync("recover", name)).Stdout);
    }

    [Fact]
    public async Task Kubectl_runs_the_plugin_and_passes_its_exit_code_through()
    {
        var plugins = await _cli.KubectlRawAsync("plugin", "list");
        Assert.Contains("kubectl-secrets", plugins.Stdout);

        var name = NewName("kubectl");
        var stored = await _cli.KubectlAsync("store", name, "--from-literal", "via kubectl");
        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.Equal("via kubectl", (await _cli.KubectlAsync("recover", name)).Stdout);
        Assert.Equal(2, (await _cli.KubectlAsync("recover", "missing-" + name)).ExitCode);
        Assert.Contains("Exit codes", (await _cli.KubectlAsync("--help")).Stdout);
    }

    [Fact]
    public void The_fleet_directories_are_0700_and_each_nodes_database_files_0600()
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var fleet = shared.Fleet.FleetDirectory;
        string[] directories =
        [
            _cli.Home, fleet, Path.Combine(fleet, "ca"), Path.Combine(fleet, "certs"), Path.Combine(fleet, "certs", "operator"),
            Path.Combine(fleet, "certs", "clients"), Path.Combine(fleet, "certs", "clients", "default"), Path.Combine(fleet, "nodes"),
            .. Enumerable.Range(0, 5).SelectMany(i => new[] { "", "data", "tls" }.Select(sub => Path.Combine(fleet, "nodes", $"node-{i}", sub))),
        ];

        Assert.All(directories, path => Assert.True(File.GetUnixFileMode(path) == Private, $"{path} is {File.GetUnixFileMode(path)}"));
        for (var i = 0; i < 5; i++)
        {
            // The nodes are running, so their WAL and shared-memory files exist too.
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                var file = Path.Combine(fleet, "nodes", $"node-{i}", "data", "shares.db" + suffix);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    public async Task Status_table_names_every_node_and_the_schedule()
    {
        var status = await _cli.RunAsync("status");

        Assert.Equal(0, status.ExitCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains($"node-{i}", status.Stdout);
        }
        Assert.Contains("5 of 5 healthy, any 3 recover a secret", status.Stdout);
        Assert.Contains("every 1h", status.Stdout);
        Assert.DoesNotContain("\u001b[", status.Stdout); // no colour codes when not on a terminal
    }

    private async Task<string[]> FingerprintsAsync(string name) =>
        [.. (await _cli.RunAsync("debug", "shares", name, "-o", "json")).Json().GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("fingerprint").GetString()!)];
}

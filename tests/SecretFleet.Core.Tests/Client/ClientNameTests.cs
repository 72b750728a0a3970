using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Tests.Identity;

namespace SecretFleet.Core.Tests.Client;

/// <summary>The client refuses a bad name before it dials any node.</summary>
[Trait("Category", "Unit")]
public sealed class ClientNameTests
{
    [Theory]
    [InlineData("name\n")]
    [InlineData("name\r")]
    [InlineData("na\u0000me")]
    [InlineData("name\u001b")]
    public async Task Every_verb_refuses_a_name_with_a_control_character_without_calling_a_node(string name)
    {
        using var pki = new TestPki();
        using var client = UnreachableClient(pki);

        var store = await Assert.ThrowsAsync<FleetClientException>(() => client.StoreAsync(name, new byte[] { 1 }, null, default));
        var recover = await Assert.ThrowsAsync<FleetClientException>(() => client.RecoverAsync(name, default));
        var delete = await Assert.ThrowsAsync<FleetClientException>(() => client.DeleteAsync(name, default));

        Assert.All(new[] { store, recover, delete }, e =>
        {
            Assert.Equal(FleetErrorKind.InvalidInput, e.Kind);
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain('\u001b', e.Message);
        });
    }

    // Port 9 on loopback: a call would fail as unreachable, not as invalid input.
    private static FleetClient UnreachableClient(TestPki pki) =>
        new(new FleetClientOptions(
            [new FleetMember(1, new Uri("https://127.0.0.1:9"), "localhost", new FleetIdentity(TestPki.TrustDomain, FleetRole.Node, "node-0"))], 1, pki.Client())
        {
            CallTimeout = TimeSpan.FromSeconds(2),
        });
}

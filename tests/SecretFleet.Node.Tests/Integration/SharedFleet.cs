using SecretFleet.Node.Tests.Support;

namespace SecretFleet.Node.Tests.Integration;

/// <summary>One 3-of-5 fleet shared by tests that never stop or damage a node.</summary>
public sealed class SharedFleet : IAsyncLifetime
{
    internal ProcessFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync() => Fleet = await ProcessFleet.StartAsync(n: 5, threshold: 3);

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}

namespace SecretFleet.Cli.Tests.Support;

/// <summary>One 5-node, threshold-3 fleet shared by the tests that do not damage it (collection "shared local fleet").</summary>
public sealed class SharedFleet : IAsyncLifetime
{
    public LocalFleet Fleet { get; private set; } = null!;

    public CliProcess Cli => Fleet.Cli;

    public async Task InitializeAsync() => Fleet = await LocalFleet.StartAsync();

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedFleetCollection : ICollectionFixture<SharedFleet>
{
    public const string Name = "shared local fleet";
}

namespace SecretFleet.Cluster.Tests.Scenarios;

/// <summary>Picks the backend from <c>SECRETFLEET_SCENARIO_BACKEND</c>: <c>emulated</c> (default) or <c>k3d</c>.</summary>
internal static class ScenarioBackends
{
    public const string Variable = "SECRETFLEET_SCENARIO_BACKEND";

    public static async Task<IScenarioBackend> StartAsync(CancellationToken cancellationToken) =>
        (Environment.GetEnvironmentVariable(Variable) ?? "emulated") switch
        {
            "emulated" => await EmulatedBackend.StartAsync(cancellationToken),
            "k3d" => K3dBackend.Start(),
            var other => throw new InvalidOperationException($"{Variable}={other} is not a scenario backend; use emulated or k3d."),
        };

    /// <summary>A fresh scratch directory under the temp folder.</summary>
    public static string ScratchDirectory() =>
        System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "sf-scenario-" + Guid.NewGuid().ToString("N")[..12])).FullName;
}

using SecretFleet.Cluster.Tests.Emulator;

namespace SecretFleet.Cluster.Tests.EmulatorTests;

[Trait("Category", "Manual")]
public sealed class ManualHold
{
    [Fact]
    public async Task Hold()
    {
        if (Environment.GetEnvironmentVariable("EMU_HOLD") is not { } dir) return;
        await using var emulator = await ApiServerEmulator.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.FromSeconds(1) });
        emulator.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
        emulator.WriteKubeconfig(Path.Combine(dir, "kubeconfig-token"), KubeconfigCredentials.Token);
        File.WriteAllText(Path.Combine(dir, "token"), emulator.Token);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), emulator.CaCertificatePem);
        while (!File.Exists(Path.Combine(dir, "stop"))) { await Task.Delay(200); if (File.Exists(Path.Combine(dir, "compact"))) { File.Delete(Path.Combine(dir, "compact")); emulator.Compact(); } }
        File.Delete(Path.Combine(dir, "stop"));
    }
}

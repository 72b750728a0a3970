namespace SecretFleet.KubeEmulator;

/// <summary>
/// A controller running inside the emulator (garbage collector, namespace cleanup, cert-manager, and later the
/// emulated kubelet): it says which resources it watches and gets every batch of their changes. It should be
/// level-based: re-read what it needs, so a batch is only a wake-up call.
/// </summary>
internal interface IEmulatedController
{
    string Name { get; }

    bool Watches(GroupResource resource);

    Task ReconcileAsync(IReadOnlyList<WatchEvent> changes, CancellationToken cancellationToken);
}

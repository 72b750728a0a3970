using Microsoft.AspNetCore.Http;

namespace SecretFleet.KubeEmulator;

/// <summary>
/// A seam for subresources the emulator itself does not serve (<c>pods/log</c>, <c>pods/portforward</c>, …):
/// a later part of the harness (the emulated kubelet) registers one with <see cref="ApiServerEmulator.MapSubresource"/>.
/// </summary>
internal interface ISubresourceHandler
{
    Task HandleAsync(HttpContext context, ResourceType type, string? ns, string name, CancellationToken cancellationToken);
}

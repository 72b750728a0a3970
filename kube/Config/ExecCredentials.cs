using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretFleet.Kube.Config;

/// <summary>
/// A client.authentication.k8s.io exec plugin (cloud CLIs, OIDC helpers): runs the command, takes the
/// token from its ExecCredential, and runs it again when the token expires. Tokens only: a plugin that
/// returns a client certificate is refused with a clear error.
/// </summary>
internal sealed class ExecCredentials(ExecEntry exec, string baseDirectory, TimeProvider time) : IKubeCredentials
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuthenticationHeaderValue? _header;
    private DateTimeOffset? _expires;

    public async ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_header is not null && (_expires is null || time.GetUtcNow() < _expires.Value - Skew))
            {
                return _header;
            }

            (_header, _expires) = await RunAsync(cancellationToken).ConfigureAwait(false);
            return _header;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(AuthenticationHeaderValue, DateTimeOffset?)> RunAsync(CancellationToken cancellationToken)
    {
        var command = exec.Command!;
        if (command.Contains('/', StringComparison.Ordinal) && !System.IO.Path.IsPathRooted(command))
        {
            command = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, command));
        }

        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in exec.Args ?? [])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var variable in exec.Env ?? [])
        {
            if (variable.Name is not null)
            {
                start.Environment[variable.Name] = variable.Value ?? "";
            }
        }

        var apiVersion = exec.ApiVersion ?? "client.authentication.k8s.io/v1";
        start.Environment["KUBERNETES_EXEC_INFO"] = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = "ExecCredential",
            ["spec"] = new JsonObject { ["interactive"] = false },
        }.ToJsonString();

        string stdout;
        string stderr;
        int exitCode;
        try
        {
            using var process = Process.Start(start) ?? throw new KubeConfigException($"exec plugin {command} did not start.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            stdout = await output.ConfigureAwait(false);
            stderr = await errors.ConfigureAwait(false);
            exitCode = process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KubeConfigException($"exec plugin {command} could not run: {e.Message}. Install it or fix users[].user.exec.command.", e);
        }

        if (exitCode != 0)
        {
            var firstLine = stderr.Split('\n', 2)[0].Trim();
            throw new KubeConfigException($"exec plugin {command} exited with {exitCode}: {firstLine}");
        }

        JsonNode? status;
        DateTimeOffset? expiry;
        try
        {
            status = JsonNode.Parse(stdout)?["status"];
            expiry = (string?)status?["expirationTimestamp"] is { } text ? Json.KubeTimeConverter.ParseRfc3339(text) : null;
        }
        catch (JsonException e)
        {
            throw new KubeConfigException($"exec plugin {command} printed something that is not an ExecCredential: {e.Message}", e);
        }

        var token = (string?)status?["token"];
        if (string.IsNullOrEmpty(token))
        {
            throw new KubeConfigException(status?["clientCertificateData"] is not null
                ? $"exec plugin {command} returned a client certificate; only token-returning plugins are supported."
                : $"exec plugin {command} returned no status.token.");
        }

        return (new AuthenticationHeaderValue("Bearer", token), expiry);
    }
}

using System.Reflection;

namespace SecretFleet.Cluster.Tests.ClientTests;

/// <summary>
/// Sets environment variables (and the official client's service-account directory) for one test and puts them
/// back. Both are process-wide, so tests using this share a collection and never run in parallel.
/// </summary>
internal sealed class ProcessEnvironment : IDisposable
{
    public const string Name = "process environment";

    // The library reads the service account from a fixed path; a test must not write into the real /var/run/secrets.
    private static readonly FieldInfo ServiceAccountPath =
        typeof(k8s.KubernetesClientConfiguration).GetField("ServiceAccountPath", BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new InvalidOperationException("KubernetesClientConfiguration.ServiceAccountPath is gone: update this test support for the new library version.");

    private readonly Dictionary<string, string?> _saved = [];
    private readonly object? _savedAccountPath;

    public ProcessEnvironment(string serviceAccountDirectory)
    {
        _savedAccountPath = ServiceAccountPath.GetValue(null);
        ServiceAccountPath.SetValue(null, serviceAccountDirectory);
    }

    public string? this[string variable]
    {
        get => Environment.GetEnvironmentVariable(variable);
        set
        {
            _saved.TryAdd(variable, Environment.GetEnvironmentVariable(variable));
            Environment.SetEnvironmentVariable(variable, value);
        }
    }

    public void Dispose()
    {
        foreach (var (variable, value) in _saved)
        {
            Environment.SetEnvironmentVariable(variable, value);
        }

        ServiceAccountPath.SetValue(null, _savedAccountPath);
    }
}

[CollectionDefinition(ProcessEnvironment.Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

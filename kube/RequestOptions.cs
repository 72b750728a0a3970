namespace SecretFleet.Kube;

/// <summary>Server-side apply: who owns the fields, and whether to take them from other managers.</summary>
public sealed record ApplyOptions(string FieldManager, bool Force)
{
    /// <summary>The operator owns its children outright: apply as secretfleet-operator and force.</summary>
    public static ApplyOptions Operator { get; } = new(LabelsAndAnnotations.FieldManager, Force: true);
}

public sealed record ListOptions
{
    /// <summary>Kubernetes selector syntax, e.g. "app.kubernetes.io/name=secretfleet,secretfleet.io/cluster=demo".</summary>
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public int? Limit { get; init; }

    public string? Continue { get; init; }

    public string? ResourceVersion { get; init; }

    /// <summary>An equality selector matching every given label.</summary>
    public static ListOptions ForLabels(IEnumerable<KeyValuePair<string, string>> labels) =>
        new() { LabelSelector = string.Join(',', labels.Select(l => $"{l.Key}={l.Value}")) };
}

public sealed record WatchOptions
{
    /// <summary>Watch changes after this version (from a list or the last event); null means "from now".</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>The server ends the watch after this long; the caller reconnects from the last version.</summary>
    public int? TimeoutSeconds { get; init; }
}

public sealed record DeleteOptions
{
    /// <summary>Background (default), Foreground or Orphan.</summary>
    public string? PropagationPolicy { get; init; }

    public long? GracePeriodSeconds { get; init; }

    /// <summary>Delete only if the object still has this uid (guards against deleting a re-created namesake).</summary>
    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }
}

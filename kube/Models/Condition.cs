using System.Text.Json.Serialization;

namespace SecretFleet.Kube.Models;

/// <summary>metav1.Condition, the standard status condition.</summary>
public sealed record Condition
{
    public string Type { get; init; } = "";

    public ConditionStatus Status { get; init; } = ConditionStatus.Unknown;

    public DateTimeOffset LastTransitionTime { get; init; }

    /// <summary>CamelCase, machine-readable; the API server requires it non-empty.</summary>
    public string Reason { get; init; } = "";

    public string Message { get; init; } = "";

    public long? ObservedGeneration { get; init; }

    public bool IsTrue => Status == ConditionStatus.True;

    public static Condition? Find(IReadOnlyList<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// Returns the list with <paramref name="condition"/> in place of any of the same type. The transition
    /// time moves only when the status changes, as the API conventions require; <paramref name="now"/> is
    /// used when it does.
    /// </summary>
    public static IReadOnlyList<Condition> Set(IReadOnlyList<Condition>? conditions, Condition condition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var previous = Find(conditions, condition.Type);
        var updated = condition with
        {
            LastTransitionTime = previous is not null && previous.Status == condition.Status ? previous.LastTransitionTime : now,
        };
        var result = new List<Condition>((conditions?.Count ?? 0) + 1);
        var replaced = false;
        foreach (var c in conditions ?? [])
        {
            if (c.Type == condition.Type)
            {
                result.Add(updated);
                replaced = true;
            }
            else
            {
                result.Add(c);
            }
        }

        if (!replaced)
        {
            result.Add(updated);
        }

        return result;
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<ConditionStatus>))]
public enum ConditionStatus
{
    Unknown,
    True,
    False,
}

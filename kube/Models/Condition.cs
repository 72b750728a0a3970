using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SecretFleet.Kube.Models;

/// <summary>metav1.Condition, the standard status condition.</summary>
public sealed record Condition
{
    [Description("Type of condition in CamelCase.")]
    [Required]
    [RegularExpression(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")]
    [MaxLength(316)]
    public string Type { get; init; } = "";

    [Description("True, False or Unknown.")]
    [Required]
    public ConditionStatus Status { get; init; } = ConditionStatus.Unknown;

    [Description("When the condition last changed from one status to another.")]
    [Required]
    public DateTimeOffset LastTransitionTime { get; init; }

    /// <summary>CamelCase, machine-readable; the API server requires it non-empty.</summary>
    [Description("Machine-readable reason for the last transition, in CamelCase.")]
    [Required]
    [RegularExpression("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")]
    [MinLength(1)]
    [MaxLength(1024)]
    public string Reason { get; init; } = "";

    [Description("Human-readable details of the last transition.")]
    [Required]
    [MaxLength(32768)]
    public string Message { get; init; } = "";

    [Description("The metadata.generation the condition was set for.")]
    [Range(0d, double.PositiveInfinity)]
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

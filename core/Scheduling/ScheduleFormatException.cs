namespace SecretFleet.Core.Scheduling;

/// <summary>
/// A refresh schedule (cron expression or interval) that cannot be used. The message names
/// the field and the value at fault, e.g. "day-of-week field '8' is out of range 0-7".
/// </summary>
public sealed class ScheduleFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="value"/> in <paramref name="field"/>.</summary>
    public ScheduleFormatException(string field, string value, string message)
        : base(message)
    {
        Field = field;
        Value = value;
    }

    /// <summary>Required by the exception pattern; prefer the constructor that names the field.</summary>
    public ScheduleFormatException()
        : this("schedule", string.Empty, "The schedule is not valid.")
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructor that names the field.</summary>
    public ScheduleFormatException(string message)
        : this("schedule", string.Empty, message)
    {
    }

    /// <summary>Required by the exception pattern; prefer the constructor that names the field.</summary>
    public ScheduleFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "schedule";
        Value = string.Empty;
    }

    /// <summary>The field at fault: minute, hour, day-of-month, month, day-of-week, expression or interval.</summary>
    public string Field { get; }

    /// <summary>The text at fault, as written.</summary>
    public string Value { get; }
}

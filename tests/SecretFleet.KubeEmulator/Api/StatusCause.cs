namespace SecretFleet.KubeEmulator;

/// <summary>One reason a request was refused, as in <c>Status.details.causes</c>: the field path uses dots and [i] like a real API server.</summary>
internal sealed record StatusCause(string Reason, string Message, string Field)
{
    public const string FieldValueInvalid = "FieldValueInvalid";
    public const string FieldValueRequired = "FieldValueRequired";
    public const string FieldValueNotSupported = "FieldValueNotSupported";
    public const string FieldValueTypeInvalid = "FieldValueTypeInvalid";
    public const string FieldValueTooLong = "FieldValueTooLong";
    public const string FieldValueTooMany = "FieldValueTooMany";
    public const string FieldManagerConflict = "FieldManagerConflict";
}

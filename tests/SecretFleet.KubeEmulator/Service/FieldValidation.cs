namespace SecretFleet.KubeEmulator;

/// <summary>The <c>fieldValidation</c> query parameter: what to do with fields the schema does not declare.</summary>
internal enum FieldValidation
{
    Ignore,
    Warn,
    Strict,
}

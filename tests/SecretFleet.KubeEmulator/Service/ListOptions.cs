namespace SecretFleet.KubeEmulator;

/// <summary>Selectors and paging of a list (or watch) request.</summary>
internal sealed record ListOptions(LabelSelector Labels, FieldSelector Fields, int? Limit = null, string? Continue = null)
{
    public static ListOptions Everything { get; } = new(LabelSelector.Everything, FieldSelector.Everything);

    public bool Matches(StoredObject obj) =>
        Labels.Matches(obj.Labels) && (Fields.IsEmpty || (Fields.Name is null || Fields.Name == obj.Name) && Fields.Matches(obj.Parse()));
}

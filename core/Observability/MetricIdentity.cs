namespace SecretFleet.Core.Observability;

/// <summary>How a family is exported: its name, type, help text and constant labels.</summary>
/// <param name="Name">Sanitized Prometheus name, with unit and <c>_total</c> suffixes.</param>
/// <param name="Type"><c>counter</c>, <c>gauge</c> or <c>histogram</c>.</param>
/// <param name="Help">The instrument description (or its name when it has none), unescaped.</param>
/// <param name="ConstantLabels">Meter and instrument tags, applied to every series unless a measurement overrides them.</param>
/// <param name="Kind">The instrument kind, so two instruments exporting the same name must agree on it.</param>
internal sealed record MetricIdentity(string Name, string Type, string Help, LabelSet ConstantLabels, InstrumentKind Kind);

internal enum InstrumentKind
{
    Counter,
    UpDownCounter,
    Gauge,
    Histogram,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
}

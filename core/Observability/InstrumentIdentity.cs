using System.Diagnostics.Metrics;

namespace SecretFleet.Core.Observability;

/// <summary>Maps a published instrument to its kind and exported identity.</summary>
internal static class InstrumentIdentity
{
    public static InstrumentKind? KindOf(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) ? InstrumentKind.Counter
            : definition == typeof(UpDownCounter<>) ? InstrumentKind.UpDownCounter
            : definition == typeof(Gauge<>) ? InstrumentKind.Gauge
            : definition == typeof(Histogram<>) ? InstrumentKind.Histogram
            : definition == typeof(ObservableCounter<>) ? InstrumentKind.ObservableCounter
            : definition == typeof(ObservableGauge<>) ? InstrumentKind.ObservableGauge
            : definition == typeof(ObservableUpDownCounter<>) ? InstrumentKind.ObservableUpDownCounter
            : null;
    }

    public static MetricIdentity Of(Instrument instrument, InstrumentKind kind)
    {
        var isCounter = kind is InstrumentKind.Counter or InstrumentKind.ObservableCounter;
        var name = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, isCounter);
        var type = isCounter ? "counter" : kind == InstrumentKind.Histogram ? "histogram" : "gauge";
        var help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;

        // Instrument tags first: on a repeated key the first wins, so they override the meter's.
        var constant = new List<KeyValuePair<string, object?>>();
        if (instrument.Tags is not null)
        {
            constant.AddRange(instrument.Tags);
        }

        if (instrument.Meter.Tags is not null)
        {
            constant.AddRange(instrument.Meter.Tags);
        }

        return new MetricIdentity(name, type, help, LabelSet.Create(constant.ToArray()), kind);
    }
}

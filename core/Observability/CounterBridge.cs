using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Prometheus;

namespace SecretFleet.Core.Observability;

/// <summary>
/// Publishes <see cref="Counter{T}"/> and <see cref="ObservableCounter{T}"/> instruments as
/// prometheus-net counters named <c>…_total</c>. prometheus-net 8's <c>MeterAdapter</c> turns them
/// into gauges (it fears instruments re-created at zero; ours live as long as their host) and
/// expires idle series, which would lose the first increment an alert on <c>increase()</c> needs.
/// Names and labels follow the adapter's rules, so every family reads alike.
/// </summary>
internal sealed class CounterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly IMetricFactory _factory;
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();
    private volatile bool _disposed;

    public CounterBridge(CollectorRegistry registry, Func<Instrument, bool> exported)
    {
        _factory = Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, source) =>
        {
            if (Handles(instrument) && exported(instrument))
            {
                _families[instrument] = new Family(ExportedName(instrument), string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description);
                source.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, state) => _families.TryRemove(instrument, out var removed);
        _listener.SetMeasurementEventCallback<byte>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<short>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<int>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<long>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<float>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<double>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<decimal>((i, m, t, _) => Record(i, (double)m, t));
        _listener.Start();
        // Observable counters report when asked; ask before every collection of this registry.
        registry.AddBeforeCollectCallback(() =>
        {
            if (!_disposed)
            {
                _listener.RecordObservableInstruments();
            }
        });
    }

    /// <summary>The instrument kinds this bridge exports instead of the adapter.</summary>
    public static bool Handles(Instrument instrument)
    {
        var type = instrument.GetType();
        return type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Counter<>) || type.GetGenericTypeDefinition() == typeof(ObservableCounter<>));
    }

    /// <summary><c>SecretFleet.Node</c> + <c>operations</c> → <c>secretfleet_node_operations_total</c>.</summary>
    public static string ExportedName(Instrument instrument)
    {
        var name = PrometheusName($"{instrument.Meter.Name}_{instrument.Name}");
        return name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";
    }

    /// <summary>The adapter's rule: lowercase; outside <c>[a-z0-9_]</c> becomes <c>_</c>; no leading digit.</summary>
    public static string PrometheusName(string text)
    {
        var chars = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = char.ToLowerInvariant(text[i]);
            chars[i] = char.IsAsciiLetterLower(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c)) ? c : '_';
        }

        return new string(chars);
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // A counter only grows; a negative add is a bug in the caller and must not poison the series.
        if (value < 0 || !_families.TryGetValue(instrument, out var family))
        {
            return;
        }

        // Measured per gRPC call: the label layout is worked out once per tag-key sequence.
        var layout = family.Layout;
        if (layout is null || !layout.Matches(tags))
        {
            layout = family.Layout = LabelLayout.Of(_factory, family, tags);
        }

        var values = new string[tags.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Convert.ToString(tags[layout.SourceIndex[i]].Value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        var counter = layout.Counter.WithLabels(values);
        if (instrument is ObservableCounter<byte> or ObservableCounter<short> or ObservableCounter<int> or ObservableCounter<long>
            or ObservableCounter<float> or ObservableCounter<double> or ObservableCounter<decimal>)
        {
            counter.IncTo(value);
        }
        else
        {
            counter.Inc(value);
        }
    }

    private sealed class Family(string name, string help)
    {
        public string Name { get; } = name;

        public string Help { get; } = help;

        public volatile LabelLayout? Layout;
    }

    /// <summary>One family's labels for one sequence of tag keys: names sorted, and where each value comes from.</summary>
    private sealed class LabelLayout(string[] keys, int[] sourceIndex, Counter counter)
    {
        public int[] SourceIndex { get; } = sourceIndex;

        public Counter Counter { get; } = counter;

        public static LabelLayout Of(IMetricFactory factory, Family family, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var keys = new string[tags.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = tags[i].Key;
            }

            var sourceIndex = Enumerable.Range(0, keys.Length).Order(Comparer<int>.Create((a, b) => string.CompareOrdinal(keys[a], keys[b]))).ToArray();
            var names = sourceIndex.Select(i => PrometheusName(keys[i])).ToArray();
            return new LabelLayout(keys, sourceIndex, factory.CreateCounter(family.Name, family.Help, names));
        }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != keys.Length)
            {
                return false;
            }

            for (var i = 0; i < keys.Length; i++)
            {
                if (!string.Equals(tags[i].Key, keys[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

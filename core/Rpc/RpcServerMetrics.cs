using System.Diagnostics.Metrics;
using Grpc.Core;

namespace SecretFleet.Core.Rpc;

/// <summary>Server call instruments; one per DI container, created through <see cref="IMeterFactory"/>.</summary>
internal sealed class RpcServerMetrics
{
    private static readonly double[] DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    public RpcServerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(RpcMetricNames.MeterName);
        _calls = meter.CreateCounter<long>(RpcMetricNames.ServerCalls, unit: null, description: "Completed gRPC server calls by method and status code.");
        _duration = meter.CreateHistogram(
            RpcMetricNames.ServerDuration,
            unit: "s",
            description: "Duration of gRPC server calls, from request headers to status.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public void CallCompleted(string method, StatusCode code, TimeSpan elapsed)
    {
        var methodTag = new KeyValuePair<string, object?>(RpcMetricNames.MethodTag, method);
        _calls.Add(1, methodTag, new KeyValuePair<string, object?>(RpcMetricNames.CodeTag, code.ToWireName()));
        _duration.Record(elapsed.TotalSeconds, methodTag);
    }
}

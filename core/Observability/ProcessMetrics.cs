using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SecretFleet.Core.Observability;

/// <summary>
/// Process and .NET runtime metrics under the names Prometheus client libraries use
/// (<c>process_cpu_seconds_total</c>, <c>process_resident_memory_bytes</c>, …), as observable
/// instruments read at scrape time. Lives on the meter <see cref="MeterName"/>, which the default
/// exporter prefix <c>SecretFleet.</c> selects.
/// </summary>
public sealed class ProcessMetrics : IDisposable
{
    /// <summary>The meter these instruments belong to.</summary>
    public const string MeterName = "SecretFleet.Process";

    private readonly Meter meter = new(MeterName);
    private readonly Process process = Process.GetCurrentProcess();
    private readonly Lock processLock = new();
    private readonly double startTimeSeconds;

    /// <summary>Creates the instruments; dispose to remove them.</summary>
    public ProcessMetrics()
    {
        startTimeSeconds = new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;

        meter.CreateObservableCounter(
            "process_cpu_seconds_total", () => Environment.CpuUsage.TotalTime.TotalSeconds, "s",
            "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge(
            "process_resident_memory_bytes", () => Environment.WorkingSet, "By", "Resident memory size in bytes.");
        meter.CreateObservableGauge(
            "process_virtual_memory_bytes", VirtualMemory, "By", "Virtual memory size in bytes.");
        meter.CreateObservableGauge(
            "process_start_time_seconds", () => startTimeSeconds, "s",
            "Start time of the process since unix epoch in seconds.");
        if (OperatingSystem.IsLinux())
        {
            meter.CreateObservableGauge(
                "process_open_fds", OpenFileDescriptors, description: "Number of open file descriptors.");
        }

        meter.CreateObservableGauge(
            "dotnet_gc_heap_size_bytes", () => GC.GetTotalMemory(forceFullCollection: false), "By",
            "Bytes on the managed heap: live objects and garbage not yet collected.");
        meter.CreateObservableCounter(
            "dotnet_gc_allocated_bytes_total", () => GC.GetTotalAllocatedBytes(), "By",
            "Bytes allocated on the managed heap since the process started.");
        meter.CreateObservableCounter(
            "dotnet_gc_collections_total", Collections, description: "Garbage collections by generation.");
        meter.CreateObservableCounter(
            "dotnet_gc_pause_seconds_total", () => GC.GetTotalPauseDuration().TotalSeconds, "s",
            "Time the runtime was paused for garbage collection.");
        meter.CreateObservableGauge(
            "dotnet_threadpool_threads", () => ThreadPool.ThreadCount, description: "Thread pool threads.");
        meter.CreateObservableGauge(
            "dotnet_threadpool_queue_length", () => ThreadPool.PendingWorkItemCount,
            description: "Work items queued to the thread pool and not started.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        meter.Dispose();
        process.Dispose();
    }

    private static IEnumerable<Measurement<long>> Collections()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", generation));
        }
    }

    private static int OpenFileDescriptors()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private long VirtualMemory()
    {
        // Process caches its snapshot; two exporters may scrape at once.
        lock (processLock)
        {
            process.Refresh();
            return process.VirtualMemorySize64;
        }
    }
}

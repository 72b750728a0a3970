using System.Security.Cryptography;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SecretFleet.Kube;
using SecretFleet.Kube.SecretClusters;

namespace SecretFleet.Operator.Reconciliation;

/// <summary>Writes events.k8s.io/v1 Events (what <c>kubectl describe</c> and <c>kubectl events</c> show).</summary>
internal sealed partial class KubeEventRecorder(IKubeApi api, string reportingInstance, TimeProvider time, ILogger<KubeEventRecorder> log) : IEventRecorder
{
    public const string ReportingController = "secretfleet.io/operator";

    /// <summary>The API server refuses notes over 1 kB.</summary>
    private const int MaxNote = 1024;

    public async Task RecordAsync(SecretCluster regarding, EventSeverity severity, string reason, string action, string note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        var name = $"{regarding.Metadata.Name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var ev = new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = regarding.Metadata.NamespaceProperty },
            EventTime = time.GetUtcNow().UtcDateTime,
            Type = severity.ToString(),
            Reason = reason,
            Action = action,
            Note = note.Length <= MaxNote ? note : note[..(MaxNote - 1)] + "…",
            Regarding = new V1ObjectReference
            {
                ApiVersion = regarding.ApiVersion,
                Kind = regarding.Kind,
                Name = regarding.Metadata.Name,
                NamespaceProperty = regarding.Metadata.NamespaceProperty,
                Uid = regarding.Metadata.Uid,
            },
            ReportingController = ReportingController,
            ReportingInstance = reportingInstance.Length <= 128 ? reportingInstance : reportingInstance[..128],
        };
        try
        {
            await api.CreateAsync(ev, cancellationToken).ConfigureAwait(false);
            LogRecorded(log, regarding.Metadata.NamespaceProperty, regarding.Metadata.Name, reason, note);
        }
        catch (KubeApiException e)
        {
            LogFailed(log, reason, regarding.Metadata.NamespaceProperty, regarding.Metadata.Name, e.Message);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Event on {Namespace}/{Name}: {Reason}: {Note}")]
    private static partial void LogRecorded(ILogger logger, string? @namespace, string? name, string reason, string note);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Could not record event {Reason} on {Namespace}/{Name}: {Error}")]
    private static partial void LogFailed(ILogger logger, string reason, string? @namespace, string? name, string error);
}

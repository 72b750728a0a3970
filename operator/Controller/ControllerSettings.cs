namespace SecretFleet.Operator.Controller;

/// <summary>What the controller watches and how often it resyncs.</summary>
/// <param name="Namespace">The one namespace to watch, or null for all.</param>
/// <param name="ResyncPeriod">Every SecretCluster is reconciled at least this often, events or not.</param>
/// <param name="WatchBackoff">First delay after a failed list or watch (doubles up to 30 s).</param>
internal sealed record ControllerSettings(string? Namespace, TimeSpan ResyncPeriod, TimeSpan WatchBackoff);

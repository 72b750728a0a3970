namespace SecretFleet.Core.Rpc;

/// <summary>
/// Names of the instruments the wire layer publishes through <see cref="System.Diagnostics.Metrics"/>.
/// Exported as the meter name and the instrument name joined (<c>secretfleet_rpc_server_calls_total</c>).
/// </summary>
public static class RpcMetricNames
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SecretFleet.Rpc";

    /// <summary>Counter of completed server calls, tagged <see cref="MethodTag"/> and <see cref="CodeTag"/>.</summary>
    public const string ServerCalls = "server_calls";

    /// <summary>Histogram of server call duration in seconds (unit <c>s</c>), tagged <see cref="MethodTag"/>.</summary>
    public const string ServerDuration = "server_duration_seconds";

    /// <summary><c>package.Service/Method</c>, or <c>unknown</c> for methods the server does not have (bounded cardinality).</summary>
    public const string MethodTag = "method";

    /// <summary>The status code name, e.g. <c>OK</c>, <c>PERMISSION_DENIED</c>.</summary>
    public const string CodeTag = "code";

    /// <summary>The method label of calls to methods that are not mapped.</summary>
    public const string UnknownMethod = "unknown";
}

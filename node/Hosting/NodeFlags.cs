using SecretFleet.Core.Configuration;

namespace SecretFleet.Node.Hosting;

/// <summary>The command line of <c>secretfleet-node</c>: its flags, each also settable as SECRETFLEET_*, and its usage text.</summary>
internal static class NodeFlags
{
    public const string Usage = """
        secretfleet-node: holds one share of every secret of a SecretFleet fleet.

          --cluster NAME          fleet name (SECRETFLEET_CLUSTER)
          --ordinal N             StatefulSet ordinal, 0..254; x = N + 1 (SECRETFLEET_ORDINAL);
                                  or --ordinal-from-hostname[=BOOL] to read it from HOSTNAME (name-N)
          --threshold T           the fleet's threshold (SECRETFLEET_THRESHOLD)
          --data-dir PATH         share database directory (SECRETFLEET_DATA_DIR)
          --tls-dir PATH          tls.crt, tls.key, ca.crt (SECRETFLEET_TLS_DIR); read again every
                                  --tls-reload-seconds N (default 30, SECRETFLEET_TLS_RELOAD_SECONDS):
                                  a renewed certificate is served without a restart
          --key-file PATH         32-byte node key, raw or base64 (SECRETFLEET_KEY_FILE); or
          --key-dir PATH          a directory holding node-<ordinal>.key (SECRETFLEET_KEY_DIR)
          --listen IP:PORT        gRPC over mTLS, default 0.0.0.0:7443 (SECRETFLEET_LISTEN)
          --http-listen IP:PORT   /healthz /readyz /metrics, default 0.0.0.0:8080 (SECRETFLEET_HTTP_LISTEN)
          --max-secret-bytes N    largest secret accepted, default 65536 (SECRETFLEET_MAX_SECRET_BYTES)
          --operator-name NAME    the operator whose epoch changes this node follows:
                                  spiffe://<this node's trust domain>/operator/NAME,
                                  default secretfleet-operator (SECRETFLEET_OPERATOR_NAME)

        BOOL is true or false. SECRETFLEET_LOG_LEVEL (no flag): trace, debug, information (default),
        warning, error, critical or none. A bad value exits 2 naming its flag or variable.
        """;

    public static readonly CommandLineFlags All = new(
        "SECRETFLEET_",
        [
            new("cluster"), new("ordinal"), new("ordinal-from-hostname", IsSwitch: true), new("threshold"), new("data-dir"), new("tls-dir"),
            new("key-file"), new("key-dir"), new("listen"), new("http-listen"), new("max-secret-bytes"), new("operator-name"),
            new("tls-reload-seconds"),
        ],
        example: "--data-dir PATH",
        unknownFlagHint: "; see --help for the flags a node takes.");
}

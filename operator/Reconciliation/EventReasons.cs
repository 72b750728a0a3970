namespace SecretFleet.Operator.Reconciliation;

/// <summary>Reasons of the Events the operator records on a SecretCluster (kubectl describe shows them).</summary>
internal static class EventReasons
{
    public const string CertificatesIssued = "CertificatesIssued";

    public const string Scaled = "Scaled";

    public const string ScaleRefused = "ScaleRefused";

    public const string SpecRefused = "SpecRefused";

    public const string FleetFormed = "FleetFormed";

    public const string EpochStarted = "EpochStarted";

    public const string EpochCompleted = "EpochCompleted";

    public const string EpochFailed = "EpochFailed";

    public const string EpochResumed = "EpochResumed";

    public const string SharesRecovered = "SharesRecovered";

    public const string RecoveryFailed = "RecoveryFailed";

    /// <summary>A resharing to the spec's threshold or size started.</summary>
    public const string ReshareStarted = "ReshareStarted";

    /// <summary>A resharing committed: the fleet has its new shape (Normal).</summary>
    public const string Reshared = "Reshared";

    /// <summary>A resharing aborted: the fleet keeps its old shape (Warning, naming culprit nodes).</summary>
    public const string ReshareFailed = "ReshareFailed";

    public const string OperationRefused = "OperationRefused";

    public const string PodReplaced = "PodReplaced";

    /// <summary>spec.image names an image the operator does not allow; the pods keep an allowed one (Warning).</summary>
    public const string ImageNotAllowed = "ImageNotAllowed";

    /// <summary>A node's volume exists without its sealing key, so its pod is not started (Warning).</summary>
    public const string NodeKeyMissing = "NodeKeyMissing";

    /// <summary>A step of moving an older fleet to per-node certificates and keys.</summary>
    public const string IdentitiesMigrated = "IdentitiesMigrated";

    public const string DataRetained = "DataRetained";

    public const string DataDeleted = "DataDeleted";
}

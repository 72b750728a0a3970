namespace SecretFleet.Kube;

/// <summary>SecretCluster condition types and their reasons (CamelCase, as the API conventions want).</summary>
public static class Conditions
{
    /// <summary>True when every node is ready and holds current shares.</summary>
    public const string Ready = "Ready";

    /// <summary>True when the CA, node, operator and client certificates are issued.</summary>
    public const string CertificatesReady = "CertificatesReady";

    /// <summary>True while the operator creates, scales or reshares the fleet.</summary>
    public const string Progressing = "Progressing";

    /// <summary>True when fewer than all nodes are ready but at least threshold are.</summary>
    public const string Degraded = "Degraded";

    /// <summary>True while an operation (refresh, recovery, resharing) is open or runs.</summary>
    public const string Refreshing = "Refreshing";

    /// <summary>True when two or more node pods run on one host (they hold that many shares on one machine).</summary>
    public const string SharedHost = "SharedHost";

    /// <summary>True when only the operator can obtain the fleet's node, operator and client identities.</summary>
    public const string IdentitiesProtected = "IdentitiesProtected";

    /// <summary>True when the nodes run the image spec.image asks for (or the default); False when the operator does not allow it.</summary>
    public const string NodeImageAllowed = "NodeImageAllowed";

    public static class Reasons
    {
        /// <summary>IdentitiesProtected is True: the operator signs every identity with a CA no cert-manager Issuer uses.</summary>
        public const string OperatorSigns = "OperatorSigns";

        /// <summary>IdentitiesProtected is False: an Issuer signs with the fleet's CA Secret for whoever requests it.</summary>
        public const string CertificateAuthorityExposed = "CertificateAuthorityExposed";

        /// <summary>IdentitiesProtected is False: spec.issuerRef's issuer signs the identities for whoever may request from it.</summary>
        public const string SharedIssuer = "SharedIssuer";

        /// <summary>NodeImageAllowed is True: the nodes run the image the spec asks for.</summary>
        public const string ImageAllowed = "ImageAllowed";

        /// <summary>NodeImageAllowed is False: spec.image is not on the operator's allow-list, so the nodes keep an allowed image.</summary>
        public const string ImageNotAllowed = "ImageNotAllowed";

        /// <summary>SharedHost is False: every node runs on a host of its own.</summary>
        public const string DistinctHosts = "DistinctHosts";

        /// <summary>SharedHost is True and some host runs at least threshold nodes: that machine alone can recover every secret.</summary>
        public const string HostHoldsThreshold = "HostHoldsThreshold";

        /// <summary>SharedHost is True, with fewer than threshold nodes on any one host.</summary>
        public const string HostsShared = "HostsShared";

        public const string AllNodesReady = "AllNodesReady";

        public const string NodesNotReady = "NodesNotReady";

        public const string BelowThreshold = "BelowThreshold";

        public const string CertificatesPending = "CertificatesPending";

        public const string CertificatesIssued = "CertificatesIssued";

        public const string IssuerNotFound = "IssuerNotFound";

        public const string Provisioning = "Provisioning";

        public const string Scaling = "Scaling";

        public const string RecoveringShares = "RecoveringShares";

        public const string Reconciled = "Reconciled";

        public const string InvalidSpec = "InvalidSpec";

        public const string ScaleBelowThresholdRefused = "ScaleBelowThresholdRefused";

        /// <summary>Progressing is True: a threshold change or scale-down reshares every secret to the new shape (new nodes are started first).</summary>
        public const string Resharing = "Resharing";

        /// <summary>Progressing is False: the last resharing aborted; the fleet keeps its old shape and it is retried with backoff.</summary>
        public const string ResharingFailed = "ResharingFailed";

        /// <summary>Progressing is False: the spec asks for a shape this fleet cannot reshare to (fewer than 2t-1 nodes); it keeps its shape.</summary>
        public const string ResharingRefused = "ResharingRefused";

        public const string RefreshInProgress = "RefreshInProgress";

        public const string RefreshCompleted = "RefreshCompleted";

        public const string RefreshAborted = "RefreshAborted";

        public const string RefreshWaitingForNodes = "RefreshWaitingForNodes";

        public const string Idle = "Idle";

        /// <summary>Pods with a stale template are being replaced, one at a time, between epochs.</summary>
        public const string RollingUpdate = "RollingUpdate";

        /// <summary>Work on the fleet (formation, recovery, connecting to the nodes) failed and is retried with backoff.</summary>
        public const string OperationFailed = "OperationFailed";

        /// <summary>
        /// A node has a volume but no sealing key: the operator will not make a new key for a volume that may hold
        /// shares sealed under the old one, so that node stays down until its key Secret or its PVC is dealt with.
        /// </summary>
        public const string NodeKeyMissing = "NodeKeyMissing";

        /// <summary>A fleet from before per-node identities is moving to them (pods replaced one at a time, between epochs).</summary>
        public const string MigratingIdentities = "MigratingIdentities";
    }
}

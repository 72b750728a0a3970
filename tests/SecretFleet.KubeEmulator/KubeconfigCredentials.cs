namespace SecretFleet.KubeEmulator;

/// <summary>How the user of a written kubeconfig authenticates to the emulator.</summary>
public enum KubeconfigCredentials
{
    /// <summary>The admin client certificate and key (from the emulator's CA), inline.</summary>
    ClientCertificate,

    /// <summary>The emulator's bearer token.</summary>
    Token,
}

using SecretFleet.Core.Protos;

namespace SecretFleet.Core.Epochs;

/// <summary>The one lower-case name of each operation kind: in operation ids, audit rows, metric labels, logs and events.</summary>
public static class OperationKindNames
{
    /// <summary>"refresh", "recovery" or "resharing".</summary>
    public static string Name(this OperationKind kind) => kind switch
    {
        OperationKind.Recovery => "recovery",
        OperationKind.Resharing => "resharing",
        _ => "refresh",
    };
}

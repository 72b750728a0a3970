using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Core.Identity;
using SecretFleet.Core.Scheduling;
using SecretFleet.Kube;
using SecretFleet.Kube.Config;

namespace SecretFleet.Cli.Commands;

/// <summary>Maps the exceptions of every layer to an exit code and a one-line message.</summary>
internal static class ErrorTranslator
{
    public static (int ExitCode, string Message)? Translate(Exception exception) => exception switch
    {
        CliException e => (e.ExitCode, e.Message),
        FleetClientException e => (ExitCode(e.Kind), e.Message),
        OperationRefusedException e => (ExitCodes.Other, $"The fleet refused the operation: {e.Message}"),
        TlsMaterialException e => (ExitCodes.Other, e.Message),
        ScheduleFormatException e => (ExitCodes.Usage, e.Message),
        KubeConfigException e => (ExitCodes.Other, e.Message),
        KubeApiException e when e.IsForbidden => (ExitCodes.PermissionDenied, $"Kubernetes refused the request: {e.Message}"),
        KubeApiException e => (ExitCodes.Other, $"The Kubernetes API call failed: {e.Message}"),
        IOException or UnauthorizedAccessException => (ExitCodes.Other, exception.Message),
        _ => null,
    };

    public static int ExitCode(FleetErrorKind kind) => kind switch
    {
        FleetErrorKind.InvalidInput => ExitCodes.Usage,
        FleetErrorKind.NotFound => ExitCodes.NotFound,
        FleetErrorKind.NotEnoughNodes or FleetErrorKind.Resharing => ExitCodes.NotEnoughNodes,
        FleetErrorKind.PermissionDenied => ExitCodes.PermissionDenied,
        _ => ExitCodes.Other,
    };

    /// <summary>One line: whatever a lower layer wrote, errors are a single sentence on stderr.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

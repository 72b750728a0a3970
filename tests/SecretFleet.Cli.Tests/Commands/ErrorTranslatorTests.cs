using System.Net;
using SecretFleet.Cli.Commands;
using SecretFleet.Core.Client;
using SecretFleet.Core.Epochs;
using SecretFleet.Kube;

namespace SecretFleet.Cli.Tests.Commands;

[Trait("Category", "Unit")]
public sealed class ErrorTranslatorTests
{
    [Theory]
    [InlineData(FleetErrorKind.InvalidInput, 1)]
    [InlineData(FleetErrorKind.NotFound, 2)]
    [InlineData(FleetErrorKind.NotEnoughNodes, 3)]
    [InlineData(FleetErrorKind.Resharing, 3)]
    [InlineData(FleetErrorKind.PermissionDenied, 4)]
    [InlineData(FleetErrorKind.AlreadyExists, 5)]
    [InlineData(FleetErrorKind.Other, 5)]
    public void Fleet_errors_map_to_the_documented_exit_codes(FleetErrorKind kind, int exitCode)
    {
        var translated = ErrorTranslator.Translate(new FleetClientException(kind, "what failed; what to do."));

        Assert.Equal(exitCode, translated!.Value.ExitCode);
        Assert.Equal("what failed; what to do.", translated.Value.Message);
    }

    [Fact]
    public void Kubernetes_forbidden_is_a_permission_error()
    {
        var translated = ErrorTranslator.Translate(new KubeApiException("secrets is forbidden", HttpStatusCode.Forbidden));

        Assert.Equal(4, translated!.Value.ExitCode);
    }

    [Fact]
    public void A_refused_operation_is_other()
    {
        Assert.Equal(5, ErrorTranslator.Translate(new OperationRefusedException("A refresh is already running."))!.Value.ExitCode);
    }

    [Fact]
    public void Bugs_are_not_translated()
    {
        Assert.Null(ErrorTranslator.Translate(new NullReferenceException()));
    }

    [Fact]
    public void Messages_become_one_line()
    {
        Assert.Equal("first line second line", ErrorTranslator.OneLine("first line\r\n  second line\n"));
    }
}

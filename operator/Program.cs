using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SecretFleet.Operator.Crd;
using SecretFleet.Operator.Hosting;
using SecretFleet.Operator.Leadership;

const int Stopped = 0, Failed = 1, BadConfiguration = 2;

OperatorCommand command;
try
{
    command = OperatorArguments.Parse(args);
}
catch (OperatorConfigurationException e)
{
    await Console.Error.WriteLineAsync($"secretfleet-operator: {e.Message}");
    return BadConfiguration;
}

switch (command.Verb)
{
    case "help":
        Console.WriteLine(OperatorArguments.Usage);
        return Stopped;
    case "version":
        Console.WriteLine($"secretfleet-operator {OperatorVersion.Current} (node image {OperatorVersion.DefaultNodeImage})");
        return Stopped;
    case "generate-crds":
        try
        {
            foreach (var path in CrdGenerator.WriteAll(command.Directory!))
            {
                Console.WriteLine($"wrote {path}");
            }

            return Stopped;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"secretfleet-operator: cannot write CRDs into {command.Directory}: {e.Message}");
            return BadConfiguration;
        }
}

var options = command.Options;
using var loggers = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss.fff ";
    })
    .SetMinimumLevel(options.LogLevel));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

OperatorHost host;
try
{
    host = await OperatorHost.StartAsync(options, loggers, stop.Token);
}
catch (OperatorConfigurationException e)
{
    await Console.Error.WriteLineAsync($"secretfleet-operator: {e.Message}");
    return BadConfiguration;
}

await using (host)
{
    // One machine-readable line, so launchers and tests wait for it instead of sleeping.
    Console.WriteLine($"secretfleet-operator started identity={host.Identity} health={host.HealthAddress?.ToString() ?? "off"} metrics={host.MetricsAddress?.ToString() ?? "off"}");
    await Console.Out.FlushAsync();
    try
    {
        await host.Completion.WaitAsync(stop.Token);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        await host.StopAsync();
        return Stopped;
    }
    catch (LeadershipLostException e)
    {
        await Console.Error.WriteLineAsync($"secretfleet-operator: {e.Message} Exiting so that a new leader takes over.");
        return Failed;
    }
    catch (Exception e)
    {
        await Console.Error.WriteLineAsync($"secretfleet-operator: stopped on a failure: {e.Message}");
        return Failed;
    }

    return Stopped;
}

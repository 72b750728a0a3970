using Microsoft.Extensions.Logging;
using SecretFleet.Operator.Crd;
using SecretFleet.Operator.Hosting;
using SecretFleet.Operator.Leadership;
using SecretFleet.Operator.Rendering;

const int Stopped = 0, Failed = 1, BadConfiguration = 2;

OperatorCommand command;
OperatorOptions options;
try
{
    command = OperatorCommand.Parse(args);
    options = command.Verb == "run" ? OperatorSettings.Read(command.Arguments) : new OperatorOptions();
}
catch (OperatorConfigurationException e)
{
    await Console.Error.WriteLineAsync($"secretfleet-operator: {e.Message}");
    return BadConfiguration;
}

switch (command.Verb)
{
    case "render":
        return RenderCommand.Run(command.Arguments, Console.In, Console.Out, Console.Error);
    case "help":
        Console.WriteLine(OperatorFlags.Usage);
        return Stopped;
    case "version":
        Console.WriteLine($"secretfleet-operator {OperatorVersion.Current} (node image {OperatorVersion.DefaultNodeImage})");
        return Stopped;
    case "generate-crds":
        var directory = command.Arguments[0];
        try
        {
            foreach (var path in CrdGenerator.WriteAll(directory))
            {
                Console.WriteLine($"wrote {path}");
            }

            return Stopped;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"secretfleet-operator: cannot write CRDs into {directory}: {e.Message}");
            return BadConfiguration;
        }
}

OperatorHost host;
try
{
    host = await OperatorHost.StartAsync(
        options,
        logging => logging
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            })
            .SetMinimumLevel(options.LogLevel),
        CancellationToken.None);
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

    // SIGTERM or Ctrl-C stops the host (the controller releases the lease); so does the controller stopping on its own.
    await host.WaitForShutdownAsync();
    try
    {
        await host.Completion;
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
}

using SecretFleet.Cli.Commands;

return await CliRootCommand.RunAsync(CliHost.FromProcess(), args);

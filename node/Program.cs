using SecretFleet.Node.Hosting;

return await NodeProgram.RunAsync(args, "secretfleet-node");

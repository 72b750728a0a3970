using SecretFleet.Node.Hosting;

return await NodeRunner.RunAsync(args, "secretfleet-node");

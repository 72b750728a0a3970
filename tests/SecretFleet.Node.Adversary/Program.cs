using Microsoft.Extensions.DependencyInjection;
using SecretFleet.Node.Epochs;
using SecretFleet.Node.Hosting;
using SecretFleet.Node.Tests.Support;

// secretfleet-node-adversary --cheat NAME <node flags>: a real node with a real certificate that
// deals dishonestly, so tests can show that its peers catch and name it.
var cheatAt = Array.IndexOf(args, "--cheat");
if (cheatAt < 0 || cheatAt + 1 >= args.Length)
{
    await Console.Error.WriteLineAsync("secretfleet-node-adversary: --cheat flip-sub-share|skip-pair|two-stories|two-signed-rows|unsigned-digests is required.");
    return 2;
}
var ordinal = args.SkipWhile(a => a != "--ordinal").Skip(1).Select(int.Parse).FirstOrDefault();
IDealerTamper? cheat = args[cheatAt + 1] switch
{
    "flip-sub-share" => new FlippedSubShare((byte)(ordinal + 1)),
    "skip-pair" => new SkippedPair(),
    "two-stories" => new TwoStories((byte)(ordinal + 1)),
    "two-signed-rows" => new TwoSignedRows(ordinal == 0 ? (byte)2 : (byte)1),
    "unsigned-digests" => new UnsignedRowForDealers(),
    _ => null,
};
if (cheat is null)
{
    await Console.Error.WriteLineAsync($"secretfleet-node-adversary: unknown cheat '{args[cheatAt + 1]}'.");
    return 2;
}
return await NodeProgram.RunAsync([.. args.Take(cheatAt), .. args.Skip(cheatAt + 2)], "secretfleet-node-adversary", services => services.AddSingleton(cheat));

// Peer: npm shamir-secret-sharing (Privy). Same loop as SecretFleet's peer-loop mode: for each
// of COUNT random 32-byte secrets, split 3-of-5, combine the first 3 shares, check the result.
// Warm for 2 s, then PASSES timed passes (default 5); prints the median per operation.
const { createRequire } = require('node:module');
const path = require('node:path');
const crypto = require('node:crypto');
const peers = createRequire(path.join(process.env.PEERS_DIR, 'package.json'));
const { split, combine } = peers('shamir-secret-sharing');

const count = Number(process.argv[2] || 10000);
const passes = Number(process.argv[3] || 5);
const secrets = Array.from({ length: count }, () => new Uint8Array(crypto.randomBytes(32)));

async function pass() {
  for (const secret of secrets) {
    const shares = await split(secret, 5, 3);
    const back = await combine(shares.slice(0, 3));
    if (Buffer.compare(Buffer.from(back), Buffer.from(secret)) !== 0) throw new Error('lost the secret');
  }
}

(async () => {
  const warmUntil = performance.now() + 2000;
  while (performance.now() < warmUntil) await pass();
  const perOp = [];
  for (let p = 0; p < passes; p++) {
    const start = performance.now();
    await pass();
    perOp.push(((performance.now() - start) * 1000) / count);
  }
  perOp.sort((a, b) => a - b);
  console.log(`shamir-secret-sharing: ${perOp[perOp.length >> 1].toFixed(2)} us/op (min ${perOp[0].toFixed(2)}, ${count} ops per pass)`);
})();

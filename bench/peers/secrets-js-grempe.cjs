// Peer: npm secrets.js-grempe (hex strings, GF(2^8)). Same loop as the other peers.
const { createRequire } = require('node:module');
const path = require('node:path');
const crypto = require('node:crypto');
const peers = createRequire(path.join(process.env.PEERS_DIR, 'package.json'));
const secrets = peers('secrets.js-grempe');

const count = Number(process.argv[2] || 10000);
const passes = Number(process.argv[3] || 5);
const inputs = Array.from({ length: count }, () => crypto.randomBytes(32).toString('hex'));

function pass() {
  for (const hex of inputs) {
    const shares = secrets.share(hex, 5, 3);
    if (secrets.combine(shares.slice(0, 3)) !== hex) throw new Error('lost the secret');
  }
}

const warmUntil = performance.now() + 2000;
while (performance.now() < warmUntil) pass();
const perOp = [];
for (let p = 0; p < passes; p++) {
  const start = performance.now();
  pass();
  perOp.push(((performance.now() - start) * 1000) / count);
}
perOp.sort((a, b) => a - b);
console.log(`secrets.js-grempe: ${perOp[perOp.length >> 1].toFixed(2)} us/op (min ${perOp[0].toFixed(2)}, ${count} ops per pass)`);

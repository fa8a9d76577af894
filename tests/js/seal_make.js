// Test driver for themes/default/seal.js, run by tests/seal.rs under Node 20.
// stdin: {"public_key": "farvel-pk1:…", "fingerprint": "0123456789ab",
//         "cases": [[[name, value], …], …]}
// stdout: one line per case: the envelope, or with --plaintext the padded
// plaintext in hex (to compare the canonical form with the Rust side).
'use strict';
const path = require('path');
const seal = require(path.join(__dirname, '..', '..', 'themes', 'default', 'seal.js'));

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  try {
    const job = JSON.parse(input);
    const plain = process.argv.includes('--plaintext');
    for (const pairs of job.cases) {
      if (plain) {
        process.stdout.write(Buffer.from(seal.plaintext(pairs)).toString('hex') + '\n');
      } else {
        process.stdout.write(await seal.seal(pairs, job.public_key, job.fingerprint) + '\n');
      }
    }
  } catch (e) {
    process.stderr.write(String(e && e.message || e) + '\n');
    process.exit(2);
  }
});

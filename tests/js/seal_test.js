// node:test checks of themes/default/seal.js that need no Rust: run with
// `node --test tests/js/seal_test.js` (tests/seal.rs runs it too).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const seal = require(path.join(__dirname, '..', '..', 'themes', 'default', 'seal.js'));

async function publicKeyText() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const raw = Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey));
  return 'farvel-pk1:' + raw.toString('base64url');
}

function decode(envelope) {
  assert.match(envelope, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  return Buffer.from(envelope, 'base64url');
}

test('envelope layout: version, tag, point, iv, one bucket + tag', async () => {
  const env = decode(await seal.seal([['reason', 'pay']], await publicKeyText(), '0123456789ab'));
  assert.strictEqual(env.length, 1 + 8 + 65 + 12 + 1024 + 16);
  assert.strictEqual(env[0], 1);
  assert.strictEqual(env[9], 4);
  const tag = Buffer.from(await crypto.subtle.digest('SHA-256', Buffer.from('0123456789ab'))).subarray(0, 8);
  assert.deepStrictEqual(env.subarray(1, 9), tag);
});

test('short and long answers in one bucket seal to the same length; bigger ones grow by 1024', async () => {
  const pk = await publicKeyText();
  const short = await seal.seal([['c', 'ok']], pk, '0123456789ab');
  const long = await seal.seal([['c', 'x'.repeat(900)]], pk, '0123456789ab');
  const longer = await seal.seal([['c', 'x'.repeat(1100)]], pk, '0123456789ab');
  assert.strictEqual(short.length, long.length);
  assert.strictEqual(decode(longer).length, decode(long).length + 1024);
});

test('two seals of the same answers differ (fresh key and iv)', async () => {
  const pk = await publicKeyText();
  const a = await seal.seal([['c', 'same']], pk, '0123456789ab');
  const b = await seal.seal([['c', 'same']], pk, '0123456789ab');
  assert.notStrictEqual(a, b);
});

test('no answer or field name appears in the envelope', async () => {
  const env = await seal.seal([['reason', 'manager']], await publicKeyText(), '0123456789ab');
  const text = env + decode(env).toString('latin1');
  assert.ok(!text.includes('reason') && !text.includes('manager'));
});

test('bad public keys are refused', async () => {
  const pk = await publicKeyText();
  for (const bad of ['', 'farvel-sk1:' + pk.slice(11), pk.slice(0, 40), pk + '!', 'farvel-pk1:' + Buffer.alloc(65, 4).toString('base64url')]) {
    await assert.rejects(seal.seal([['a', 'b']], bad, '0123456789ab'), undefined, bad);
  }
});

test('accepts FormData', async () => {
  const fd = new FormData();
  fd.append('factors', 'a');
  fd.append('factors', 'b');
  const bytes = seal.plaintext(fd);
  const json = '{"v":1,"f":[["factors","a"],["factors","b"]]}';
  assert.strictEqual(Buffer.from(bytes.subarray(0, json.length)).toString(), json);
  assert.strictEqual(bytes[json.length], 0x80);
  assert.strictEqual(bytes.length, 1024);
});

test('lone surrogates become U+FFFD, as FormData makes them', () => {
  const bytes = seal.plaintext([['c', 'a\ud800b']]);
  const json = '{"v":1,"f":[["c","a\ufffdb"]]}';
  assert.strictEqual(Buffer.from(bytes.subarray(0, Buffer.byteLength(json))).toString(), json);
});

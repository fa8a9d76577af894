/* farvel sealed responses, page side (envelope format v1).
 *
 * window.farvelSeal.seal(pairs, publicKeyText, shortFingerprint) -> Promise<string>
 *   pairs: the form's [name, value] pairs in form order (e.g. a FormData);
 *   publicKeyText: the survey's public_key ("farvel-pk1:" + base64url of the
 *   65-byte uncompressed P-256 point); shortFingerprint: the survey's 12 hex
 *   digits. Resolves to the base64url envelope posted in the `sealed` field.
 *
 * Format (the same as src/seal/mod.rs, which opens it):
 *   plaintext = UTF-8 JSON {"v":1,"f":[[name,value],...]} without white space,
 *     then 0x80 and 0x00 bytes up to the next multiple of 1024 bytes;
 *   ephemeral ECDH P-256 with the custodian's key -> 32-byte x coordinate;
 *   HKDF-SHA-256, salt = ephemeral public key (65 bytes), info "farvel-sealed-v1";
 *   AES-256-GCM, random 12-byte IV, associated data = the short fingerprint;
 *   envelope = 0x01 | sha256(short fingerprint)[0..8] | ephemeral public key
 *     | IV | ciphertext+tag, base64url without padding.
 * WebCrypto only; no network, no storage. Also runs under Node 20 for tests.
 */
(function (root) {
  'use strict';

  var VERSION = 1;
  var BUCKET = 1024;
  var PUBLIC_PREFIX = 'farvel-pk1:';

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function toBase64Url(bytes) {
    var bin = '';
    for (var i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function fromBase64Url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('farvelSeal: the public key is not base64url');
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function publicKeyBytes(text) {
    text = String(text).trim();
    if (text.indexOf(PUBLIC_PREFIX) !== 0) throw new Error('farvelSeal: not a farvel public key');
    var raw = fromBase64Url(text.slice(PUBLIC_PREFIX.length));
    if (raw.length !== 65 || raw[0] !== 4) throw new Error('farvelSeal: the public key has the wrong length');
    return raw;
  }

  /* A string as Unicode scalar values (a lone surrogate becomes U+FFFD, as
   * FormData does), so JSON.stringify never writes an escape Rust rejects. */
  function usv(value) {
    return new TextDecoder().decode(utf8(String(value)));
  }

  /* The padded plaintext: canonical JSON, 0x80, zeros to a multiple of BUCKET. */
  function plaintext(pairs) {
    var f = [];
    Array.from(pairs, function (p) { f.push([usv(p[0]), usv(p[1])]); });
    var json = utf8(JSON.stringify({ v: 1, f: f }));
    var out = new Uint8Array(Math.ceil((json.length + 1) / BUCKET) * BUCKET);
    out.set(json);
    out[json.length] = 0x80;
    return out;
  }

  function concat(parts) {
    var len = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(len);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  async function seal(pairs, publicKeyText, shortFingerprint) {
    var crypto = root.crypto;
    var subtle = crypto && crypto.subtle;
    if (!subtle) throw new Error('farvelSeal: this browser has no WebCrypto (a secure https page is needed)');
    var ecdh = { name: 'ECDH', namedCurve: 'P-256' };
    var recipient = await subtle.importKey('raw', publicKeyBytes(publicKeyText), ecdh, false, []);
    var ephemeral = await subtle.generateKey(ecdh, true, ['deriveBits']);
    var ephemeralRaw = new Uint8Array(await subtle.exportKey('raw', ephemeral.publicKey));
    var shared = await subtle.deriveBits({ name: 'ECDH', public: recipient }, ephemeral.privateKey, 256);
    var ikm = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    var key = await subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: ephemeralRaw, info: utf8('farvel-sealed-v1') },
      ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
    var fingerprint = utf8(String(shortFingerprint));
    var tag = new Uint8Array(await subtle.digest('SHA-256', fingerprint)).slice(0, 8);
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var sealed = new Uint8Array(await subtle.encrypt(
      { name: 'AES-GCM', iv: iv, additionalData: fingerprint, tagLength: 128 }, key, plaintext(pairs)));
    return toBase64Url(concat([new Uint8Array([VERSION]), tag, ephemeralRaw, iv, sealed]));
  }

  var api = { seal: seal, plaintext: plaintext };
  root.farvelSeal = api;
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof window !== 'undefined' ? window : globalThis);

// Decoding captured request bodies into ordered [name, value] pairs.
// Takes: a capture record ({headers, body: Buffer}). Returns: { format,
// pairs: [[name, value]], boundary } for urlencoded, multipart and JSON bodies
// (JSON arrays become repeated pairs; other JSON values become strings).

export function decodeBody(rec) {
  const type = (rec.headers['content-type'] || '').toLowerCase();
  const text = rec.body.toString('utf8');
  if (type.startsWith('application/json')) {
    const obj = JSON.parse(text);
    const pairs = [];
    for (const [k, v] of Object.entries(obj)) {
      if (Array.isArray(v)) for (const x of v) pairs.push([k, String(x)]);
      else pairs.push([k, v === null ? '' : String(v)]);
    }
    return { format: 'json', pairs, json: obj };
  }
  if (type.startsWith('multipart/form-data')) {
    const m = /boundary=("?)([^";]+)\1/i.exec(rec.headers['content-type']);
    const boundary = m ? m[2] : '';
    return { format: 'multipart', pairs: parseMultipart(text, boundary), boundary };
  }
  if (type.startsWith('application/x-www-form-urlencoded') || type === '') {
    return { format: 'urlencoded', pairs: [...new URLSearchParams(text)] };
  }
  if (type.startsWith('text/plain')) {
    return { format: 'text', pairs: text.split(/\r\n/).filter(Boolean).map((l) => {
      const i = l.indexOf('=');
      return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1)];
    }) };
  }
  throw new Error(`unexpected content type ${type}`);
}

function parseMultipart(text, boundary) {
  const pairs = [];
  if (!boundary) return pairs;
  for (const part of text.split(`--${boundary}`)) {
    if (!part || part.startsWith('--')) continue;
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const m = /name="([^"]*)"/i.exec(head);
    if (!m) continue;
    let value = part.slice(sep + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    pairs.push([m[1].replace(/%22/g, '"').replace(/%0D%0A/g, '\r\n'), value]);
  }
  return pairs;
}

/** The body with boundary and nonce replaced, for byte comparisons. */
export function normalisedBody(rec) {
  const d = decodeBody(rec);
  let text = rec.body.toString('utf8');
  if (d.boundary) text = text.split(d.boundary).join('BOUNDARY');
  const nonce = d.pairs.find(([k]) => k === '_nonce');
  if (nonce && nonce[1]) {
    text = text.split(nonce[1]).join('NONCE');
    text = text.split(encodeURIComponent(nonce[1])).join('NONCE');
  }
  return text;
}

// The capture server: stands in for every form service on 127.0.0.1.
// Takes: nothing (listens on a free port). Returns: { port, url(path), requests,
// mark(), since(mark), waitFor(pred), close() }. It also serves the built
// pages under /site/ so that they can be opened from http://127.0.0.1 too.
// AJAX posts get JSON {ok:true} with CORS headers; native posts get a small
// HTML page, as the real services answer.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Accept, Content-Type',
  'Access-Control-Max-Age': '600',
};

function isAjax(req) {
  const mode = req.headers['sec-fetch-mode'];
  if (mode) return mode === 'cors' || mode === 'no-cors' || mode === 'same-origin';
  return /application\/json/.test(req.headers.accept || '');
}

export async function startCapture(siteRoot) {
  const requests = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname.startsWith('/site/') && siteRoot()) {
        return serveFile(siteRoot(), url.pathname.slice(6), res);
      }
      if (req.method === 'OPTIONS') {
        requests.push(record(req, url, Buffer.alloc(0)));
        res.writeHead(204, CORS);
        return res.end();
      }
      const body = Buffer.concat(chunks);
      requests.push(record(req, url, body));
      for (const w of waiters.splice(0)) w();
      if (req.method !== 'POST') {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('not found');
      }
      if (isAjax(req)) {
        res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ ok: true, success: true, message: 'captured' }));
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="en"><title>Received</title><p id="captured">Received.</p></html>');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    port,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    requests,
    mark: () => requests.length,
    // submissions only: not CORS preflights, served pages, or the browser's favicon request
    since: (m) => requests.slice(m).filter((r) => r.method !== 'OPTIONS' && !r.path.startsWith('/site/') && r.path !== '/favicon.ico'),
    async waitFor(mark, count = 1, ms = 5000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (this.since(mark).length >= count) return this.since(mark);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 100); });
      }
      return this.since(mark);
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

function record(req, url, body) {
  return {
    method: req.method,
    path: url.pathname + url.search,
    headers: { ...req.headers },
    body,
    ajax: isAjax(req),
  };
}

function serveFile(root, rel, res) {
  let file = path.join(root, decodeURIComponent(rel));
  if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404); return res.end('not found'); }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(fs.readFileSync(file));
}

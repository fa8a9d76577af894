// Launching Debian's chromium through playwright-core (never a downloaded
// browser) and opening pages with everything the checks watch: requests,
// CSP violations, console errors, dialogs and page errors.
// Takes: options for the context. Returns: { ctx, close }, open(ctx, url).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'farvel-e2e-profile-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS,
    locale: 'en-US', viewport: { width: 1280, height: 900 }, ...options,
  });
  return {
    ctx,
    async close() { await ctx.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

const WATCH = () => {
  window.__e2e = { csp: [] };
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__e2e.csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
  });
};

/** Open url in a new page of ctx, recording what the page does. */
export async function open(ctx, url, { init } = {}) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(5000);
  const seen = { requests: [], csp: [], errors: [], dialogs: [], console: [] };
  page.on('request', (r) => seen.requests.push({ url: r.url(), method: r.method(), nav: r.isNavigationRequest() }));
  page.on('console', (m) => {
    const t = m.text();
    if (/Content.Security.Policy|Refused to/i.test(t)) seen.csp.push(t);
    else if (m.type() === 'error') seen.console.push(t);
  });
  page.on('pageerror', (e) => seen.errors.push(String(e.message || e)));
  page.on('dialog', (d) => { seen.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  await page.addInitScript(WATCH);
  if (init) await page.addInitScript(init);
  await page.goto(url, { waitUntil: 'load' });
  return { page, seen };
}

/** CSP violations seen by the page's own event listener (JS on) and the console. */
export async function cspViolations(page, seen) {
  let events = [];
  try { events = await page.evaluate(() => (window.__e2e ? window.__e2e.csp : [])); } catch { /* navigated */ }
  return [...events, ...seen.csp];
}

export function fileUrl(file) { return `file://${file}`; }

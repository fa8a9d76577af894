// Check 1, isolation: opened from file:// and from http://127.0.0.1, with
// JavaScript on and off, a page requests nothing but itself and reports no
// CSP violation; its CSP meta comes first and forbids everything by default.
import { open, cspViolations, fileUrl } from '../lib/browser.mjs';

export function strayRequests(seen, pageUrl, endpointUrl) {
  return seen.requests
    .filter((r) => r.url !== pageUrl && !r.url.startsWith(endpointUrl) && r.url !== 'about:blank')
    .map((r) => `request to ${r.url.slice(0, 120)}`);
}

export default async function isolation(env) {
  const { runner, all, capture, endpointUrl } = env;
  for (const { survey, pages } of all) {
    for (const p of pages) {
      for (const via of ['file', 'http']) {
        for (const kind of ['js', 'nojs']) {
          const url = via === 'file' ? fileUrl(p.file) : capture.url(`/site/${p.rel}`);
          await runner.check(`isolation ${survey.id}/${p.lang} from ${via}:// (JavaScript ${kind === 'js' ? 'on' : 'off'}): no request but the page, no CSP violation`, async () => {
            const ctx = await env.browser(kind);
            const { page, seen } = await open(ctx, url);
            await page.waitForTimeout(150);
            const problems = strayRequests(seen, url, endpointUrl);
            problems.push(...(await cspViolations(page, seen)).map((v) => `CSP: ${v}`));
            problems.push(...seen.errors.map((e) => `page error: ${e}`));
            if (kind === 'js' && via === 'file') problems.push(...await headProblems(page));
            await page.close();
            return problems;
          });
        }
      }
    }
  }
}

async function headProblems(page) {
  return page.evaluate(() => {
    const out = [];
    const first = document.head.firstElementChild;
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
    if (!csp) return ['no CSP meta'];
    const isFirst = first === csp || (first && first.matches('meta[charset]') && first.nextElementSibling === csp);
    if (!isFirst) out.push('the CSP meta is not first in <head>');
    const c = csp.content;
    if (!/default-src 'none'/.test(c)) out.push("CSP lacks default-src 'none'");
    if (!/base-uri 'none'/.test(c)) out.push("CSP lacks base-uri 'none'");
    if (/unsafe-inline|unsafe-eval|\*/.test(c)) out.push('CSP allows unsafe-inline, unsafe-eval or *');
    const ref = document.querySelector('meta[name=referrer]');
    if (!ref || ref.content !== 'no-referrer') out.push('no <meta name="referrer" content="no-referrer">');
    if (!document.documentElement.lang) out.push('no lang on <html>');
    if (document.querySelector('[style]')) out.push('an inline style="" attribute');
    const on = [...document.querySelectorAll('*')].find((e) => [...e.attributes].some((a) => /^on/i.test(a.name)));
    if (on) out.push(`an on* attribute on <${on.tagName.toLowerCase()}>`);
    if (document.cookie) out.push('the page set a cookie');
    try { if (localStorage.length || sessionStorage.length) out.push('the page used web storage'); } catch { /* file:// may forbid */ }
    return out;
  });
}

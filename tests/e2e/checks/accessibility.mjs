// Check 2, accessibility: axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa,
// wcag22aa) reports no violation on the first section, on a section showing
// validation errors, and in dark mode. axe is injected in a context opened
// with bypassCSP, used for nothing else (the CSP checks run without it).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { open, fileUrl } from '../lib/browser.mjs';
import { provokeErrors } from '../lib/errors.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function axe(page) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), TAGS);
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

export default async function accessibility(env) {
  const { runner, all } = env;
  for (const { survey, pages } of all) {
    for (const p of pages) {
      const name = `accessibility ${survey.id}/${p.lang}`;
      await runner.check(`${name}: axe finds no violation on the first section (light)`, async () => {
        const { page } = await open(await env.browser('axe'), fileUrl(p.file));
        const v = await axe(page); await page.close(); return v;
      });
      await runner.check(`${name}: axe finds no violation on a section showing validation errors`, async () => {
        const { page } = await open(await env.browser('axe'), fileUrl(p.file));
        const plan = await provokeErrors(page, survey);
        if (!plan) { await page.close(); return ['the survey has no question whose error could be shown']; }
        const summary = page.locator('.error-summary');
        await summary.waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
        const problems = (await summary.isVisible()) ? [] : [`no visible error summary after breaking ${plan.q.id} (${plan.how})`];
        problems.push(...await axe(page)); await page.close(); return problems;
      });
      await runner.check(`${name}: axe finds no violation in dark mode`, async () => {
        const ctx = await env.browser('axe');
        const page = await ctx.newPage();
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.goto(fileUrl(p.file));
        const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
        const v = await axe(page); await page.close();
        return dark ? v : ['dark mode was not applied', ...v];
      });
    }
  }
}

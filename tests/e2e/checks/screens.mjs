// Check 8, small screens: at 320×640 nothing scrolls sideways (every
// section with JavaScript, the whole page without); screenshots of the
// first section at 320 and 1280 px, light and dark, go to artifacts/.
import path from 'node:path';
import { fileUrl } from '../lib/browser.mjs';

const overflow = (page) => page.evaluate(() => {
  const d = document.documentElement;
  const wide = [...document.querySelectorAll('body *')].filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > d.clientWidth + 1)
    .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''}`);
  return d.scrollWidth > d.clientWidth ? [`scrollWidth ${d.scrollWidth} > clientWidth ${d.clientWidth} (${wide.join(', ')})`] : [];
});

export default async function screens(env) {
  const { runner, all, artifacts } = env;
  for (const { survey, pages } of all) {
    for (const p of pages) {
      await runner.check(`small screen ${survey.id}/${p.lang}: no horizontal scrolling at 320×640 (each section with JavaScript, whole page without)`, async () => {
        const problems = [];
        const page = await (await env.browser('js')).newPage();
        await page.setViewportSize({ width: 320, height: 640 });
        await page.goto(fileUrl(p.file));
        for (let i = 0; i < survey.sections.length; i++) {
          problems.push(...(await overflow(page)).map((x) => `section ${i + 1}: ${x}`));
          const next = page.locator('[data-action=next]');
          if (i < survey.sections.length - 1) {
            if (survey.sections[i].questions.some((q) => q.required)) break;
            await next.click().catch(() => {});
          }
        }
        await page.close();
        const nojs = await (await env.browser('nojs')).newPage();
        await nojs.setViewportSize({ width: 320, height: 640 });
        await nojs.goto(fileUrl(p.file));
        problems.push(...(await overflow(nojs)).map((x) => `JavaScript off: ${x}`));
        await nojs.close();
        return problems;
      });
      await runner.check(`screenshots ${survey.id}/${p.lang}: 320 and 1280 px, light and dark, in artifacts/`, async () => {
        for (const width of [320, 1280]) {
          for (const scheme of ['light', 'dark']) {
            const page = await (await env.browser('js')).newPage();
            await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
            await page.emulateMedia({ colorScheme: scheme });
            await page.goto(fileUrl(p.file));
            await page.screenshot({ path: path.join(artifacts, `${survey.id}-${p.lang}-${width}-${scheme}.png`), fullPage: true });
            await page.close();
          }
        }
        return [];
      });
    }
  }
}

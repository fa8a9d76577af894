// Issue 3's failure path: when the AJAX post fails (the network drops it, or
// the service answers with an error), the page says the answer may not have
// arrived and offers to send again; it never posts a second time on its own,
// the submit button stays disabled, and "Send again" posts exactly once.
// Runs on every example survey whose service is sent by AJAX.
import { open, fileUrl } from '../lib/browser.mjs';
import { fillAll, submit } from '../lib/fill.mjs';
import { makePlan } from '../lib/plans.mjs';

// The services the page sends by AJAX (the others post natively).
const AJAX = new Set(['formspree', 'getform', 'basin', 'web3forms', 'formsubmit']);

const FAILURES = {
  'the network drops the post': (route) => route.abort('failed'),
  'the service answers 500': (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"down"}' }),
};

export default async function resend(env) {
  const { runner, examples, capture, endpointUrl } = env;
  const ajax = examples.filter(({ survey }) => AJAX.has(survey.raw.endpoint?.service));
  await runner.check(`resend: an example survey is sent by AJAX (${ajax.map(({ survey }) => survey.id).join(', ') || 'none'})`,
    () => (ajax.length ? [] : ['no example survey uses an AJAX service']));
  for (const { survey, pages } of ajax) {
    const p = pages[0];
    for (const [what, fail] of Object.entries(FAILURES)) {
      await runner.check(`resend ${survey.id}/${p.lang}: ${what}: the page offers to send again, and sends once`, async () => {
        const problems = [];
        const { page } = await open(await env.browser('js'), fileUrl(p.file));
        const plan = makePlan(survey, 4242 + survey.id.length, { full: true, skip: 0 });
        problems.push(...(await fillAll(page, survey, plan, 'pointer')));
        let failedOnce = false;
        await page.route(`${endpointUrl}**`, (route) => {
          if (failedOnce || route.request().method() !== 'POST') return route.continue();
          failedOnce = true;
          return fail(route);
        });
        const mark = capture.mark();
        await submit(page, 'pointer');
        const box = page.locator('.send-error');
        await box.waitFor({ state: 'visible', timeout: 4000 }).catch(() => {});
        if (!(await box.isVisible())) {
          problems.push('no "may not have arrived" message after the failed post');
          await page.close();
          return problems;
        }
        if (!failedOnce) problems.push('the failure was never provoked (no POST to the endpoint)');
        if (!(await box.innerText()).trim()) problems.push('the send-error message is empty');
        const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-action'));
        if (focused !== 'resend') problems.push(`focus is on ${focused || 'nothing'}, not "Send again"`);
        if (!(await page.locator('[data-action=submit]').isDisabled())) problems.push('the submit button is enabled again');
        await page.waitForTimeout(800);
        if (capture.since(mark).length) problems.push(`the page posted ${capture.since(mark).length} time(s) on its own after the failure`);
        if (await page.locator('.thanks').isVisible()) problems.push('the thank-you text is shown although nothing arrived');
        await page.locator('[data-action=resend]').dblclick();
        const got = await capture.waitFor(mark, 1, 5000);
        await page.waitForTimeout(600);
        const n = capture.since(mark).length;
        if (!got.length) problems.push('"Send again" did not reach the capture server');
        else if (n !== 1) problems.push(`"Send again" (double-clicked) posted ${n} times`);
        const thanks = page.locator('.thanks');
        await thanks.waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
        if (!(await thanks.isVisible())) problems.push('the thank-you text did not appear after sending again');
        if (await box.isVisible()) problems.push('the send-error message stayed after the answer arrived');
        await page.close();
        return problems;
      });
    }
  }
}

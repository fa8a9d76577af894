// Making a section show validation errors, the way a hurried person would:
// pressing Next with a required question unanswered, or ticking more boxes
// than a multi allows. Takes: page, survey. Returns: { how, section } or null.

export function errorPlan(survey) {
  for (const s of survey.sections) {
    const req = s.questions.find((q) => q.required && !q.cond);
    if (req) return { section: s.index, how: 'required', q: req };
    const over = s.questions.find((q) => q.type === 'multi' && q.max && !q.cond
      && q.options.filter((o) => !o.none && !o.other).length > q.max);
    if (over) return { section: s.index, how: 'max', q: over };
    if (s.index < survey.sections.length - 1) continue;
  }
  return null;
}

/** Reach the section (answering nothing), then provoke its errors. */
export async function provokeErrors(page, survey) {
  const plan = errorPlan(survey);
  if (!plan) return null;
  for (let i = 0; i < plan.section; i++) await page.click('[data-action=next]');
  const sec = page.locator('section.section').nth(plan.section);
  if (plan.how === 'max') {
    const boxes = sec.locator(`#q-${plan.q.id} input[type=checkbox]`);
    for (let i = 0; i <= plan.q.max; i++) await boxes.nth(i).check();
  }
  await page.locator('[data-action=next]:visible, [data-action=submit]:visible').first().click();
  return plan;
}

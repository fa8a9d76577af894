// The suite's own little runner: one line per check, a closing
// `N passed, N failed` line, and an exit code that says whether all passed.
// Takes: check(name, fn) where fn returns a list of problems (or throws).
export class Runner {
  constructor() { this.passed = 0; this.failed = 0; this.names = []; }

  async check(name, fn) {
    const t0 = Date.now();
    let problems;
    try {
      const r = await fn();
      problems = Array.isArray(r) ? r : [];
    } catch (e) {
      problems = [`error: ${e && e.message ? e.message.split('\n')[0] : String(e)}`];
    }
    const ms = Date.now() - t0;
    if (problems.length) {
      this.failed++;
      console.log(`FAIL ${name} (${ms} ms)`);
      for (const p of problems.slice(0, 12)) console.log(`     - ${p}`);
      if (problems.length > 12) console.log(`     - … ${problems.length - 12} more`);
    } else {
      this.passed++;
      console.log(`ok   ${name} (${ms} ms)`);
    }
    return problems.length === 0;
  }

  summary() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 ? 0 : 1;
  }
}

// The suite's own little runner: one line per check, a closing
// `N passed, N failed` line, and an exit code that says whether all passed.
// Takes: check(name, fn) where fn returns a list of problems (or throws).
import fs from 'node:fs';

export class Runner {
  /** log: a file that gets every problem of every failed check in full. */
  constructor(log = null) {
    this.passed = 0; this.failed = 0; this.log = log;
    if (log) fs.writeFileSync(log, '');
  }

  async check(name, fn) {
    const t0 = Date.now();
    let problems;
    try {
      const r = await fn();
      problems = Array.isArray(r) ? [...new Set(r.map(String))] : [];
    } catch (e) {
      problems = [`error: ${e && e.message ? e.message.split('\n')[0] : String(e)}`];
    }
    const ms = Date.now() - t0;
    if (problems.length) {
      this.failed++;
      console.log(`FAIL ${name} (${ms} ms)`);
      for (const p of problems.slice(0, 12)) console.log(`     - ${String(p).length > 400 ? `${String(p).slice(0, 400)}…` : p}`);
      if (problems.length > 12) console.log(`     - … ${problems.length - 12} more${this.log ? ` (all in ${this.log})` : ''}`);
      if (this.log) fs.appendFileSync(this.log, `FAIL ${name}\n${problems.map((p) => `  - ${p}\n`).join('')}`);
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

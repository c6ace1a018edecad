// `npm test`: every unit test (Vitest, Node) and every browser test (Playwright, Chromium),
// then one closing line with the totals. Exits non-zero when anything failed or nothing ran.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium } from './find-chromium.mjs';

const args = process.argv.slice(2);
const e2eOnly = args.includes('--e2e-only');
const unitOnly = args.includes('--unit-only');
const outDir = join('test-results', 'summary');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const bin = (name) => join('node_modules', '.bin', name);
const run = (cmd, cmdArgs, env = process.env) =>
  spawnSync(cmd, cmdArgs, { stdio: 'inherit', env }).status ?? 1;

const totals = { passed: 0, failed: 0, skipped: 0 };
let failedToRun = false;

if (!e2eOnly) {
  // Types are part of the contract (tests/types/ holds the public surface's type test): a type
  // error is one failure.
  if (run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']) !== 0) {
    console.error('webclip: the type check failed.');
    totals.failed++;
  }
  const report = join(outDir, 'vitest.json');
  const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`]);
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    // A file that fails to load (a missing fixture, a syntax error) has no failed test of its
    // own: it counts as one failure, so the closing line never says "0 failed" after it.
    const unloaded = r.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
    for (const f of unloaded) console.error(`webclip: ${f.name} failed to run: ${(f.message ?? '').split('\n')[0]}`);
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + unloaded.length + (r.numRuntimeErrors ?? 0);
    totals.skipped += r.numPendingTests + r.numTodoTests;
    if (status !== 0 && r.numFailedTests + unloaded.length === 0) failedToRun = true;
  } catch {
    failedToRun = true;
  }
}

if (!unitOnly) {
  let chromium;
  try {
    chromium = findChromium();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  const report = join(outDir, 'playwright.json');
  const env = { ...process.env, CHROMIUM_PATH: chromium, PLAYWRIGHT_JSON_OUTPUT_NAME: report };
  const status = run(bin('playwright'), ['test', '--reporter=list,json'], env);
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    // Errors outside any test (a spec file that fails to load, a failed web server) count too.
    const errors = r.errors?.length ?? 0;
    totals.passed += r.stats.expected + r.stats.flaky;
    totals.failed += r.stats.unexpected + errors;
    totals.skipped += r.stats.skipped;
    if (status !== 0 && r.stats.unexpected + errors === 0) failedToRun = true;
  } catch {
    failedToRun = true;
  }
}

if (!unitOnly) {
  // The GPU check's local run (scripts/gpu-check): webclip's backend in Node on Dawn's WebGPU over
  // SwiftShader, so the check made for a lent GPU machine cannot rot between device sessions. Each
  // of its bars counts as a test.
  const report = join('test-results', 'gpu-check', 'report.json');
  rmSync(report, { force: true });
  const env = { ...process.env, CHROMIUM_PATH: findChromium() };
  const status = run(bin('tsx'), ['scripts/gpu-check/pack.ts', '--local'], env);
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    if (r.partial) throw new Error('the GPU check stopped before its end');
    const failed = r.bars.filter((b) => !b.ok).length;
    totals.passed += r.bars.length - failed;
    totals.failed += failed;
    if (status !== 0 && failed === 0) failedToRun = true;
  } catch {
    failedToRun = true;
  }
}

// A runner that failed without reporting what failed is a failure as well.
if (failedToRun) totals.failed++;
const ran = totals.passed + totals.failed;
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : ''));
if (failedToRun) console.error('webclip: a test runner failed before reporting its results (see above).');
process.exit(totals.failed > 0 || failedToRun || ran === 0 ? 1 : 0);

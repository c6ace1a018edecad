// `npm test`: the type check, every unit test (Vitest, Node), every browser test (Playwright,
// Chromium) and the GPU check's local run, then one closing line with the totals. Exits non-zero
// when anything failed or nothing ran.
//
// Playwright, the longest part, starts first; the other steps run beside it, one after another,
// their output kept in test-results/summary/<step>.log and printed once Playwright is done. They
// run at the lowest CPU priority, on what the browser tests leave idle (docs/testing.md).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium } from './find-chromium.mjs';

const args = process.argv.slice(2);
const e2eOnly = args.includes('--e2e-only');
const unitOnly = args.includes('--unit-only');
const outDir = join('test-results', 'summary');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const bin = (name) => join('node_modules', '.bin', name);

/**
 * Runs a command to its end; resolves its exit status. With `log`, its output goes to that file
 * instead of this terminal.
 */
function run(cmd, cmdArgs, { env = process.env, log } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: log ? ['ignore', 'pipe', 'pipe'] : 'inherit', env });
    const file = log ? createWriteStream(log) : undefined;
    if (file) {
      child.stdout.pipe(file, { end: false });
      child.stderr.pipe(file, { end: false });
    }
    let status = 1;
    child.on('error', (error) => file?.write(`${error.message}\n`));
    child.on('close', (code) => {
      status = code ?? 1;
      if (file) file.end(() => resolve(status));
      else resolve(status);
    });
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let failedToRun = false;
/** Output of the steps that ran beside Playwright, printed after it. */
const logs = [];
const besidePlaywright = !unitOnly;

/**
 * The steps beside Playwright run under Linux's SCHED_IDLE policy (`chrt --idle 0`, util-linux),
 * else `nice -n 19`: they take only the CPU time the browser tests leave, and a browser thread
 * that wakes preempts them. It wins back part of their cost: the model-store spec took 128 s
 * beside Vitest at normal priority, 115 s at SCHED_IDLE, 74 s alone (docs/testing.md). Each is
 * tried first (a container may refuse it); every thread of a step inherits the policy.
 */
const lowPriority = [
  ['chrt', '--idle', '0'],
  ['nice', '-n', '19'],
].find(([tool, ...toolArgs]) => spawnSync(tool, [...toolArgs, 'true']).status === 0) ?? [];

/** A step beside Playwright writes to its log, at the lowest priority; run alone, to the terminal. */
async function step(name, cmd, cmdArgs, env) {
  const log = besidePlaywright ? join(outDir, `${name}.log`) : undefined;
  const [launcher = cmd, ...launcherArgs] = besidePlaywright ? lowPriority : [];
  const status = await run(launcher, besidePlaywright ? [...launcherArgs, cmd, ...cmdArgs] : cmdArgs, { env, log });
  if (log) {
    logs.push({ name, log });
    console.log(`webclip: ${name} finished after ${seconds()} (exit ${status}); its output follows Playwright's (${log}).`);
  }
  return status;
}

async function unitTests() {
  // Types are part of the contract (tests/types/ holds the public surface's type test): a type
  // error is one failure.
  if ((await step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'])) !== 0) {
    console.error('webclip: the type check failed.');
    totals.failed++;
  }
  const report = join(outDir, 'vitest.json');
  const status = await step('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`]);
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

async function gpuCheck(chromium) {
  // The GPU check's local run (scripts/gpu-check): webclip's backend in Node on Dawn's WebGPU over
  // SwiftShader, so the check made for a lent GPU machine cannot rot between device sessions. Each
  // of its bars counts as a test.
  const report = join('test-results', 'gpu-check', 'report.json');
  rmSync(report, { force: true });
  const status = await step('gpu-check', bin('tsx'), ['scripts/gpu-check/pack.ts', '--local'], { ...process.env, CHROMIUM_PATH: chromium });
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

async function browserTests(chromium) {
  const report = join(outDir, 'playwright.json');
  const env = { ...process.env, CHROMIUM_PATH: chromium, PLAYWRIGHT_JSON_OUTPUT_NAME: report };
  const status = await run(bin('playwright'), ['test', '--reporter=list,json'], { env });
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

let chromium;
if (!unitOnly) {
  try {
    chromium = findChromium();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}

const started = Date.now();
const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
const beside = (async () => {
  if (!e2eOnly) await unitTests();
  if (!unitOnly) await gpuCheck(chromium);
})();
if (!unitOnly) {
  await browserTests(chromium);
  console.log(`webclip: Playwright finished after ${seconds()}.`);
}
await beside;
for (const { name, log } of logs) {
  console.log(`\n── ${name} (${log}) ──`);
  process.stdout.write(readFileSync(log, 'utf8'));
}

// A runner that failed without reporting what failed is a failure as well.
if (failedToRun) totals.failed++;
const ran = totals.passed + totals.failed;
console.log(`\nwebclip: everything finished after ${seconds()}.`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : ''));
if (failedToRun) console.error('webclip: a test runner failed before reporting its results (see above).');
process.exit(totals.failed > 0 || failedToRun || ran === 0 ? 1 : 0);

// throwaway reproduction (not committed)
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { startBenchBrowser } from './browser';
import type { EngineBench } from './engine/page';
import { threads, diff, startBoost, boostAutogroups } from './threads-tmp';
const dtype = (process.argv[2] ?? 'fp32') as 'fp32';
const calls = Number(process.argv[3] ?? 30);
const engines = (process.argv[4] ?? 'webclip,tjs-2t').split(',');
const workload = (process.argv[5] ?? 'small');
const idle = Number(process.argv[6] ?? 300);
const { base, browser, close } = await startBenchBrowser({ withModel: true, withTransformers: true });
if (process.env.AGNICE) console.log('autogroups boosted:', boostAutogroups(process.pid, Number(process.env.AGNICE)));
const stopBoost = process.env.BOOST ? startBoost(process.pid, Number(process.env.BOOST), (s) => console.log(s)) : () => {};
try {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('console', (m) => { if (m.type() === 'error' || m.type()==='log') console.error(`[page ${m.type()}] ${m.text()}`); });
  await page.goto(`${base}bench/engine.html`);
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 120000 });
  const setup = await page.evaluate((o) => (globalThis as unknown as { engineBench: EngineBench }).engineBench.setup(o as never), { dtype, maxBatch: 8, largeCount: 2, engines, heapProbe: true, ...(process.env.NOSPIN ? { ortExtra: { session: { intra_op: { allow_spinning: '0' } } } } : {}), ...(process.env.WTHREADS ? { webclipThreads: Number(process.env.WTHREADS) } : {}) });
  console.log('setup', JSON.stringify(setup.loads), 'load', loadavg()[0]);
  const t0 = Date.now();
  for (let i = 0; i < calls; i++) {
    const row: string[] = [];
    for (const e of engines) {
      const before = threads(process.pid);
      const t = await page.evaluate(([e, w]) => (globalThis as unknown as { engineBench: EngineBench }).engineBench.time(e as never, w as never, 8, 0), [e, workload] as const);
      row.push(`${e} ${t.total!.toFixed(0)}`);
      const after = threads(process.pid);
      if (process.env.THREADS) console.log(`   ${e}: ${diff(before, after)}`);
      if (process.env.PIN && i === Number(process.env.PIN)) {
        const busy = [...after.values()].map((s) => [s, s.cpu - (before.get(s.tid)?.cpu ?? 0)] as const).filter(([s]) => s.comm.startsWith('DedicatedWor')).sort((a, b) => b[1] - a[1]).slice(0, 2);
        for (const [s] of busy) execFileSync('taskset', ['-pc', '0', String(s.tid)]);
        console.log('pinned to cpu 0:', e, busy.map(([s]) => s.tid));
      }
      await new Promise((r) => setTimeout(r, idle));
    }
    const heap = await page.evaluate(() => (globalThis as unknown as { engineBench: EngineBench }).engineBench.wasmHeap());
    row.push('heap ' + Object.entries(heap).map(([k, v]) => `${k}:${((v as number) / 2 ** 20).toFixed(0)}`).join(','));
    console.log(`#${i} t=${((Date.now() - t0) / 1000).toFixed(0)}s ${row.join('  ')}  load ${loadavg()[0]!.toFixed(1)}`);
  }
} finally { stopBoost(); await close(); }

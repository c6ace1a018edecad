// `npm run bench:index`: images/s of `webclip index` on the full-size ViT-B/32 (random weights)
// at q8 and fp32, on small (640×480) and 12 MP (4000×3000) JPEGs, side by side with
// transformers.js in Node (bench/transformers-index.mjs: CLIPVisionModelWithProjection +
// AutoProcessor as its docs show, on the same files, the same onnxruntime-node and sharp).
// Each run is a process of its own, as a user runs either: `webclip index` is the built command
// (lib/node/webclip.js, built first from this tree), model load included. Contenders alternate
// round by round, so the shared machine's load falls on all; CPU seconds are the processes' own
// (all threads, children included), read from /proc.
// Options: --rounds N (3), --small N (48 photos), --large N (16 photos), --dtypes q8,fp32,
// --contenders webclip,transformers.js[,webclip-4k,transformers.js-hugepages], --no-build.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_MODEL_DIR, requireBenchModel, ROOT, writeReport } from './browser';
import { photoFolder, type PhotoSize } from './index-photos';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    small: { type: 'string', default: '48' },
    large: { type: 'string', default: '16' },
    dtypes: { type: 'string', default: 'q8,fp32' },
    contenders: { type: 'string', default: 'webclip,transformers.js' },
    'no-build': { type: 'boolean', default: false },
  },
});
requireBenchModel('onnx/vision_model_quantized.onnx');
if (!args['no-build'] && spawnSync('node', ['scripts/build-lib.mjs'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) process.exit(1);

const HUGE_PAGES = 'glibc.malloc.hugetlb=1';
/** What each contender runs: a command line for a folder (and its files) at a dtype, and its environment. */
const CONTENDERS: Record<string, { argv: (folder: string, files: string[], dtype: string, out: string) => string[]; env?: Record<string, string> }> = {
  webclip: { argv: (folder, _f, dtype, out) => ['lib/node/webclip.js', 'index', folder, '-m', BENCH_MODEL_DIR, '--dtype', dtype, '-o', out, '--quiet'] },
  // The command without its allocator setting (src/cli/huge-pages.ts): what the rest gives.
  'webclip-4k': { argv: (folder, f, dtype, out) => CONTENDERS['webclip']!.argv(folder, f, dtype, out), env: { WEBCLIP_HUGE_PAGES: '0' } },
  'transformers.js': { argv: (_d, files, dtype) => ['bench/transformers-index.mjs', BENCH_MODEL_DIR, dtype, ...files] },
  // transformers.js with the setting webclip's command makes for itself.
  'transformers.js-hugepages': { argv: (d, files, dtype, out) => CONTENDERS['transformers.js']!.argv(d, files, dtype, out), env: { GLIBC_TUNABLES: HUGE_PAGES } },
};
const contenders = args.contenders!.split(',');
for (const c of contenders) if (!CONTENDERS[c]) throw new Error(`unknown contender ${c}: ${Object.keys(CONTENDERS).join(', ')}`);

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
/** CPU seconds of this process' finished children (/proc/self/stat cutime + cstime). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}

/** One run: wall seconds (start to exit) and CPU seconds. */
async function runOnce(who: string, folder: string, files: string[], dtype: string): Promise<{ seconds: number; cpu: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'webclip-bench-'));
  const { argv, env } = CONTENDERS[who]!;
  try {
    const cpuBefore = childrenCpu();
    const started = performance.now();
    const child = spawn(process.execPath, argv(folder, files, dtype, join(dir, 'p.webclip')), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`${who} exited ${code}: ${stderr}`);
    return { seconds, cpu: childrenCpu() - cpuBefore };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rounds = Number(args.rounds);
const sets: [PhotoSize, number][] = [['small', Number(args.small)], ['12mp', Number(args.large)]];
const dtypes = args.dtypes!.split(',');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const started = new Date();
const loadBefore = load();
const rows: string[] = [];
const list = (v: number[], digits = 2) => v.map((x) => x.toFixed(digits)).join(', ');
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [size, count] of sets) {
  const { folder, files } = await photoFolder(size, count);
  for (const dtype of dtypes) {
    // One untimed run each: the model files and photos into the page cache, for all alike.
    for (const who of contenders) await runOnce(who, folder, files, dtype);
    const rate: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r++) {
      // Each round starts with another contender, so none always meets the same moment of the machine.
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
      for (const who of order) {
        const run = await runOnce(who, folder, files, dtype);
        (rate[who] ??= []).push(count / run.seconds);
        (cpu[who] ??= []).push(run.cpu / count);
        console.log(`${size} ${dtype} round ${r + 1} ${who}: ${(count / run.seconds).toFixed(2)} photos/s (${run.seconds.toFixed(1)} s, ${(run.cpu / count).toFixed(3)} CPU s/photo; load ${load()})`);
      }
    }
    const [first, second] = contenders;
    const ratios = rate[first!]!.map((w, i) => w / rate[second!]![i]!);
    rows.push(
      `| ${size} (${count}) | ${dtype} | ${contenders.map((c) => list(rate[c]!)).join(' | ')} | ${median(ratios).toFixed(2)}× (${list(ratios)}) | ${contenders.map((c) => list(cpu[c]!, 3)).join(' | ')} |`,
    );
  }
}
const [first, second] = contenders;
writeReport(
  'node-index',
  [
    `${contenders.join(' vs ')} in Node, photos/s per round (a process each, model load included), ${rounds} rounds alternated; ${started.toISOString()}, load before ${loadBefore}, after ${load()}`,
    '',
    `| photos | dtype | ${contenders.map((c) => `${c} photos/s`).join(' | ')} | ${first} ÷ ${second} (median; rounds) | ${contenders.map((c) => `${c} CPU s/photo`).join(' | ')} |`,
    `|---|---|${contenders.map(() => '---|').join('')}---|${contenders.map(() => '---|').join('')}`,
    ...rows,
  ].join('\n'),
);

// `npm run bench:index`: images/s of `webclip index` on the full-size ViT-B/32 (random weights)
// at q8 and fp32, on small (640×480) and 12 MP (4000×3000) JPEGs, side by side with
// transformers.js in Node (CLIPVisionModelWithProjection + AutoProcessor, as its docs show, on the
// same files, the same onnxruntime-node and sharp). One process, contenders alternated round by
// round, so the shared machine's load falls on both.
// Options: --rounds N (3), --small N (48 photos), --large N (16 photos), --dtypes q8,fp32.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { AutoProcessor, CLIPVisionModelWithProjection, env, RawImage } from '@huggingface/transformers';
import { runCommand } from '../src/cli/main';
import { BENCH_MODEL_DIR, requireBenchModel, writeReport } from './browser';
import { photoFolder, type PhotoSize } from './index-photos';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    small: { type: 'string', default: '48' },
    large: { type: 'string', default: '16' },
    dtypes: { type: 'string', default: 'q8,fp32' },
  },
});
requireBenchModel('onnx/vision_model_quantized.onnx');
const BATCH = 8; // webclip's image batch (engine.ts); transformers.js gets the same
const quiet = new Writable({ write: (_c, _e, done) => done() });

/** `webclip index FOLDER` into a new file: seconds, start to exit (model load included). */
async function webclipIndex(folder: string, dtype: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'webclip-bench-'));
  try {
    const started = performance.now();
    const code = await runCommand(['index', folder, '--model', BENCH_MODEL_DIR, '--dtype', dtype, '--out', join(dir, 'p.webclip'), '--quiet'], { stdout: quiet, stderr: quiet }, new AbortController().signal);
    if (code !== 0) throw new Error(`webclip index exited ${code}`);
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** transformers.js on the same files: load, then read, process and embed in batches of 8. */
async function transformersIndex(files: string[], dtype: string): Promise<number> {
  env.allowRemoteModels = false;
  env.localModelPath = join(BENCH_MODEL_DIR, '..');
  const started = performance.now();
  const id = 'clip-vit-b-32-random';
  const processor = await AutoProcessor.from_pretrained(id);
  const model = await CLIPVisionModelWithProjection.from_pretrained(id, { dtype: dtype as 'q8', device: 'cpu' });
  try {
    for (let i = 0; i < files.length; i += BATCH) {
      const images = await Promise.all(files.slice(i, i + BATCH).map((f) => RawImage.read(f)));
      const inputs = await processor(images);
      const { image_embeds } = await model(inputs);
      image_embeds.normalize(2, -1);
    }
    return (performance.now() - started) / 1000;
  } finally {
    await model.dispose();
  }
}

const rounds = Number(args.rounds);
const sets: [PhotoSize, number][] = [['small', Number(args.small)], ['12mp', Number(args.large)]];
const dtypes = args.dtypes!.split(',');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const loadBefore = load();
const rows: string[] = [];
for (const [size, count] of sets) {
  const { folder, files } = await photoFolder(size, count);
  for (const dtype of dtypes) {
    const runs: { webclip: number[]; transformers: number[] } = { webclip: [], transformers: [] };
    // CPU seconds (all threads) per photo: the work done, whatever share of the cores we got.
    const cpu: { webclip: number[]; transformers: number[] } = { webclip: [], transformers: [] };
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first, so neither always meets the same moment of the machine.
      const order = r % 2 === 0 ? (['webclip', 'transformers'] as const) : (['transformers', 'webclip'] as const);
      for (const who of order) {
        const before = process.cpuUsage();
        const seconds = who === 'webclip' ? await webclipIndex(folder, dtype) : await transformersIndex(files, dtype);
        const used = process.cpuUsage(before);
        runs[who].push(count / seconds);
        cpu[who].push((used.user + used.system) / 1e6 / count);
        console.log(`${size} ${dtype} round ${r + 1} ${who}: ${(count / seconds).toFixed(2)} photos/s (${seconds.toFixed(1)} s, ${cpu[who].at(-1)!.toFixed(3)} CPU s/photo; load ${load()})`);
      }
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    const ratios = runs.webclip.map((w, i) => w / runs.transformers[i]!);
    const list = (v: number[]) => v.map((x) => x.toFixed(2)).join(', ');
    const cpuList = (v: number[]) => v.map((x) => x.toFixed(3)).join(', ');
    rows.push(`| ${size} (${count}) | ${dtype} | ${list(runs.webclip)} | ${list(runs.transformers)} | ${median(ratios).toFixed(2)}× (${list(ratios)}) | ${cpuList(cpu.webclip)} | ${cpuList(cpu.transformers)} |`);
  }
}
writeReport(
  'node-index',
  [
    `webclip index vs transformers.js in Node, photos/s per round (model load included), ${rounds} rounds alternated; load before ${loadBefore}, after ${load()}`,
    '',
    '| photos | dtype | webclip index | transformers.js | webclip / transformers.js (median; per round) | webclip CPU s/photo | transformers.js CPU s/photo |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);

// The GPU check: webclip's backend layer (ModelSessions: dtype choice, session building, the
// WebGPU-vs-WASM probe, fallback) run in Node on Dawn's WebGPU and on ORT's WASM, fed with
// prepared tensors, measured against PyTorch. Writes one JSON report; exits 1 when a bar fails.
// Built into one bundle by pack.ts; `npm run gpu:check` explains the two ways to run it.
import { writeFileSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Device, Dtype } from '../../src/shared/clip';
import { isClipError } from '../../src/shared/errors';
import { probeReferenceDtypes } from '../../src/core/model/dtype-choice';
import { DTYPES } from '../../src/core/model/model-files';
import { preprocessImage, parsePreprocessorConfig } from '../../src/core/image/preprocess';
import { trimToLongest } from '../../src/core/text/text-rows';
import { ClipTokenizer } from '../../src/core/text/tokenizer';
import { ModelSessions, type SessionsOptions } from '../../src/runtime/backend/model-sessions';
import { deviceInputs, fixtureInputs, type CheckInputs, type ReferenceKind } from './check-inputs';
import { installDawn } from './dawn-gpu';
import { folderModel } from './folder-model';
import { NODE_WASM_BASE, prepareOrtForNode } from '../../src/node/backend/ort-web-node';
import { agreement, cycleRows, nonFinite, throughput } from './measure';
import { bar, summary, type Bar, type GpuCheckReport, type RunReport, type TowerReport } from './report';
import { measureSpeedOptions } from './speed-options';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'local' },
    model: { type: 'string' },
    inputs: { type: 'string' },
    torch: { type: 'string' },
    out: { type: 'string' },
    'webgpu-dtypes': { type: 'string', default: 'fp32,fp16,q4f16,q4,q8' },
    'wasm-dtypes': { type: 'string', default: 'fp32,q8,q4' },
    batches: { type: 'string', default: '1,8,32' },
    'wasm-batches': { type: 'string', default: '1,8,32' },
    seconds: { type: 'string', default: '1.5' },
    'min-calls': { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
    'speed-options': { type: 'boolean', default: false },
    /** Past this many seconds, optional measurements are skipped (a device call has a hard limit). */
    budget: { type: 'string', default: '600' },
  },
});

const MIN_COSINE = 0.999;
const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;
const overBudget = () => elapsedS() > Number(args.budget);
const steps: GpuCheckReport['steps'] = [];
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await work();
  } finally {
    steps.push({ step: name, ms: Math.round(performance.now() - t) });
    console.log(`[gpu-check ${elapsedS().toFixed(1)} s] ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // What is known so far, in case a later step hangs past the device call's limit.
    if (args.out) writeFileSync(args.out, JSON.stringify({ ...report, partial: true }, null, 1));
  }
}
const list = <T extends string>(value: string | undefined): T[] => (value ? (value.split(',').filter(Boolean) as T[]) : []);

/** The reference that says what a file computes: its own arithmetic, simulated in PyTorch. */
const referenceOf = (dtype: Dtype): ReferenceKind => (dtype === 'q8' ? 'int8_sim' : dtype === 'q4' || dtype === 'q4f16' ? 'q4_sim' : 'fp32');

const gpu = installDawn();
const modelDir = args.model!;
const files = folderModel(modelDir);
const config = files.json('config.json');
const tokenizer = ClipTokenizer.fromJSON(files.json('tokenizer.json'), files.json('tokenizer_config.json'));
const inputs: CheckInputs = args.mode === 'device' ? deviceInputs(args.inputs!, args.torch!) : fixtureInputs(modelDir, args.inputs!);
const photoCount = inputs.photos.length;
const pixelSize = 3 * inputs.imageSize * inputs.imageSize;
const threads = Number(args.threads);
const minCalls = Number(args['min-calls']);
await prepareOrtForNode();
const ort = await import('onnxruntime-web/webgpu');

const report: GpuCheckReport = {
  mode: args.mode === 'device' ? 'device' : 'local',
  startedAt: new Date().toISOString(),
  environment: {
    node: process.version,
    ort: ort.env.versions.web ?? '',
    cpu: { model: cpus()[0]?.model ?? '', count: cpus().length },
    adapter: await gpu.describe(),
  },
  model: {
    folder: modelDir,
    files: Object.fromEntries(readdirSync(join(modelDir, 'onnx')).map((f) => [`onnx/${f}`, statSync(join(modelDir, 'onnx', f)).size])),
  },
  tokenizer: { captions: inputs.captions.length, mismatches: [] },
  runs: [],
  refused: [],
  crossBackend: [],
  faults: {},
  preprocessing: [],
  torchCuda: inputs.torchCuda,
  steps,
  bars: [],
  ok: false,
};
const bars: Bar[] = report.bars;

// The engine's text path: webclip's tokenizer, rows padded to the batch's longest text.
const textRows = (batch: readonly string[]) => {
  const { ids, lengths } = tokenizer.encodeBatchWithInfo(batch);
  return trimToLongest(ids, lengths, tokenizer.contextLength);
};
const texts = inputs.captions.map((c) => c.text);
for (const [i, c] of inputs.captions.entries()) {
  const ours = textRows([c.text]).ids;
  if (ours.join() !== c.ids.join()) report.tokenizer.mismatches.push(`#${i} ${JSON.stringify(c.text)}`);
}
bars.push(bar('tokenizer ids equal the reference (captions matching)', inputs.captions.length - report.tokenizer.mismatches.length, inputs.captions.length));

const sessionOptions = (device: 'auto' | Device, dtype: 'auto' | Dtype, phases: RunReport['phases'], t0: number): SessionsOptions => ({
  files,
  modelId: `gpu-check:${modelDir}`,
  config,
  device,
  dtype,
  numThreads: threads,
  wasmBaseUrl: NODE_WASM_BASE,
  onStatus: ({ phase, message }) => phases.push({ phase, message, atMs: Math.round(performance.now() - t0) }),
});

async function start(device: 'auto' | Device, dtype: 'auto' | Dtype, extra: Partial<SessionsOptions> = {}) {
  const phases: RunReport['phases'] = [];
  const t0 = performance.now();
  const sessions = await ModelSessions.create({ ...sessionOptions(device, dtype, phases, t0), ...extra });
  return { sessions, phases, startMs: Math.round(performance.now() - t0) };
}

async function measureTower(
  sessions: ModelSessions,
  tower: 'vision' | 'text',
  dtype: Dtype,
  batches: number[],
  seconds: number,
): Promise<{ report: TowerReport; rows: Float32Array }> {
  const reference = referenceOf(dtype);
  const refs = inputs.references[reference][tower === 'vision' ? 'images' : 'texts'];
  const fp32 = inputs.references.fp32[tower === 'vision' ? 'images' : 'texts'];
  const runOne = (i: number) =>
    tower === 'vision'
      ? sessions.runVision(inputs.pixels.slice(i * pixelSize, (i + 1) * pixelSize), [1, 3, inputs.imageSize, inputs.imageSize])
      : (() => {
          const r = textRows([texts[i]!]);
          return sessions.runText(r.ids, r.dims);
        })();
  let rows: Float32Array;
  if (dtype === 'q8') {
    // int8 quantizes activations per tensor, so a batch changes the result: one input at a time, as the reference.
    const parts: Float32Array[] = [];
    for (let i = 0; i < refs.length; i++) parts.push(await runOne(i));
    rows = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (rows.set(p, at), at + p.length), 0);
  } else if (tower === 'vision') {
    rows = await sessions.runVision(inputs.pixels, [photoCount, 3, inputs.imageSize, inputs.imageSize]);
  } else {
    const r = textRows(texts);
    rows = await sessions.runText(r.ids, r.dims);
  }
  const measured = [];
  for (const b of batches) {
    if (overBudget()) break;
    if (tower === 'vision') {
      const batch = cycleRows(inputs.pixels, pixelSize, b);
      measured.push(await throughput(b, () => sessions.runVision(batch, [b, 3, inputs.imageSize, inputs.imageSize]), seconds, minCalls));
    } else {
      const r = textRows(Array.from({ length: b }, (_, i) => texts[i % texts.length]!));
      measured.push(await throughput(b, () => sessions.runText(r.ids, r.dims), seconds, minCalls));
    }
  }
  return {
    rows,
    report: { reference, vsReference: agreement(rows, refs), vsFp32: agreement(rows, fp32), nonFinite: nonFinite(rows), throughput: measured },
  };
}

const embeddings = new Map<string, { vision: Float32Array; text: Float32Array }>();

/** One WebGPU model kept open to the end: ORT keeps a device's compiled shaders while a session lives. */
let keptOpen: ModelSessions | undefined;

async function measureRun(device: Device, dtype: Dtype, batches: number[], seconds: number): Promise<void> {
  let started: Awaited<ReturnType<typeof start>>;
  try {
    started = await start(device, dtype);
  } catch (error) {
    if (isClipError(error, 'UNSUPPORTED') || isClipError(error, 'MODEL_NOT_FOUND') || isClipError(error, 'BACKEND_UNAVAILABLE')) {
      report.refused.push({ device, dtype, code: error.code, message: error.message });
      return;
    }
    throw error;
  }
  const { sessions, phases, startMs } = started;
  try {
    const info = sessions.info;
    if (info.device !== device || info.dtype !== dtype) {
      report.refused.push({ device, dtype, code: 'FELL_BACK', message: `ran as ${info.device} ${info.dtype}: ${info.fallbackReason ?? ''}` });
      bars.push(bar(`${device} ${dtype} starts where asked`, 0, 1));
      return;
    }
    const vision = await measureTower(sessions, 'vision', dtype, batches, seconds);
    const text = await measureTower(sessions, 'text', dtype, batches, seconds);
    embeddings.set(`${device}:${dtype}`, { vision: vision.rows, text: text.rows });
    report.runs.push({
      device,
      dtype,
      threads: info.threads,
      startMs,
      phases,
      ...(info.probe ? { probe: info.probe } : {}),
      vision: vision.report,
      text: text.report,
    });
    for (const [tower, r] of [['image', vision.report], ['text', text.report]] as const) {
      bars.push(bar(`${device} ${dtype} ${tower} cosine to PyTorch ${r.reference} (min)`, r.vsReference.min, MIN_COSINE));
      bars.push(bar(`${device} ${dtype} ${tower} finite values (NaN/Inf count, negated)`, -r.nonFinite, 0));
    }
    if (dtype === 'fp16') bars.push(bar(`${device} fp16 image cosine to PyTorch fp32 (min)`, vision.report.vsFp32.min, MIN_COSINE));
  } finally {
    if (device === 'webgpu' && !keptOpen && report.runs.some((r) => r.device === device && r.dtype === dtype)) keptOpen = sessions;
    else await sessions.dispose();
  }
}

await step('auto choice', async () => {
  try {
    const { sessions, phases, startMs } = await start('auto', 'auto');
    const { device, dtype, fallbackReason, probe, adapter } = sessions.info;
    report.auto = { device, dtype, startMs, phases, ...(fallbackReason ? { fallbackReason } : {}), ...(probe ? { probe } : {}) };
    await sessions.dispose();
    // A software adapter (SwiftShader) must never be auto's choice; a hardware one should be.
    const software = !adapter || /swiftshader|llvmpipe|lavapipe/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`);
    bars.push(bar(`auto picks ${software ? 'WASM on a software adapter' : 'WebGPU on a hardware adapter'}`, Number(device === (software ? 'wasm' : 'webgpu')), 1));
  } catch (error) {
    report.auto = { error: String(error) };
    bars.push(bar('auto starts', 0, 1));
  }
});

const webgpuDtypes = list<Dtype>(args['webgpu-dtypes']);
const wasmDtypes = list<Dtype>(args['wasm-dtypes']);
const seconds = Number(args.seconds);
for (const dtype of webgpuDtypes) {
  if (!DTYPES.includes(dtype)) throw new Error(`unknown dtype ${dtype}`);
  await step(`webgpu ${dtype}`, () => measureRun('webgpu', dtype, list<string>(args.batches).map(Number), seconds));
}
for (const dtype of wasmDtypes) {
  if (overBudget()) {
    report.refused.push({ device: 'wasm', dtype, code: 'SKIPPED', message: `over the time budget (${args.budget} s)` });
    continue;
  }
  await step(`wasm ${dtype}`, () => measureRun('wasm', dtype, list<string>(args['wasm-batches']).map(Number), seconds));
}

// WebGPU against WASM on the same file (or the nearest WASM can run: core/dtype-choice.ts).
for (const dtype of webgpuDtypes) {
  const gpuRows = embeddings.get(`webgpu:${dtype}`);
  const against = probeReferenceDtypes(dtype).find((d) => embeddings.has(`wasm:${d}`));
  if (!gpuRows || !against) continue;
  const cpuRows = embeddings.get(`wasm:${against}`)!;
  const split = (rows: Float32Array, n: number) => Array.from({ length: n }, (_, i) => rows.subarray((i * rows.length) / n, ((i + 1) * rows.length) / n));
  const vision = agreement(gpuRows.vision, split(cpuRows.vision, photoCount));
  const text = agreement(gpuRows.text, split(cpuRows.text, texts.length));
  report.crossBackend.push({ dtype, against, vision, text });
  bars.push(bar(`webgpu ${dtype} vs wasm ${against} image cosine (min)`, vision.min, MIN_COSINE));
  bars.push(bar(`webgpu ${dtype} vs wasm ${against} text cosine (min)`, text.min, MIN_COSINE));
}

const gpuDtype = report.runs.find((r) => r.device === 'webgpu')?.dtype;
if (gpuDtype) bars.push(bar('WebGPU results compared with WASM (pairs)', report.crossBackend.length, 1));
if (gpuDtype) {
  await step('fault: probe catches wrong results', async () => {
    const { sessions, phases } = await start('webgpu', gpuDtype, { hooks: { corruptWebGpuOutput: true } });
    const { device, fallbackReason } = sessions.info;
    report.faults.corruptedProbe = { device, fallbackReason, phases };
    await sessions.dispose();
    bars.push(bar('a WebGPU backend giving wrong results falls back to WASM', Number(device === 'wasm' && /disagree/.test(fallbackReason ?? '')), 1));
  });
  await step('fault: lost device', async () => {
    const { sessions } = await start('webgpu', gpuDtype);
    await sessions.loseDeviceForTest();
    const rows = await sessions.runVision(inputs.pixels, [photoCount, 3, inputs.imageSize, inputs.imageSize]);
    const { device, fallbackReason } = sessions.info;
    const vsFp32 = agreement(rows, inputs.references.fp32.images);
    report.faults.lostDevice = { device, fallbackReason, imageCosineToFp32: vsFp32 };
    await sessions.dispose();
    bars.push(bar('a lost device falls back to WASM and answers', Number(device === 'wasm'), 1));
  });
}

await step('preprocessing speed', async () => {
  // webclip's own preprocessing (core), one thread: is it what limits images/s at GPU speed?
  const preprocessor = parsePreprocessorConfig(files.json('preprocessor_config.json'));
  for (const [width, height] of [[640, 480], [4000, 3000]] as const) {
    const data = new Uint8ClampedArray(width * height * 4).map((_, i) => (i * 2654435761) >>> 24);
    let n = 0;
    const t = performance.now();
    while (n < 2 || performance.now() - t < 1000) {
      preprocessImage({ data, width, height }, preprocessor);
      n++;
    }
    report.preprocessing.push({ width, height, imagesPerSecond: (n * 1000) / (performance.now() - t) });
  }
});

if (args['speed-options'] && gpuDtype && !overBudget()) {
  report.speedOptions = await step('speed options', () =>
    measureSpeedOptions({ ort, files, inputs, textRows: textRows(texts), dtypes: webgpuDtypes, seconds, overBudget }),
  );
}

await keptOpen?.dispose();
report.ok = bars.every((b) => b.ok);
if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 1));
console.log(summary(report));
process.exit(report.ok ? 0 : 1);

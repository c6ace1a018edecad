// ModelSessions (src/runtime/backend/model-sessions.ts) in Chromium: backend and dtype choice, WebGPU
// through SwiftShader against WASM and the PyTorch references, the probe, remembered verdicts,
// a lost device mid-batch, and graphs that need other feeds. Drives tests/e2e/sessions-harness.ts.
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { cosine, reference, type Variant } from './reference';
import type { HarnessCreate, HarnessError } from './sessions-harness';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const baseArgs = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** All headless Chromium 156 needs for a WebGPU adapter without a GPU: SwiftShader. */
const webgpuArgs = ['--enable-unsafe-webgpu'];

const pixelFiles = reference.images.flatMap((i) => ((i as { pixel_values_file?: string }).pixel_values_file ? [i] : []));
const pixelFileOf = (i: (typeof reference.images)[number]): string => (i as unknown as { pixel_values_file: string }).pixel_values_file;
const CONTEXT = 77;

type Created = { id: number; info: Info; statuses: { phase: string; message: string }[]; ms: number };
type Info = {
  device: string;
  dtype: string;
  adapter: Record<string, unknown> | null;
  threads: number;
  fallbackReason?: string;
  probe?: { source: string; vision: number; text: number; reference: string };
};

async function openHarness(page: Page): Promise<void> {
  await page.goto('/tests/e2e/sessions-harness.html');
  await page.waitForFunction(() => window.sessionsHarnessReady === true);
}

async function create(page: Page, options: HarnessCreate): Promise<Created> {
  const result = await page.evaluate((o) => window.sessionsHarness.create(o), options);
  if ('error' in result) throw new Error(`create ${JSON.stringify(options)} failed: ${JSON.stringify(result.error)}`);
  return result as Created;
}

async function createError(page: Page, options: HarnessCreate): Promise<HarnessError['error']> {
  const result = await page.evaluate((o) => window.sessionsHarness.create(o), options);
  if (!('error' in result)) throw new Error(`create ${JSON.stringify(options)} succeeded on ${result.info.device}`);
  return result.error;
}

function rowsOf(result: number[][] | HarnessError): number[][] {
  if (!Array.isArray(result)) throw new Error(`run failed: ${JSON.stringify(result.error)}`);
  return result;
}

/** Every text of the references as one batch, padded to the batch's longest (≤ 77). */
const textBatch = (() => {
  const length = Math.min(CONTEXT, Math.max(...reference.texts.map((t) => t.num_tokens)));
  return { ids: reference.texts.map((t) => t.input_ids), length };
})();
/** The short texts alone: padded to 9, not 77. */
const shortBatch = (() => {
  const texts = reference.texts.filter((t) => t.num_tokens <= 9);
  return { texts, ids: texts.map((t) => t.input_ids), length: Math.max(...texts.map((t) => t.num_tokens)) };
})();

const runTexts = async (page: Page, id: number, ids: number[][], length: number): Promise<number[][]> =>
  rowsOf(await page.evaluate(([i, d, l]) => window.sessionsHarness.runText(i, d, l), [id, ids, length] as const));
const runImages = async (page: Page, id: number): Promise<number[][]> =>
  rowsOf(await page.evaluate(([i, f]) => window.sessionsHarness.runVision(i, f), [id, pixelFiles.map(pixelFileOf)] as const));

/** Both towers of a session against the references of one variant. */
async function expectReferences(page: Page, id: number, variant: Variant, min: number): Promise<void> {
  const texts = await runTexts(page, id, textBatch.ids, textBatch.length);
  texts.forEach((v, i) => {
    expect(cosine(v, reference.texts[i]!.text_embeds[variant]), `text ${i} (${variant})`).toBeGreaterThanOrEqual(min);
  });
  const short = await runTexts(page, id, shortBatch.ids, shortBatch.length);
  short.forEach((v, i) => {
    expect(cosine(v, shortBatch.texts[i]!.text_embeds[variant]), `short text ${i} (${variant})`).toBeGreaterThanOrEqual(min);
  });
  const images = await runImages(page, id);
  images.forEach((v, i) => {
    expect(cosine(v, pixelFiles[i]!.image_embeds[variant]), `image ${pixelFileOf(pixelFiles[i]!)}`).toBeGreaterThanOrEqual(min);
  });
}

// Playwright launches one browser per worker: this file's is the WebGPU one; the group without
// an adapter launches its own browser without the flag.
test.use({ launchOptions: { executablePath, args: [...baseArgs, ...webgpuArgs] } });

test.describe('with a SwiftShader WebGPU adapter', () => {
  // One page for the whole group: its GPU device (and the shaders ORT compiled on it, which is
  // most of a start on SwiftShader) is reused by every start while a session lives.
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let page: Page;
  let webgpuQ4: Created;
  const requests: string[] = [];
  /** File names of ORT's bundles and runtime files the page fetched. */
  const ortRequests = (): string[] =>
    requests.filter((u) => /\/(ort|onnxruntime-web)\b|ort-wasm/.test(u)).map((u) => u.split('/').pop()!.split('?')[0]!);

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.text().startsWith('[sessions]')) console.log(m.text());
    });
    page.on('request', (r) => requests.push(r.url()));
    await openHarness(page);
    await page.evaluate(() => window.sessionsHarness.clearVerdicts());
  });
  test.afterAll(async () => {
    await page.close();
  });

  test('the adapter is SwiftShader: auto picks WASM and says why', async () => {
    const adapter = await page.evaluate(() => window.sessionsHarness.adapter());
    expect(adapter).toMatchObject({ found: true, info: { architecture: 'swiftshader' } });
    const auto = await create(page, { device: 'auto', dtype: 'auto' });
    expect(auto.info).toMatchObject({ device: 'wasm', dtype: 'q8', adapter: { architecture: 'swiftshader', isFallbackAdapter: true } });
    expect(auto.info.fallbackReason).toMatch(/software.*slower than WASM/);
    await expectReferences(page, auto.id, 'int8_sim', 0.999);
    // The plain WASM build, from our own /ort/ folder; the WebGPU bundle is not even loaded.
    expect(ortRequests()).toContain('ort-wasm-simd-threaded.wasm');
    expect(ortRequests().filter((f) => /webgpu|asyncify|jsep/.test(f))).toEqual([]);
    await page.evaluate((id) => window.sessionsHarness.dispose(id), auto.id);
  });

  test("webgpu with q8 is UNSUPPORTED: int8 has no WebGPU kernel", async () => {
    const error = await createError(page, { device: 'webgpu', dtype: 'q8' });
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toMatch(/MatMulInteger/);
  });

  test('webgpu q4 agrees with WASM q4 and matches the q4 references; the probe compared them', async () => {
    webgpuQ4 = await create(page, { device: 'webgpu', dtype: 'q4' });
    // ORT 1.30's WebGPU bundle runs on the asyncify build (its native WebGPU EP), not jsep.
    expect(ortRequests()).toEqual(
      expect.arrayContaining(['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']),
    );
    expect(ortRequests().filter((f) => f.includes('jsep'))).toEqual([]);
    expect(requests.filter((u) => new URL(u).origin !== new URL(page.url()).origin)).toEqual([]);
    expect(webgpuQ4.info).toMatchObject({ device: 'webgpu', dtype: 'q4', probe: { source: 'compared', reference: 'q4' } });
    expect(webgpuQ4.info.fallbackReason).toBeUndefined();
    expect(webgpuQ4.info.probe!.vision).toBeGreaterThanOrEqual(0.999);
    expect(webgpuQ4.statuses.map((s) => s.phase)).toEqual(['backend', 'session', 'probe', 'probe']);
    const wasm = await create(page, { device: 'wasm', dtype: 'q4' });
    expect(wasm.info).toMatchObject({ device: 'wasm', dtype: 'q4' });
    for (const [gpuRows, wasmRows] of [
      [await runTexts(page, webgpuQ4.id, textBatch.ids, textBatch.length), await runTexts(page, wasm.id, textBatch.ids, textBatch.length)],
      [await runImages(page, webgpuQ4.id), await runImages(page, wasm.id)],
    ] as const) {
      gpuRows.forEach((v, i) => expect(cosine(v, wasmRows[i]!), `row ${i}`).toBeGreaterThanOrEqual(0.999));
    }
    await expectReferences(page, webgpuQ4.id, 'q4_sim', 0.999);
    await expectReferences(page, wasm.id, 'q4_sim', 0.999);
    await page.evaluate((id) => window.sessionsHarness.dispose(id), wasm.id);
  });

  test('the verdict is remembered: a second start (auto dtype → q4) skips the WASM comparison', async () => {
    const again = await create(page, { device: 'webgpu', dtype: 'auto' });
    expect(again.info).toMatchObject({ device: 'webgpu', dtype: 'q4', probe: { source: 'remembered' } });
    expect(again.statuses.some((s) => /verified on an earlier start/.test(s.message))).toBe(true);
    expect(again.statuses.some((s) => /checking WebGPU against WASM/.test(s.message))).toBe(false);
    await expectReferences(page, again.id, 'q4_sim', 0.999);
    await page.evaluate((id) => window.sessionsHarness.dispose(id), again.id);
  });

  test('the corrupting hook is caught by the probe, even with an ok verdict stored: WASM', async () => {
    const hooked = await create(page, { device: 'webgpu', dtype: 'q4', hooks: { corruptWebGpuOutput: true } });
    expect(hooked.info).toMatchObject({ device: 'wasm', dtype: 'q4' });
    expect(hooked.info.fallbackReason).toMatch(/disagree with WASM/);
    expect(hooked.statuses.some((s) => s.phase === 'fallback')).toBe(true);
    await expectReferences(page, hooked.id, 'q4_sim', 0.999);
    await page.evaluate((id) => window.sessionsHarness.dispose(id), hooked.id);
    // The hooked start neither trusted nor overwrote the stored verdict.
    const plain = await create(page, { device: 'webgpu', dtype: 'q4' });
    expect(plain.info).toMatchObject({ device: 'webgpu', probe: { source: 'remembered' } });
    await page.evaluate((id) => window.sessionsHarness.dispose(id), plain.id);
  });

  test('fp32 on WebGPU and on WASM matches the fp32 references', async () => {
    const gpu = await create(page, { device: 'webgpu', dtype: 'fp32' });
    expect(gpu.info).toMatchObject({ device: 'webgpu', dtype: 'fp32', probe: { source: 'compared', reference: 'fp32' } });
    const wasm = await create(page, { device: 'wasm', dtype: 'fp32' });
    await expectReferences(page, gpu.id, 'fp32', 0.9999);
    await expectReferences(page, wasm.id, 'fp32', 0.9999);
    for (const id of [gpu.id, wasm.id]) await page.evaluate((i) => window.sessionsHarness.dispose(i), id);
  });

  test('a device lost mid-batch: every run still answers, right, and later runs are on WASM', async () => {
    const files = pixelFiles.map(pixelFileOf);
    const { deviceAtLoss, results, info } = await page.evaluate(
      ([id, f, ids, length]) => window.sessionsHarness.runThroughLoss(id, f, ids, length, 9),
      [webgpuQ4.id, files, shortBatch.ids, shortBatch.length] as const,
    );
    expect(deviceAtLoss).toBe('webgpu');
    expect(info).toMatchObject({ device: 'wasm', dtype: 'q4' });
    expect(info.fallbackReason).toMatch(/WebGPU device was lost/);
    expect(results).toHaveLength(9);
    for (const [i, r] of results.entries()) {
      const got = rowsOf(r.rows);
      const want = r.kind === 'vision' ? pixelFiles.map((p) => p.image_embeds.q4_sim) : shortBatch.texts.map((t) => t.text_embeds.q4_sim);
      got.forEach((v, j) => expect(cosine(v, want[j]!), `run ${i} (${r.kind} on ${r.device}) row ${j}`).toBeGreaterThanOrEqual(0.999));
    }
    expect(results.some((r) => r.device === 'wasm')).toBe(true);
    await expectReferences(page, webgpuQ4.id, 'q4_sim', 0.999);
    await page.evaluate((id) => window.sessionsHarness.dispose(id), webgpuQ4.id);
  });
});

test.describe('without a WebGPU adapter', () => {
  // One page for the group too: its ORT instance starts once (most of a WASM start); each test
  // starts sessions of its own in it. A failed test restarts the worker, and the page with it.
  let browser: Browser;
  let page: Page;
  test.beforeAll(async ({}, workerInfo) => {
    browser = await chromium.launch({ executablePath, args: baseArgs });
    const { baseURL } = workerInfo.project.use;
    page = await (await browser.newContext(baseURL ? { baseURL } : {})).newPage();
    await openHarness(page);
  });
  test.afterAll(async () => {
    await browser.close();
  });

  test('auto picks WASM q8 with threads and says why', async () => {
    expect(await page.evaluate(() => window.sessionsHarness.adapter())).toEqual({ found: false });
    const auto = await create(page, { device: 'auto', dtype: 'auto' });
    expect(auto.info).toMatchObject({ device: 'wasm', dtype: 'q8', adapter: null, threads: 2 });
    expect(auto.info.fallbackReason).toMatch(/no WebGPU adapter/);
    await expectReferences(page, auto.id, 'int8_sim', 0.999);
  });

  test('an aborted start rejects with ABORTED, before or during the build', async () => {
    expect(await createError(page, { device: 'wasm', dtype: 'auto', abortAfterMs: 0 })).toMatchObject({ code: 'ABORTED' });
    expect(await createError(page, { device: 'auto', dtype: 'fp32', abortAfterMs: 5 })).toMatchObject({ code: 'ABORTED' });
    const after = await create(page, { device: 'wasm', dtype: 'q8' });
    await expectReferences(page, after.id, 'int8_sim', 0.999);
  });

  test('forcing webgpu gives BACKEND_UNAVAILABLE', async () => {
    const error = await createError(page, { device: 'webgpu', dtype: 'auto' });
    expect(error).toMatchObject({ name: 'ClipError', code: 'BACKEND_UNAVAILABLE' });
  });

  test('wasm without a fallbackReason, and falling to the next dtype whose files exist', async () => {
    const plain = await create(page, { device: 'wasm', dtype: 'auto', hide: ['onnx/text_model_quantized.onnx'] });
    expect(plain.info).toMatchObject({ device: 'wasm', dtype: 'q4' });
    expect(plain.info.fallbackReason).toBeUndefined();
    await expectReferences(page, plain.id, 'q4_sim', 0.999);
  });

  test('an explicit dtype whose file is missing is MODEL_NOT_FOUND, not a substitute', async () => {
    // The fixture ships every dtype, so one file is hidden; q4 and fp32 exist but must not stand in.
    const error = await createError(page, { device: 'wasm', dtype: 'fp16', hide: ['onnx/vision_model_fp16.onnx'] });
    expect(error).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(error.message).toContain('vision_model_fp16.onnx');
  });

  test('a graph without pixel_values is MODEL_INCOMPATIBLE, naming what it has', async () => {
    const renamed = onnxModel({
      inputs: [{ name: 'image', type: FLOAT, dims: ['n', 3, 224, 224] }],
      outputs: [{ name: 'image_embeds', type: FLOAT, dims: ['n', 3] }],
      nodes: [{ op: 'ReduceMean', inputs: ['image'], outputs: ['image_embeds'], ints: { axes: [2, 3] }, intAttrs: { keepdims: 0 } }],
    });
    const error = await createError(page, { device: 'wasm', dtype: 'fp32', overrides: { 'onnx/vision_model.onnx': renamed } });
    expect(error.code).toBe('MODEL_INCOMPATIBLE');
    expect(error.message).toContain("no input 'pixel_values'");
    expect(error.message).toContain('inputs [image]');
  });

  test('other output names and an attention_mask input are fed as the graph asks', async () => {
    // Vision: per-channel means under another output name. Text: the mask's row sums, which
    // show where the mask ends (1 up to and including the first eos).
    const vision = onnxModel({
      inputs: [{ name: 'pixel_values', type: FLOAT, dims: ['n', 3, 224, 224] }],
      outputs: [{ name: 'pooled', type: FLOAT, dims: ['n', 3] }],
      nodes: [{ op: 'ReduceMean', inputs: ['pixel_values'], outputs: ['pooled'], ints: { axes: [2, 3] }, intAttrs: { keepdims: 0 } }],
    });
    const text = onnxModel({
      inputs: [
        { name: 'input_ids', type: INT64, dims: ['n', 'L'] },
        { name: 'attention_mask', type: INT64, dims: ['n', 'L'] },
      ],
      outputs: [{ name: 'text_embeds', type: FLOAT, dims: ['n', 1] }],
      nodes: [
        { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_f'], intAttrs: { to: FLOAT } },
        { op: 'ReduceSum', inputs: ['mask_f'], outputs: ['mask_sum'], ints: { axes: [1] }, intAttrs: { keepdims: 1 } },
        // input_ids joins the graph so ORT keeps it as an input: 0 × its first column.
        { op: 'Cast', inputs: ['input_ids'], outputs: ['ids_f'], intAttrs: { to: FLOAT } },
        { op: 'ReduceMin', inputs: ['ids_f'], outputs: ['ids_min'], ints: { axes: [1] }, intAttrs: { keepdims: 1 } },
        { op: 'Mul', inputs: ['ids_min', 'zero'], outputs: ['ids_zero'] },
        { op: 'Add', inputs: ['mask_sum', 'ids_zero'], outputs: ['text_embeds'] },
      ],
      floatInits: { zero: 0 },
    });
    const sessions = await create(page, {
      device: 'wasm',
      dtype: 'fp32',
      overrides: { 'onnx/vision_model.onnx': vision, 'onnx/text_model.onnx': text },
    });
    const texts = await runTexts(page, sessions.id, shortBatch.ids, shortBatch.length);
    expect(texts.map((r) => r[0])).toEqual(shortBatch.texts.map((t) => Math.min(t.num_tokens, shortBatch.length)));
    const images = await runImages(page, sessions.id);
    expect(images.every((r) => r.length === 3)).toBe(true);
  });
});

// ---- a minimal ONNX writer: just enough protobuf for the graphs above ------------------------
const FLOAT = 1;
const INT64 = 7;
interface ValueSpec {
  name: string;
  type: number;
  dims: (number | string)[];
}
interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  ints?: Record<string, number[]>;
  intAttrs?: Record<string, number>;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
const key = (field: number, wire: number): number[] => varint(field * 8 + wire);
const bytesField = (field: number, bytes: number[]): number[] => [...key(field, 2), ...varint(bytes.length), ...bytes];
const stringField = (field: number, text: string): number[] => bytesField(field, [...Buffer.from(text, 'utf8')]);
const intField = (field: number, value: number): number[] => [...key(field, 0), ...varint(value)];

function valueInfo({ name, type, dims }: ValueSpec): number[] {
  const dimensions = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = [...intField(1, type), ...bytesField(2, dimensions)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

function node({ op, inputs, outputs, ints = {}, intAttrs = {} }: NodeSpec): number[] {
  const attrs = [
    ...Object.entries(ints).map(([name, values]) => [...stringField(1, name), ...intField(20, 7), ...values.flatMap((v) => intField(8, v))]),
    ...Object.entries(intAttrs).map(([name, value]) => [...stringField(1, name), ...intField(20, 2), ...intField(3, value)]),
  ];
  return [
    ...inputs.flatMap((i) => stringField(1, i)),
    ...outputs.flatMap((o) => stringField(2, o)),
    ...stringField(4, op),
    ...attrs.flatMap((a) => bytesField(5, a)),
  ];
}

/** A scalar float initializer (TensorProto: dims none, data_type FLOAT, float_data). */
function floatInit(name: string, value: number): number[] {
  const raw = [...Buffer.from(new Float32Array([value]).buffer)];
  return [...intField(2, FLOAT), ...stringField(8, name), ...bytesField(9, raw)];
}

function onnxModel(graph: { inputs: ValueSpec[]; outputs: ValueSpec[]; nodes: NodeSpec[]; floatInits?: Record<string, number> }): number[] {
  const body = [
    ...graph.nodes.flatMap((n) => bytesField(1, node(n))),
    ...stringField(2, 'webclip-test'),
    ...Object.entries(graph.floatInits ?? {}).flatMap(([name, value]) => bytesField(5, floatInit(name, value))),
    ...graph.inputs.flatMap((v) => bytesField(11, valueInfo(v))),
    ...graph.outputs.flatMap((v) => bytesField(12, valueInfo(v))),
  ];
  // ir_version 7, opset 11 (ReduceMean/ReduceSum still take axes as an attribute there).
  return [...intField(1, 7), ...bytesField(7, body), ...bytesField(8, intField(2, 11))];
}

// Runs every committed test model (tests/fixtures/tiny-clip/onnx/*.onnx) with onnxruntime-web's WASM
// backend in Node and checks it against the PyTorch reference outputs in reference.json, written by
// scripts/fixtures/export_clip.py, and that the text models take any sequence length (padding a batch
// to its longest row, not to 77, changes nothing). Prints the figures recorded in tests/fixtures/README.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const MODEL_DIR = fileURLToPath(new URL('../fixtures/tiny-clip/', import.meta.url));
const INPUT_DIR = fileURLToPath(new URL('../fixtures/tiny-clip-inputs/', import.meta.url));

type Embeds = { fp32: number[]; int8_sim: number[]; q4_sim: number[] };
interface Reference {
  projection_dim: number;
  eos_token_id: number;
  texts: { text: string; input_ids: number[]; text_embeds: Embeds }[];
  images: { file: string; pixel_values_file?: string; image_embeds: Embeds }[];
}
const ref: Reference = JSON.parse(readFileSync(MODEL_DIR + 'reference.json', 'utf8'));
const DIM = ref.projection_dim;
const CTX = 77;
const EOS = ref.eos_token_id;

const VARIANTS = [
  { suffix: '', sim: 'fp32', min: 0.9999, label: 'fp32' },
  { suffix: '_quantized', sim: 'int8_sim', min: 0.999, label: 'int8' },
  { suffix: '_q4', sim: 'q4_sim', min: 0.999, label: 'q4' },
] as const;

// ---- a minimal ONNX protobuf reader: node op types and domains of the main graph ----------------
function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 1;
  for (;;) {
    const b = buf[pos++] ?? 0;
    result += (b & 0x7f) * shift;
    if (b < 0x80) return [result, pos];
    shift *= 128;
  }
}

/** Calls fn(fieldNumber, start, end) for each length-delimited field of the message in buf[start, end). */
function forEachBytesField(buf: Uint8Array, start: number, end: number, fn: (field: number, s: number, e: number) => void) {
  let pos = start;
  while (pos < end) {
    let key: number;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0: [, pos] = readVarint(buf, pos); break;
      case 1: pos += 8; break;
      case 5: pos += 4; break;
      case 2: {
        let len: number;
        [len, pos] = readVarint(buf, pos);
        fn(field, pos, pos + len);
        pos += len;
        break;
      }
      default: throw new Error(`unsupported protobuf wire type ${key & 7}`);
    }
  }
}

/** Counts of "domain:op_type" over the nodes of ModelProto.graph (field 7), GraphProto.node (1),
 *  NodeProto.op_type (4) and NodeProto.domain (7). */
function opCounts(bytes: Uint8Array): Map<string, number> {
  const counts = new Map<string, number>();
  const dec = new TextDecoder();
  forEachBytesField(bytes, 0, bytes.length, (f, gs, ge) => {
    if (f !== 7) return;
    forEachBytesField(bytes, gs, ge, (g, ns, ne) => {
      if (g !== 1) return;
      let op = '';
      let domain = '';
      forEachBytesField(bytes, ns, ne, (h, s, e) => {
        if (h === 4) op = dec.decode(bytes.subarray(s, e));
        if (h === 7) domain = dec.decode(bytes.subarray(s, e));
      });
      const k = domain && domain !== 'ai.onnx' ? `${domain}:${op}` : op;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    });
  });
  return counts;
}

// ---- helpers -----------------------------------------------------------------------------------
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number, y = b[i] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number, y = b[i] as number;
    d = Math.max(d, Math.abs(x - y));
    n = Math.max(n, Math.abs(y));
  }
  return d / n;
}

function readF32(path: string): Float32Array {
  const buf = readFileSync(path);
  const out = new Float32Array(buf.length / 4);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// inputs paired with their expected embeddings
const imageCases = ref.images.flatMap((im) =>
  im.pixel_values_file ? [{ name: im.file, pixels: readF32(INPUT_DIR + im.pixel_values_file), expected: im.image_embeds }] : [],
);
const textCases = ref.texts.map((t) => ({ name: t.text, ids: t.input_ids, expected: t.text_embeds }));

async function session(file: string) {
  return ort.InferenceSession.create(readFileSync(MODEL_DIR + 'onnx/' + file));
}

async function runOne(s: ort.InferenceSession, feed: ort.Tensor, input: string, output: string, batch: number) {
  const out = (await s.run({ [input]: feed }))[output];
  if (!out) throw new Error(`no output ${output}`);
  expect(out.dims).toEqual([batch, DIM]);
  return out.data as Float32Array;
}

const embedImages = (s: ort.InferenceSession, batch: Float32Array[]) =>
  runOne(s, new ort.Tensor('float32', concat(batch), [batch.length, 3, 224, 224]), 'pixel_values', 'image_embeds', batch.length);

/** rows: input_ids of one length (any length 1..77), as int64 [rows, length]. */
async function embedTexts(s: ort.InferenceSession, rows: number[][]) {
  const length = rows[0]?.length ?? 0;
  for (const r of rows) expect(r.length).toBe(length);
  const ids = BigInt64Array.from(rows.flat(), (v) => BigInt(v));
  return runOne(s, new ort.Tensor('int64', ids, [rows.length, length]), 'input_ids', 'text_embeds', rows.length);
}

/** A reference row (bos … eos, padded with eos to 77) cut after its first eos. */
const ownLength = (ids: number[]) => ids.slice(0, ids.indexOf(EOS) + 1);
/** Pads rows with eos (as the Hugging Face CLIP tokenizers do) to the longest of them. */
const padToLongest = (rows: number[][]) => {
  const n = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...Array<number>(n - r.length).fill(EOS)]);
};
const rowsOf = (data: Float32Array, n: number) => Array.from({ length: n }, (_, i) => data.subarray(i * DIM, (i + 1) * DIM));

const figures: string[] = [];
const fmt = (cos: number[]) => {
  const m = Math.min(...cos);
  return `${m.toFixed(7)} (1 - cos = ${(1 - m).toExponential(1)})`;
};
afterAll(() => {
  console.log(['tiny-clip on onnxruntime-web (WASM), worst over the inputs:', ...figures].join('\n  '));
});

describe('tiny-clip fixture graphs', () => {
  for (const model of ['vision_model', 'text_model']) {
    it(`${model}: quantized files really contain MatMulInteger / MatMulNBits`, () => {
      const read = (suffix: string) => opCounts(readFileSync(`${MODEL_DIR}onnx/${model}${suffix}.onnx`));
      const fp32 = read('');
      const int8 = read('_quantized');
      const q4 = read('_q4');
      const fp32MatMul = fp32.get('MatMul') ?? 0;
      expect(fp32MatMul).toBeGreaterThan(0);
      expect(fp32.get('MatMulInteger')).toBeUndefined();
      expect(fp32.get('com.microsoft:MatMulNBits')).toBeUndefined();
      // every weight MatMul was replaced; only activation x activation MatMuls (attention) remain
      const n8 = int8.get('MatMulInteger') ?? 0;
      const n4 = q4.get('com.microsoft:MatMulNBits') ?? 0;
      expect(n8).toBeGreaterThan(0);
      expect(n4).toBe(n8);
      expect((int8.get('MatMul') ?? 0) + n8).toBe(fp32MatMul);
      expect((q4.get('MatMul') ?? 0) + n4).toBe(fp32MatMul);
      expect(int8.get('MatMul')).toBe(4); // Q·K^T and P·V in each of the 2 layers
      expect(int8.get('DynamicQuantizeLinear')).toBeGreaterThan(0);
      expect(q4.get('MatMulInteger')).toBeUndefined();
    });
  }
});

describe.each(VARIANTS)('tiny-clip $label', ({ suffix, sim, min, label }) => {
  /** Each case as a batch of 1 vs the reference, then the first two as one batch of 2. */
  async function check<T>(
    kind: 'image' | 'text',
    file: string,
    cases: { input: T; expected: Embeds }[],
    embed: (s: ort.InferenceSession, batch: T[]) => Promise<Float32Array>,
  ) {
    const s = await session(file);
    const single: Float32Array[] = [];
    for (const c of cases) single.push(await embed(s, [c.input]));
    const vsSim = cases.map((c, i) => cosine(single[i] as Float32Array, c.expected[sim]));
    const vsFp32 = cases.map((c, i) => cosine(single[i] as Float32Array, c.expected.fp32));
    figures.push(`${kind} ${label} vs ${sim === 'fp32' ? 'PyTorch fp32' : `${sim} ${fmt(vsSim)}, vs PyTorch fp32`} ${fmt(vsFp32)}`);
    for (const c of vsSim) expect(c).toBeGreaterThanOrEqual(min);

    // the batch dimension is dynamic: a batch of 2 gives the two single results
    expect(cases.length).toBeGreaterThanOrEqual(2);
    const both = await embed(s, cases.slice(0, 2).map((c) => c.input));
    for (let i = 0; i < 2; i++) {
      const row = both.subarray(i * DIM, (i + 1) * DIM);
      const one = single[i] as Float32Array;
      if (label === 'int8') {
        // DynamicQuantizeLinear takes one scale for the whole batch: close, not equal
        expect(cosine(row, one)).toBeGreaterThanOrEqual(0.99);
      } else {
        expect(maxRelDiff(row, one)).toBeLessThan(1e-5);
      }
    }
    await s.release();
  }

  it('image_embeds match the PyTorch reference', async () => {
    const cases = imageCases.map((c) => ({ input: c.pixels, expected: c.expected }));
    await check('image', `vision_model${suffix}.onnx`, cases, embedImages);
  });

  it('text_embeds match the PyTorch reference', async () => {
    for (const c of textCases) expect(c.ids.length).toBe(CTX);
    const cases = textCases.map((c) => ({ input: c.ids, expected: c.expected }));
    await check('text', `text_model${suffix}.onnx`, cases, embedTexts);
  });
});

describe.each(VARIANTS)('tiny-clip $label text model, dynamic sequence length', ({ suffix, label }) => {
  it('input_ids is [batch_size, sequence_length]; padded to 77, cut to its own length and padded to the batch\'s longest row agree', async () => {
    const s = await session(`text_model${suffix}.onnx`);
    const meta = s.inputMetadata.find((m) => m.name === 'input_ids');
    expect(meta?.isTensor && meta.shape).toEqual(['batch_size', 'sequence_length']);

    const padded = textCases.map((c) => c.ids); // 77 each, the reference inputs
    const own = padded.map(ownLength); // bos … eos; the 226-token text is its 77-long truncated form
    expect(own.map((r) => r.length)).toContain(CTX);
    expect(own.map((r) => r.length)).toContain(2); // the empty string
    const short = own.filter((r) => r.length < CTX);
    const shortLongest = Math.max(...short.map((r) => r.length));
    expect(shortLongest).toBeLessThan(CTX);

    const at77: Float32Array[] = [];
    for (const r of padded) at77.push(await embedTexts(s, [r]));
    const results: { what: string; i: number; out: Float32Array }[] = [];
    for (const [i, r] of own.entries()) results.push({ what: 'own length', i, out: await embedTexts(s, [r]) });
    rowsOf(await embedTexts(s, padToLongest(own)), own.length).forEach((out, i) => results.push({ what: `batch padded to ${CTX}`, i, out }));
    const shortIdx = own.flatMap((r, i) => (r.length < CTX ? [i] : []));
    rowsOf(await embedTexts(s, padToLongest(short)), short.length).forEach((out, k) =>
      results.push({ what: `batch padded to ${shortLongest}`, i: shortIdx[k] as number, out }),
    );

    // worst max |diff| / max |value| and cosine against the same text alone padded to 77, per kind
    const worst = new Map<string, { rel: number; cos: number }>();
    for (const { what, i, out } of results) {
      const ref77 = at77[i] as Float32Array;
      const w = worst.get(what) ?? { rel: 0, cos: 1 };
      worst.set(what, { rel: Math.max(w.rel, maxRelDiff(out, ref77)), cos: Math.min(w.cos, cosine(out, ref77)) });
    }
    const worstRel = Math.max(...[...worst.values()].map((w) => w.rel));
    const worstCos = Math.min(...[...worst.values()].map((w) => w.cos));
    figures.push(
      `text ${label} vs the same text alone padded to ${CTX} (max |diff| / max |value|, cosine): ` +
        [...worst].map(([what, w]) => `${what} ${w.rel.toExponential(1)}, ${w.cos.toFixed(7)}`).join('; '),
    );
    if (label === 'int8') {
      // DynamicQuantizeLinear takes its range over all tokens of the batch, padding included
      expect(worstCos).toBeGreaterThanOrEqual(0.999);
    } else {
      expect(worstRel).toBeLessThanOrEqual(1e-5);
    }
    await s.release();
  });

  it('accepts sequence lengths 1, 10 and 77 (batch 1 and 3)', async () => {
    const s = await session(`text_model${suffix}.onnx`);
    const cat = ownLength(textCases[0]?.ids ?? []);
    expect(cat.length).toBeLessThan(10);
    const ten = padToLongest([cat, Array<number>(10).fill(EOS)])[0] as number[];
    expect(ten).toHaveLength(10);
    const at10 = await embedTexts(s, [ten]);
    const at77 = await embedTexts(s, [textCases[0]?.ids ?? []]);
    if (label === 'int8') expect(cosine(at10, at77)).toBeGreaterThanOrEqual(0.999);
    else expect(maxRelDiff(at10, at77)).toBeLessThanOrEqual(1e-5);
    for (const length of [1, 10, CTX]) {
      for (const batch of [1, 3]) {
        const rows = Array.from({ length: batch }, (_, b) => Array.from({ length }, (_, j) => (j === length - 1 ? EOS : (7 * j + b) % EOS)));
        const out = await embedTexts(s, rows);
        expect(out.every(Number.isFinite)).toBe(true);
      }
    }
    await s.release();
  });
});

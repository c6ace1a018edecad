// VectorIndex and its kernels against a naive reference (float64 loops and a sort), for both
// kernels, float32 and int8 storage, odd dims, growth, removal and the .wat → bytes drift check.
import { gaussian, mulberry32 } from '../../../src/core/vectors/seeded-random';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernels, generatedSource, GENERATED_PATH } from '../../../scripts/build-kernels';
import { ClipError } from '../../../src/shared/errors';
import { topK } from '../../../src/core/vectors/top-k';
import { VectorIndex } from '../../../src/core/vectors/vector-index';
import { quantizeInt8 } from '../../../src/core/vectors/int8-quantize';
import type { VectorStorage } from '../../../src/shared/library';
import { VECTOR_KERNELS_WASM_BASE64 } from '../../../src/core/vectors/vector-kernels-wasm';

const KERNELS = ['wasm', 'js'] as const;

/** Seeded uniforms, and Gaussians from them. */
function rng(seed: number) {
  const uniform = mulberry32(seed);
  const gauss = () => gaussian(uniform);
  const vector = (dim: number, scale = 1) => Float32Array.from({ length: dim }, () => gauss() * scale);
  return { uniform, gauss, vector };
}

function unit64(v: Float32Array): Float64Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return Float64Array.from(v, (x) => (norm === 0 ? 0 : x / norm));
}

function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The exact cosine top-k: float64 loops, a full sort, ties to the earlier id. */
function referenceTopK(data: Map<string, Float32Array>, query: Float32Array, k: number, exclude = new Set<string>()) {
  const q = unit64(query);
  return [...data]
    .filter(([id]) => !exclude.has(id))
    .map(([id, v], order) => ({ id, score: dot64(q, unit64(v)), order }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k);
}

async function filled(dim: number, storage: VectorStorage, kernel: 'wasm' | 'js', n: number, seed: number) {
  const r = rng(seed);
  const index = await VectorIndex.create(dim, storage, { kernel });
  const data = new Map<string, Float32Array>();
  for (let i = 0; i < n; i++) {
    const v = r.vector(dim, 0.1 + r.uniform());
    data.set(`p${i}`, v);
    index.upsert(`p${i}`, v);
  }
  return { index, data, r };
}

describe('the kernel build', () => {
  it('the committed src/core/vectors/vector-kernels-wasm.ts is what vector-kernels.wat compiles to', async () => {
    const bytes = await compileKernels();
    expect(Buffer.from(VECTOR_KERNELS_WASM_BASE64, 'base64').equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(generatedSource(bytes));
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('auto picks the SIMD kernel where the engine has it (Node ≥ 20 does)', async () => {
    expect((await VectorIndex.create(8, 'float32')).kernel).toBe('wasm-simd');
    expect((await VectorIndex.create(8, 'int8', { kernel: 'js' })).kernel).toBe('js');
  });
});

describe('topK', () => {
  it('matches a full sort, ties to the lower index, NaN never wins', () => {
    const r = rng(1);
    for (const n of [0, 1, 5, 37, 1000]) {
      // Coarse values force many ties; some NaN.
      const step = n % 2 ? 8 : 1;
      const scores = Float32Array.from({ length: n }, () => (r.uniform() < 0.05 ? NaN : Math.round(r.gauss() * step) / step));
      for (const k of [0, 1, 3, 10, n, n + 5]) {
        const want = [...scores]
          .map((s, i) => ({ s, i }))
          .filter(({ s }) => !Number.isNaN(s))
          .sort((a, b) => b.s - a.s || a.i - b.i)
          .slice(0, k);
        const got = topK(scores, k);
        expect(Array.from(got.indices)).toEqual(want.map((w) => w.i));
        expect(Array.from(got.scores)).toEqual(want.map((w) => w.s));
      }
    }
  });

  it('evicts the highest index among tied worst entries', () => {
    expect(Array.from(topK(Float32Array.of(1, 1, 1, 1, 2), 3).indices)).toEqual([4, 0, 1]);
    expect(Array.from(topK(Float32Array.of(0, 0, 0, 3, 0, 2), 4).indices)).toEqual([3, 5, 0, 1]);
  });

  it('keeps -Infinity and Infinity in order and rejects a bad k', () => {
    const got = topK(Float32Array.of(-Infinity, 1, Infinity, NaN, 1), 4);
    expect(Array.from(got.indices)).toEqual([2, 1, 4, 0]);
    expect(() => topK(new Float32Array(3), -1)).toThrow(RangeError);
    expect(() => topK(new Float32Array(3), 1.5)).toThrow(RangeError);
  });
});

describe('quantizeInt8', () => {
  it('round-trips within half a step, uses the full ±127 range and is symmetric', () => {
    const r = rng(2);
    for (const dim of [1, 3, 100, 512]) {
      const v = r.vector(dim, 3);
      const { codes, scale } = quantizeInt8(v);
      const max = Math.max(...Array.from(v, Math.abs));
      expect(scale).toBeCloseTo(max / 127, 6);
      expect(Math.max(...Array.from(codes, Math.abs))).toBe(127);
      for (let i = 0; i < dim; i++) expect(Math.abs(codes[i]! * scale - v[i]!)).toBeLessThanOrEqual(scale / 2 + max * 1e-6);
      const negated = quantizeInt8(v.map((x) => -x));
      expect(negated.scale).toBe(scale);
      expect(Array.from(negated.codes)).toEqual(Array.from(codes, (c) => -c || 0));
    }
  });

  it('maps a zero vector to scale 0 and zero codes', () => {
    const { codes, scale } = quantizeInt8(new Float32Array(5));
    expect(scale).toBe(0);
    expect(Array.from(codes)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('the JS kernel', () => {
  it('scores as the WASM kernel does: int8 bit for bit, float32 within 1e-6', async () => {
    for (const dim of [3, 100, 512]) {
      for (const storage of ['float32', 'int8'] as const) {
        const wasm = await filled(dim, storage, 'wasm', 203, 77);
        const js = await filled(dim, storage, 'js', 203, 77);
        const query = wasm.r.vector(dim);
        const a = wasm.index.scoreAll(query);
        const b = js.index.scoreAll(query);
        if (storage === 'int8') expect(b).toEqual(a);
        else a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(1e-6));
      }
    }
  });
});

describe.each(KERNELS)('VectorIndex, %s kernel', (kernel) => {
  const k = 10;
  describe.each([3, 32, 100, 512])('dim %i', (dim) => {
    it.each([0, 1, 6, k - 1, 1003])('float32 top-10 of %i vectors matches the exact reference', async (n) => {
      const { index, data, r } = await filled(dim, 'float32', kernel, n, dim * 7919 + n);
      for (let q = 0; q < 5; q++) {
        const query = r.vector(dim);
        const want = referenceTopK(data, query, k);
        const got = index.search(query, k);
        expect(got.map((h) => h.id)).toEqual(want.map((w) => w.id));
        got.forEach((h, i) => expect(Math.abs(h.score - want[i]!.score)).toBeLessThan(1e-5));
      }
    });

    it.each([0, 1, 6, k - 1, 1003])('int8 scores of %i vectors are the quantized dot, within its error bound of the exact ones', async (n) => {
      const { index, data, r } = await filled(dim, 'int8', kernel, n, dim * 104729 + n);
      const ids = index.ids();
      for (let q = 0; q < 3; q++) {
        const query = r.vector(dim);
        const qUnit = unit64(query);
        const qL1 = qUnit.reduce((s, x) => s + Math.abs(x), 0);
        const scores = index.scoreAll(query);
        ids.forEach((id, row) => {
          const { codes, scale } = index.getQuantized(id)!;
          const exact = dot64(qUnit, unit64(data.get(id)!));
          // Rows: each value within scale/2. The query is quantized far finer (i16): allow
          // 1% of the row error for it.
          const bound = (scale / 2) * qL1 * 1.01 + 1e-6;
          expect(Math.abs(scores[row]! - exact)).toBeLessThanOrEqual(bound);
          // And it is the dot with the stored codes, to float32 precision.
          expect(scores[row]!).toBeCloseTo(dot64(qUnit, codes) * scale, 3);
        });
        // search() is scoreAll's top-k.
        const got = index.search(query, k);
        const want = Array.from(topK(scores, k).indices, (row) => ids[row]!);
        expect(got.map((h) => h.id)).toEqual(want);
      }
    });
  });

  it('int8 recall@10 against exact float32 is ≥ 0.99 on 20,000 clustered 512-d vectors', async () => {
    const dim = 512;
    const r = rng(11);
    const unitVector = () => Float32Array.from(unit64(r.vector(dim)));
    const centers = Array.from({ length: 1000 }, unitVector);
    // Photo-library-like: a random center plus noise of the same length (cosine ≈ 0.5 within a
    // cluster).
    const sample = () => {
      const c = centers[Math.floor(r.uniform() * centers.length)]!;
      const noise = unitVector();
      return c.map((x, i) => x + noise[i]!);
    };
    const exact = await VectorIndex.create(dim, 'float32', { kernel: 'wasm' });
    const int8 = await VectorIndex.create(dim, 'int8', { kernel });
    for (let i = 0; i < 20_000; i++) {
      const v = sample();
      exact.upsert(String(i), v);
      int8.upsert(String(i), v);
    }
    let found = 0;
    const queries = kernel === 'js' ? 50 : 200;
    for (let q = 0; q < queries; q++) {
      const query = sample();
      const truth = new Set(exact.search(query, 10).map((h) => h.id));
      found += int8.search(query, 10).filter((h) => truth.has(h.id)).length;
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.99);
  });

  it('upsert replaces a vector in place', async () => {
    for (const storage of ['float32', 'int8'] as const) {
      const { index, r } = await filled(32, storage, kernel, 50, 5);
      const v = r.vector(32);
      index.upsert('p7', v);
      expect(index.size).toBe(50);
      expect(index.ids()[7]).toBe('p7');
      const hits = index.search(v, 1);
      expect(hits[0]!.id).toBe('p7');
      expect(hits[0]!.score).toBeCloseTo(1, storage === 'int8' ? 2 : 5);
      const stored = index.get('p7')!;
      const u = unit64(v);
      stored.forEach((x, i) => expect(Math.abs(x - u[i]!)).toBeLessThan(storage === 'int8' ? 0.01 : 1e-6));
    }
  });

  it('swap-remove keeps every other vector under its id', async () => {
    for (const storage of ['float32', 'int8'] as const) {
      const { index, data } = await filled(100, storage, kernel, 200, 6);
      const before = new Map([...data.keys()].map((id) => [id, index.get(id)!]));
      for (const id of ['p199', 'p0', 'p57', 'p100', 'p198', 'p3']) {
        expect(index.remove(id)).toBe(true);
        data.delete(id);
      }
      expect(index.remove('p0')).toBe(false);
      expect(index.remove('nope')).toBe(false);
      expect(index.size).toBe(194);
      expect(new Set(index.ids())).toEqual(new Set(data.keys()));
      expect(index.has('p57')).toBe(false);
      expect(index.get('p57')).toBeUndefined();
      for (const id of data.keys()) {
        expect(index.get(id)).toEqual(before.get(id));
        const top = index.search(data.get(id)!, 1)[0]!;
        expect(top.id).toBe(id);
      }
      // Scores still line up with ids after the moves.
      const query = data.get('p1')!;
      const scores = index.scoreAll(query);
      index.ids().forEach((id, row) => expect(scores[row]!).toBeCloseTo(dot64(unit64(query), index.get(id)!), 2));
      index.clear();
      expect(index.size).toBe(0);
      expect(index.search(query, 5)).toEqual([]);
    }
  });

  it('growth across several capacity doublings keeps every vector and scale intact', async () => {
    for (const storage of ['float32', 'int8'] as const) {
      const dim = 100;
      const r = rng(8);
      const index = await VectorIndex.create(dim, storage, { kernel });
      const data: Float32Array[] = [];
      for (let i = 0; i < 2100; i++) {
        const v = r.vector(dim, 0.01 + r.uniform() * 10);
        data.push(v);
        index.upsert(`v${i}`, v);
        // Check right after each doubling (and once in between) that nothing moved wrongly.
        if ([16, 17, 33, 65, 129, 257, 513, 1025, 1500, 2049].includes(i)) {
          for (let j = 0; j <= i; j++) {
            const u = Float32Array.from(unit64(data[j]!));
            if (storage === 'float32') expect(index.get(`v${j}`)).toEqual(u);
            else expect(index.getQuantized(`v${j}`)).toEqual(quantizeInt8(u));
          }
        }
      }
      expect(index.size).toBe(2100);
      const hits = index.search(data[2000]!, 3);
      expect(hits[0]!.id).toBe('v2000');
    }
  });

  it('exclude leaves ids out, and the rest is the reference without them', async () => {
    const { index, data, r } = await filled(64, 'float32', kernel, 300, 9);
    const query = r.vector(64);
    const top = referenceTopK(data, query, 3).map((h) => h.id);
    const exclude = new Set([top[0]!, top[2]!, 'unknown']);
    const got = index.search(query, 10, { exclude });
    expect(got.map((h) => h.id)).toEqual(referenceTopK(data, query, 10, exclude).map((h) => h.id));
    expect(got.some((h) => exclude.has(h.id))).toBe(false);
    // Similar-photo search: the photo itself left out.
    const self = index.search(data.get('p5')!, 5, { exclude: new Set(['p5']) });
    expect(self.map((h) => h.id)).toEqual(referenceTopK(data, data.get('p5')!, 5, new Set(['p5'])).map((h) => h.id));
    expect(index.search(query, 10, { exclude: new Set(data.keys()) })).toEqual([]);
  });

  it('k beyond n returns every vector; k = 0 returns none', async () => {
    const { index, data, r } = await filled(16, 'int8', kernel, 7, 10);
    const query = r.vector(16);
    const all = index.search(query, 50);
    expect(all).toHaveLength(7);
    expect(new Set(all.map((h) => h.id))).toEqual(new Set(data.keys()));
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
    expect(index.search(query, 0)).toEqual([]);
  });

  it('scoreAll and ids() agree row by row with the reference', async () => {
    const { index, data, r } = await filled(3, 'float32', kernel, 41, 12);
    index.remove('p4');
    data.delete('p4');
    const query = r.vector(3);
    const scores = index.scoreAll(query);
    const ids = index.ids();
    expect(scores).toHaveLength(40);
    ids.forEach((id, row) => expect(Math.abs(scores[row]! - dot64(unit64(query), unit64(data.get(id)!)))).toBeLessThan(1e-6));
    // A fresh array: the next search does not overwrite it.
    const copy = scores.slice();
    index.search(r.vector(3), 5);
    expect(scores).toEqual(copy);
  });

  it('upsertQuantized stores codes as given, including -128, and scores them exactly', async () => {
    const dim = 40;
    const index = await VectorIndex.create(dim, 'int8', { kernel });
    const r = rng(13);
    const rows = Array.from({ length: 9 }, (_, i) => ({
      codes: Int8Array.from({ length: dim }, () => (i === 0 ? -128 : Math.floor(r.uniform() * 256) - 128)),
      scale: r.uniform() / 100,
    }));
    rows.forEach((row, i) => index.upsertQuantized(`q${i}`, row.codes, row.scale));
    rows.forEach((row, i) => expect(index.getQuantized(`q${i}`)).toEqual({ codes: row.codes, scale: Math.fround(row.scale) }));
    const query = Float32Array.from({ length: dim }, (_, i) => (i % 2 ? -1 : 1));
    const scores = index.scoreAll(query);
    rows.forEach((row, i) => expect(scores[i]!).toBeCloseTo((dot64(row.codes, query) / Math.sqrt(dim)) * Math.fround(row.scale), 5));
    expect(index.get('q0')).toEqual(new Float32Array(dim).fill(-128 * Math.fround(rows[0]!.scale)));
  });

  it('throws RangeError on bad vectors, queries, k and dims', async () => {
    const index = await VectorIndex.create(4, 'int8', { kernel });
    index.upsert('a', Float32Array.of(1, 0, 0, 0));
    expect(() => index.upsert('b', new Float32Array(3))).toThrow(RangeError);
    expect(() => index.upsert('b', Float32Array.of(1, NaN, 0, 0))).toThrow(RangeError);
    expect(() => index.upsert('b', Float32Array.of(1, Infinity, 0, 0))).toThrow(RangeError);
    expect(index.has('b')).toBe(false);
    expect(() => index.search(new Float32Array(4), 1)).toThrow(RangeError);
    expect(() => index.search(Float32Array.of(1, 0, NaN, 0), 1)).toThrow(RangeError);
    expect(() => index.search(new Float32Array(5).fill(1), 1)).toThrow(RangeError);
    expect(() => index.scoreAll(new Float32Array(4))).toThrow(RangeError);
    expect(() => index.search(Float32Array.of(1, 0, 0, 0), -1)).toThrow(RangeError);
    expect(() => index.search(Float32Array.of(1, 0, 0, 0), 2.5)).toThrow(RangeError);
    expect(() => index.upsertQuantized('c', new Int8Array(3), 1)).toThrow(RangeError);
    expect(() => index.upsertQuantized('c', new Int8Array(4), -1)).toThrow(RangeError);
    expect(() => index.upsertQuantized('c', new Int8Array(4), NaN)).toThrow(RangeError);
    await expect(VectorIndex.create(0, 'float32', { kernel })).rejects.toThrow(RangeError);
    await expect(VectorIndex.create(1.5, 'float32', { kernel })).rejects.toThrow(RangeError);
    const float = await VectorIndex.create(4, 'float32', { kernel });
    expect(() => float.upsertQuantized('c', new Int8Array(4), 1)).toThrow(ClipError);
    expect(() => float.getQuantized('c')).toThrow(ClipError);
  });

  it('is unusable after dispose', async () => {
    const { index, r } = await filled(8, 'float32', kernel, 5, 14);
    index.dispose();
    expect(() => index.search(r.vector(8), 1)).toThrow(ClipError);
    expect(() => index.upsert('x', r.vector(8))).toThrow(ClipError);
    expect(() => index.size).toThrow(ClipError);
  });
});

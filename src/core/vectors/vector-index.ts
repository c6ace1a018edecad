// An in-memory cosine top-k index, float32 or int8, scored by the SIMD kernel or plain JS; its
// memory layout: docs/internals.md#the-vector-index.
import { ClipError } from '../../shared/errors';
import type { VectorStorage } from '../../shared/library';
import { quantizeInto } from './int8-quantize';
import { topK } from './top-k';
import { loadKernelModule, scoreF32Js, scoreI8Js, type Kernels } from './vector-kernels';

export interface VectorHit {
  readonly id: string;
  readonly score: number;
}

const MAX_DIM = 65536;
const WASM_PAGE = 65536;
const MAX_BYTES = 65536 * WASM_PAGE;
const MIN_CAPACITY = 16;

/** The region offsets (bytes) for a capacity. */
function layout(capacity: number, stride: number, storage: VectorStorage) {
  const scores = stride * 4;
  const scales = scores + capacity * 4;
  const rows = scales + (storage === 'int8' ? capacity * 4 : 0);
  const rowBytes = storage === 'int8' ? stride : stride * 4;
  return { scores, scales, rows, end: rows + capacity * rowBytes };
}

export class VectorIndex {
  readonly dim: number;
  readonly storage: VectorStorage;
  readonly kernel: 'wasm-simd' | 'js';
  /** Elements per row: dim rounded up to a multiple of 16. */
  private readonly stride: number;
  /** The int8 search's query code range: i16 codes in ±queryLevels (see scoreInPlace). */
  private readonly queryLevels: number;
  private kernels: Kernels | undefined;
  private buffer: ArrayBuffer;
  private capacity = 0;
  private offsets: ReturnType<typeof layout>;
  private readonly rowOf = new Map<string, number>();
  private idOf: string[] = [];
  private disposed = false;
  private readonly scratch: Float32Array;
  // Views over `buffer`, rebuilt whenever it changes (growth detaches the old one).
  private query!: Float32Array;
  private query16!: Int16Array;
  private scores!: Float32Array;
  private scales!: Float32Array;
  private rowsF32!: Float32Array;
  private rowsI8!: Int8Array;

  /** Instantiates the WASM SIMD kernel (WebAssembly.validate first); where SIMD is unavailable, a plain JS kernel with identical results (same arithmetic order not required, same answers within float tolerance). */
  static async create(dim: number, storage: VectorStorage, options: { kernel?: 'auto' | 'wasm' | 'js' } = {}): Promise<VectorIndex> {
    if (!Number.isInteger(dim) || dim < 1 || dim > MAX_DIM) throw new RangeError(`dim must be an integer in 1..${MAX_DIM}, got ${dim}`);
    if (storage !== 'float32' && storage !== 'int8') throw new RangeError(`unknown storage ${String(storage)}`);
    const choice = options.kernel ?? 'auto';
    if (choice !== 'auto' && choice !== 'wasm' && choice !== 'js') throw new RangeError(`unknown kernel ${String(choice)}`);
    let kernels: Kernels | undefined;
    if (choice !== 'js') {
      const module = await loadKernelModule();
      if (module) {
        kernels = (await WebAssembly.instantiate(module)).exports as unknown as Kernels;
      } else if (choice === 'wasm') {
        throw new ClipError('BACKEND_UNAVAILABLE', 'this engine has no WebAssembly SIMD');
      }
    }
    return new VectorIndex(dim, storage, kernels);
  }

  private constructor(dim: number, storage: VectorStorage, kernels: Kernels | undefined) {
    this.dim = dim;
    this.storage = storage;
    this.kernel = kernels ? 'wasm-simd' : 'js';
    this.kernels = kernels;
    this.stride = Math.ceil(dim / 16) * 16;
    this.scratch = new Float32Array(dim);
    // As fine as i16 allows while a dot of `dim` products with any int8 code fits in i32.
    this.queryLevels = Math.min(32767, Math.floor(0x7fffffff / (128 * dim)));
    this.buffer = kernels ? kernels.memory.buffer : new ArrayBuffer(0);
    this.offsets = layout(0, this.stride, storage);
    this.reserve(MIN_CAPACITY);
  }

  get size(): number {
    return this.live().idOf.length;
  }

  has(id: string): boolean {
    return this.live().rowOf.has(id);
  }

  /** Adds or replaces the vector of `id` (normalized copy stored; int8 storage quantizes it). Throws RangeError on a wrong length or non-finite values. */
  upsert(id: string, vector: Float32Array): void {
    const { unit, max } = this.normalized(vector, 'vector', true);
    const row = this.rowFor(id);
    const at = row * this.stride;
    if (this.storage === 'int8') {
      this.scales[row] = quantizeInto(unit, max, 127, this.rowsI8, at);
      this.rowsI8.fill(0, at + this.dim, at + this.stride);
    } else {
      this.rowsF32.set(unit, at);
      this.rowsF32.fill(0, at + this.dim, at + this.stride);
    }
  }

  /** Adds or replaces an already-quantized int8 vector (int8 storage only): for loading stored vectors without re-quantizing. */
  upsertQuantized(id: string, codes: Int8Array, scale: number): void {
    this.requireInt8('upsertQuantized');
    if (codes.length !== this.dim) throw new RangeError(`expected ${this.dim} codes, got ${codes.length}`);
    if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`scale must be finite and >= 0, got ${scale}`);
    this.writeCodes(this.rowFor(id), codes, scale);
  }

  remove(id: string): boolean {
    const row = this.live().rowOf.get(id);
    if (row === undefined) return false;
    const last = this.idOf.length - 1;
    if (row !== last) {
      // Swap-remove: the last row fills the hole.
      const rows = this.storage === 'int8' ? this.rowsI8 : this.rowsF32;
      rows.copyWithin(row * this.stride, last * this.stride, (last + 1) * this.stride);
      this.scales[row] = this.scales[last]!;
      const moved = this.idOf[last]!;
      this.idOf[row] = moved;
      this.rowOf.set(moved, row);
    }
    this.idOf.pop();
    this.rowOf.delete(id);
    return true;
  }

  clear(): void {
    this.live().rowOf.clear();
    this.idOf = [];
  }

  /** The stored vector (dequantized for int8), or undefined. */
  get(id: string): Float32Array | undefined {
    const row = this.live().rowOf.get(id);
    if (row === undefined) return undefined;
    const at = row * this.stride;
    if (this.storage === 'float32') return this.rowsF32.slice(at, at + this.dim);
    const scale = this.scales[row]!;
    const out = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = this.rowsI8[at + i]! * scale;
    return out;
  }

  /** The stored int8 codes and scale (int8 storage only). */
  getQuantized(id: string): { codes: Int8Array; scale: number } | undefined {
    this.requireInt8('getQuantized');
    const row = this.rowOf.get(id);
    if (row === undefined) return undefined;
    const at = row * this.stride;
    return { codes: this.rowsI8.slice(at, at + this.dim), scale: this.scales[row]! };
  }

  /** Cosine top-k, best first; `exclude` ids never appear (similar-photo search leaves the photo itself out). The query is normalized here; a zero or non-finite query throws RangeError. */
  search(query: Float32Array, k: number, options: { exclude?: ReadonlySet<string> } = {}): VectorHit[] {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
    const scores = this.scoreInPlace(query);
    if (k === 0) return [];
    for (const id of options.exclude ?? []) {
      const row = this.rowOf.get(id);
      // NaN never wins a top-k place.
      if (row !== undefined) scores[row] = NaN;
    }
    const best = topK(scores, k);
    return Array.from(best.indices, (row, rank) => ({ id: this.idOf[row]!, score: best.scores[rank]! }));
  }

  /** Every row's cosine score with the query, as a fresh Float32Array in row order, with `ids()` giving the id of each row in that same order. */
  scoreAll(query: Float32Array): Float32Array {
    return this.scoreInPlace(query).slice();
  }

  ids(): string[] {
    return this.live().idOf.slice();
  }

  /** Frees the WASM memory reference; the index is unusable afterwards. */
  dispose(): void {
    this.disposed = true;
    this.kernels = undefined;
    this.buffer = new ArrayBuffer(0);
    this.rowOf.clear();
    this.idOf = [];
    this.refreshViews();
  }

  private live(): this {
    if (this.disposed) throw new ClipError('UNSUPPORTED', 'this VectorIndex has been disposed');
    return this;
  }

  private requireInt8(method: string): void {
    if (this.live().storage !== 'int8') throw new ClipError('UNSUPPORTED', `${method} needs int8 storage; this index stores float32`);
  }

  /**
   * `vector` scaled to unit length in a scratch array (valid until the next call), with its
   * largest |value|; RangeError on a wrong length, a non-finite value or (unless allowed) zero.
   */
  private normalized(vector: Float32Array, what: string, allowZero: boolean): { unit: Float32Array; max: number } {
    this.live();
    if (!(vector instanceof Float32Array)) throw new RangeError(`${what} must be a Float32Array`);
    if (vector.length !== this.dim) throw new RangeError(`${what} has length ${vector.length}, expected ${this.dim}`);
    let sum = 0;
    for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
    // Squares of float32 values cannot overflow a double: a non-finite sum means a NaN or ±Infinity.
    if (!Number.isFinite(sum)) throw new RangeError(`${what} has a non-finite value at ${vector.findIndex((x) => !Number.isFinite(x))}`);
    if (sum === 0 && !allowZero) throw new RangeError(`${what} is zero: it has no direction`);
    const unit = this.scratch;
    const inv = sum === 0 ? 0 : 1 / Math.sqrt(sum);
    let max = 0;
    for (let i = 0; i < vector.length; i++) {
      unit[i] = vector[i]! * inv;
      // The float32 value, as quantizeInt8(unit) would see it.
      const a = Math.abs(unit[i]!);
      if (a > max) max = a;
    }
    return { unit, max };
  }

  /** The row of `id`, appended (growing storage if needed) when new. */
  private rowFor(id: string): number {
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.idOf.length;
      if (row === this.capacity) this.reserve(this.capacity * 2);
      this.idOf.push(id);
      this.rowOf.set(id, row);
    }
    return row;
  }

  private writeCodes(row: number, codes: Int8Array, scale: number): void {
    const at = row * this.stride;
    this.rowsI8.set(codes, at);
    this.rowsI8.fill(0, at + this.dim, at + this.stride);
    this.scales[row] = scale;
  }

  /** Grows to hold `capacity` rows, moving scales and rows up to their new offsets. */
  private reserve(capacity: number): void {
    const next = layout(capacity, this.stride, this.storage);
    if (next.end > MAX_BYTES) throw new RangeError(`a VectorIndex of dim ${this.dim} cannot hold ${capacity} vectors (4 GiB)`);
    if (next.end > this.buffer.byteLength) {
      if (this.kernels) {
        const memory = this.kernels.memory;
        memory.grow(Math.ceil((next.end - memory.buffer.byteLength) / WASM_PAGE));
        this.buffer = memory.buffer;
      } else {
        const bigger = new ArrayBuffer(next.end);
        new Uint8Array(bigger).set(new Uint8Array(this.buffer));
        this.buffer = bigger;
      }
    }
    // Regions only move up, the upper one first, so nothing is overwritten before it moves.
    const bytes = new Uint8Array(this.buffer);
    const n = this.idOf.length;
    const rowBytes = this.storage === 'int8' ? this.stride : this.stride * 4;
    bytes.copyWithin(next.rows, this.offsets.rows, this.offsets.rows + n * rowBytes);
    if (this.storage === 'int8') bytes.copyWithin(next.scales, this.offsets.scales, this.offsets.scales + n * 4);
    this.offsets = next;
    this.capacity = capacity;
    this.refreshViews();
  }

  private refreshViews(): void {
    const { buffer, stride, capacity, offsets } = this;
    const live = buffer.byteLength > 0;
    this.query = new Float32Array(buffer, 0, live ? stride : 0);
    this.query16 = new Int16Array(buffer, 0, live ? stride : 0);
    this.scores = new Float32Array(buffer, live ? offsets.scores : 0, live ? capacity : 0);
    this.scales = new Float32Array(buffer, live ? offsets.scales : 0, live && this.storage === 'int8' ? capacity : 0);
    this.rowsF32 = new Float32Array(buffer, live ? offsets.rows : 0, live && this.storage === 'float32' ? capacity * stride : 0);
    this.rowsI8 = new Int8Array(buffer, live ? offsets.rows : 0, live && this.storage === 'int8' ? capacity * stride : 0);
  }

  /** Scores every row into the scores region and returns a view of it (valid until the next call). */
  private scoreInPlace(query: Float32Array): Float32Array {
    const { unit, max } = this.normalized(query, 'query', false);
    const n = this.idOf.length;
    const { stride, dim, offsets } = this;
    if (this.storage === 'float32') {
      this.query.set(unit);
      this.query.fill(0, dim);
      if (this.kernels) this.kernels.score_f32(0, offsets.rows, n, stride, offsets.scores);
      else scoreF32Js(this.query, this.rowsF32, n, dim, stride, this.scores);
    } else {
      // The query finer than the rows (i16, see queryLevels) halves the quantization noise in
      // the scores at no cost: the kernel widens rows to i16 for i32x4.dot_i16x8_s either way.
      const scale = quantizeInto(unit, max, this.queryLevels, this.query16, 0);
      this.query16.fill(0, dim);
      if (this.kernels) this.kernels.score_i8(0, scale, offsets.rows, offsets.scales, n, stride, offsets.scores);
      else scoreI8Js(this.query16, scale, this.rowsI8, this.scales, n, dim, stride, this.scores);
    }
    return this.scores.subarray(0, n);
  }
}

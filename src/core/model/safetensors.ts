// Reads float32 tensors from a .safetensors file (8-byte little-endian header length, a JSON
// header of name → {dtype, shape, data_offsets}, then the raw bytes), as sentence-transformers
// stores its Dense projection (2_Dense/model.safetensors).
import { ClipError } from '../../shared/errors';

export interface Tensor32 {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const bad = (message: string): ClipError => new ClipError('BAD_CONFIG', `safetensors: ${message}`);

/** The F32 tensor `name` of the file; BAD_CONFIG naming what is missing or malformed. */
export function readSafetensor(bytes: Uint8Array, name: string): Tensor32 {
  if (bytes.length < 8) throw bad('the file is shorter than its header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw bad('the header runs past the end of the file');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new ClipError('BAD_CONFIG', 'safetensors: the header is not JSON', { cause });
  }
  const entry = (header as Record<string, unknown> | null)?.[name] as
    | { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
    | undefined;
  if (!entry) throw bad(`no tensor ${JSON.stringify(name)}`);
  const shape = entry.shape;
  const offsets = entry.data_offsets;
  if (entry.dtype !== 'F32') throw bad(`${name} is ${JSON.stringify(entry.dtype)}; only F32 is read`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`${name} has a malformed shape`);
  if (!Array.isArray(offsets) || offsets.length !== 2) throw bad(`${name} has malformed data_offsets`);
  const [begin, end] = offsets as [number, number];
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  const start = 8 + headerLength + begin;
  if (end - begin !== count * 4 || start + count * 4 > bytes.length) throw bad(`${name}'s data does not match its shape`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(start + 4 * i, true);
  return { shape: shape as number[], data };
}

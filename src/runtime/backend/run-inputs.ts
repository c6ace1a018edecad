// The shape checks every backend makes before a run (the browser's ModelSessions, Node's
// CpuSessions): a wrong shape is the caller's BAD_INPUT, not ORT's opaque error.
import { ClipError } from '../../shared/errors';

/** The longest input any supported text tower takes (BERT-style towers: 512 positions). */
export const MAX_TEXT_LENGTH = 512;

/** Why pixel_values [n,3,h,w] cannot run; undefined when it can. */
export function visionInputError(pixelValues: Float32Array, dims: readonly [number, number, number, number]): ClipError | undefined {
  const [n, c, h, w] = dims;
  if (n > 0 && pixelValues.length === n * c * h * w) return undefined;
  return new ClipError('BAD_INPUT', `pixel_values holds ${pixelValues.length} values, not [${dims.join(', ')}]`);
}

/** Why input_ids [n,L] cannot run; undefined when it can. */
export function textInputError(inputIds: BigInt64Array, dims: readonly [number, number]): ClipError | undefined {
  const [n, length] = dims;
  if (n > 0 && length > 0 && length <= MAX_TEXT_LENGTH && inputIds.length === n * length) return undefined;
  return new ClipError('BAD_INPUT', `input_ids holds ${inputIds.length} values, not [${dims.join(', ')}] with 0 < L ≤ ${MAX_TEXT_LENGTH}`);
}

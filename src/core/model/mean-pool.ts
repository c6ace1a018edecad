// What sentence-transformers runs after a text tower's graph when the graph stops at
// last_hidden_state: mean pooling over the attention mask (Pooling, pooling_mode_mean_tokens),
// then a Dense projection without bias or activation into the image tower's space.
import { ClipError } from '../../shared/errors';
import type { Tensor32 } from './safetensors';

/**
 * hidden: row-major [rows, seq, width]; mask: [rows, seq] (1 text, 0 padding); dense: the
 * Dense layer's `linear.weight` [out, width]. Returns one Float32Array of `out` values per row.
 */
export function meanPoolProject(hidden: Float32Array, mask: BigInt64Array, rows: number, seq: number, dense: Tensor32): Float32Array[] {
  const [out, width] = dense.shape;
  if (dense.shape.length !== 2 || out === undefined || width === undefined || hidden.length !== rows * seq * width) {
    throw new ClipError('MODEL_INCOMPATIBLE', `the Dense weight [${dense.shape.join(', ')}] does not fit hidden states of width ${hidden.length / Math.max(1, rows * seq)}`);
  }
  const pooled = new Float64Array(width);
  const result: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    pooled.fill(0);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (mask[r * seq + t] === 0n) continue;
      count++;
      const base = (r * seq + t) * width;
      for (let k = 0; k < width; k++) pooled[k]! += hidden[base + k] as number;
    }
    const denominator = Math.max(count, 1e-9); // torch.clamp(mask.sum(1), min=1e-9)
    const embedding = new Float32Array(out);
    for (let o = 0; o < out; o++) {
      let sum = 0;
      const w = o * width;
      for (let k = 0; k < width; k++) sum += (dense.data[w + k] as number) * Math.fround((pooled[k] as number) / denominator);
      embedding[o] = sum;
    }
    result.push(embedding);
  }
  return result;
}

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
  // the mean in float32, as torch holds it: divided once per value, not once per output
  const mean = new Float32Array(width);
  const weight = dense.data;
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
    for (let k = 0; k < width; k++) mean[k] = (pooled[k] as number) / denominator;
    const embedding = new Float32Array(out);
    // four outputs a pass read each mean value once for four weight rows (2.5× faster in V8);
    // each output still sums over k in order, so the values are those of one at a time
    let o = 0;
    for (; o + 4 <= out; o += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const w0 = o * width, w1 = w0 + width, w2 = w1 + width, w3 = w2 + width;
      for (let k = 0; k < width; k++) {
        const m = mean[k] as number;
        s0 += (weight[w0 + k] as number) * m;
        s1 += (weight[w1 + k] as number) * m;
        s2 += (weight[w2 + k] as number) * m;
        s3 += (weight[w3 + k] as number) * m;
      }
      embedding[o] = s0;
      embedding[o + 1] = s1;
      embedding[o + 2] = s2;
      embedding[o + 3] = s3;
    }
    for (; o < out; o++) {
      let sum = 0;
      const w = o * width;
      for (let k = 0; k < width; k++) sum += (weight[w + k] as number) * (mean[k] as number);
      embedding[o] = sum;
    }
    result.push(embedding);
  }
  return result;
}

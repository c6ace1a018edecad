// Trust but verify: some GPUs and drivers give silently wrong embeddings for quantized models.
// Embeds the fixed probe input (core/model/webgpu-probe-input.ts) on WebGPU and on WASM and compares.
import type { Dtype } from '../../shared/clip';
import { TOWERS, type Tower } from '../../core/model/model-files';
import type { ProbeInputs } from '../../core/model/webgpu-probe-input';
import { cosine } from '../../core/vectors/similarity';

/** Runs one tower on one batch; the caller's runner (with test hooks) decides the backend. */
export type TowerRunner = (tower: Tower, data: Float32Array | BigInt64Array, dims: readonly number[]) => Promise<Float32Array>;

/** Each tower's probe embedding; null for a tower not started (the `towers` option). */
export interface ProbeEmbeddings {
  vision: Float32Array | null;
  text: Float32Array | null;
}

/**
 * Same dtype family on both sides: agreement is then ~0.9999 on a working GPU, and a wrong
 * kernel gives nonsense far below this. Not higher, because f16 arithmetic against an fp32
 * or q4 reference (compared when WASM cannot run the file itself) costs a little.
 */
export const PROBE_MIN_COSINE = 0.99;

/** Vision then text, one after the other: on WebGPU this also compiles the shaders (warm-up). */
export async function embedProbe(run: TowerRunner, inputs: ProbeInputs, towers: readonly Tower[] = TOWERS): Promise<ProbeEmbeddings> {
  const vision = towers.includes('vision') ? await run('vision', inputs.pixels, inputs.pixelDims) : null;
  const text = towers.includes('text') ? await run('text', inputs.ids, inputs.idDims) : null;
  return { vision, text };
}

export interface ProbeComparison {
  ok: boolean;
  /** Cosine per tower; 1 for a tower not started (nothing to disagree). */
  vision: number;
  text: number;
  /** Set when not ok: which tower disagreed, how much, against what. */
  reason?: string;
}

export function compareProbe(gpu: ProbeEmbeddings, wasm: ProbeEmbeddings, gpuDtype: Dtype, wasmDtype: Dtype): ProbeComparison {
  const measure = (a: Float32Array | null, b: Float32Array | null): number => {
    if (a === null && b === null) return 1;
    // A NaN anywhere (a broken kernel) must read as disagreement, not slip through a comparison.
    const c = a !== null && b !== null && a.length === b.length ? cosine(a, b) : -1;
    return Number.isFinite(c) ? c : -1;
  };
  const vision = measure(gpu.vision, wasm.vision);
  const text = measure(gpu.text, wasm.text);
  const bad = (['vision', 'text'] as const).filter((t) => (t === 'vision' ? vision : text) < PROBE_MIN_COSINE);
  if (bad.length === 0) return { ok: true, vision, text };
  const detail = bad.map((t) => `${t} ${(t === 'vision' ? vision : text).toFixed(4)}`).join(', ');
  return {
    ok: false,
    vision,
    text,
    reason:
      `WebGPU embeddings of the probe input disagree with WASM (${gpuDtype} on WebGPU vs ${wasmDtype} on WASM, ` +
      `cosine ${detail} < ${PROBE_MIN_COSINE}): this adapter's results cannot be trusted for this model`,
  };
}

// Symmetric int8 quantization of vectors: the codes and scale the int8 index stores and scores.

/** Symmetric int8 quantization of one vector: codes = round(v / scale), scale = max|v| / 127 (0 → scale 0, codes 0). */
export function quantizeInt8(vector: Float32Array): { codes: Int8Array; scale: number } {
  const codes = new Int8Array(vector.length);
  let max = 0;
  for (let i = 0; i < vector.length; i++) {
    const a = Math.abs(vector[i]!);
    if (!(a <= Number.MAX_VALUE)) throw new RangeError(`vector has a non-finite value at ${i}`);
    if (a > max) max = a;
  }
  return { codes, scale: quantizeInto(vector, max, 127, codes, 0) };
}

/**
 * Writes round(v / scale), clamped to ±levels, into out[at..] for scale = float32(max / levels)
 * (so codes × scale is what the kernel multiplies) and returns that scale; max = max|v|.
 */
export function quantizeInto(vector: Float32Array, max: number, levels: number, out: Int8Array | Int16Array, at: number): number {
  const scale = Math.fround(max / levels);
  if (scale === 0) {
    out.fill(0, at, at + vector.length);
    return 0;
  }
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]! / scale;
    // Half away from zero (Math.round would bias negatives); the clamp absorbs the rounding of
    // `scale` itself.
    const c = x < 0 ? -Math.round(-x) : Math.round(x);
    out[at + i] = c > levels ? levels : c < -levels ? -levels : c;
  }
  return scale;
}

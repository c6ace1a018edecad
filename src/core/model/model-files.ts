// The files of a model in Hugging Face's ONNX export layout: which file holds a tower at a dtype.
import type { Dtype } from '../../shared/clip';
import { ClipError } from '../../shared/errors';

export type Tower = 'vision' | 'text';

export const TOWERS: readonly Tower[] = ['vision', 'text'];

/** The towers a Clip starts (`towers` option): a non-empty list of 'vision' and 'text'. */
export function checkTowers(towers: unknown): readonly Tower[] {
  if (towers === undefined) return TOWERS;
  if (!Array.isArray(towers) || towers.length === 0 || !towers.every((t) => t === 'vision' || t === 'text')) {
    throw new ClipError('BAD_INPUT', `towers must be a non-empty list of 'vision' and 'text', got ${JSON.stringify(towers)}`);
  }
  return TOWERS.filter((t) => towers.includes(t));
}

export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/** File-name suffix of each dtype in Hugging Face's ONNX export layout. */
const dtypeSuffix: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};

/** e.g. `onnx/vision_model_q4.onnx`. */
export function modelFile(tower: Tower, dtype: Dtype): string {
  return `onnx/${tower}_model${dtypeSuffix[dtype]}.onnx`;
}

/**
 * The two towers of `dtype`, smaller file first: a start from the cache reads and builds that
 * one first while the other is read (ties and unknown sizes: vision first).
 */
export function towersSmallerFirst(dtype: Dtype, sizeOf: (path: string) => number | undefined): [Tower, Tower] {
  const size = (tower: Tower) => sizeOf(modelFile(tower, dtype)) ?? 0;
  return size('text') < size('vision') ? ['text', 'vision'] : ['vision', 'text'];
}

// What a start from the cache reads ahead: only the pair a WASM start will certainly use.
import { describe, expect, it } from 'vitest';
import { towerFilesToPrefetch, type CachedFiles } from '../../../../src/runtime/model-store/tower-prefetch';

const cache = (sizes: Record<string, number>): CachedFiles => ({
  has: (path) => path in sizes,
  sizeOf: (path) => sizes[path],
});
const q8 = { 'onnx/vision_model_quantized.onnx': 96, 'onnx/text_model_quantized.onnx': 64 };
const q4 = { 'onnx/vision_model_q4.onnx': 63, 'onnx/text_model_q4.onnx': 125 };

describe('towerFilesToPrefetch', () => {
  it('reads the cached pair of a WASM start, smaller file first', () => {
    expect(towerFilesToPrefetch(cache(q8), 'wasm', 'auto', true)).toEqual(['onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx']);
    expect(towerFilesToPrefetch(cache(q4), 'auto', 'auto', false)).toEqual(['onnx/vision_model_q4.onnx', 'onnx/text_model_q4.onnx']);
  });

  it('takes the dtype a WASM start would: the asked one, else the first cached candidate (q8 before q4)', () => {
    const both = cache({ ...q8, ...q4 });
    expect(towerFilesToPrefetch(both, 'wasm', 'auto', false)[0]).toBe('onnx/text_model_quantized.onnx');
    expect(towerFilesToPrefetch(both, 'wasm', 'q4', false)[0]).toBe('onnx/vision_model_q4.onnx');
  });

  it('without sizes, in the order the start reads them (vision first)', () => {
    const unsized: CachedFiles = { has: (path) => path in q8, sizeOf: () => undefined };
    expect(towerFilesToPrefetch(unsized, 'wasm', 'auto', false)).toEqual(['onnx/vision_model_quantized.onnx', 'onnx/text_model_quantized.onnx']);
  });

  it('reads nothing when the files are uncertain or absent', () => {
    expect(towerFilesToPrefetch(cache(q8), 'webgpu', 'auto', true)).toEqual([]);
    expect(towerFilesToPrefetch(cache(q8), 'auto', 'auto', true)).toEqual([]); // WebGPU may win
    expect(towerFilesToPrefetch(cache(q8), 'wasm', 'q4', false)).toEqual([]); // asked for, not cached
    expect(towerFilesToPrefetch(cache({ 'onnx/vision_model_quantized.onnx': 96 }), 'wasm', 'auto', false)).toEqual([]); // half a pair
  });
});

// The hand-encoded warm-up model is a valid ONNX model that onnxruntime (its web build, WASM,
// in Node) builds a session from and runs: y = x.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { identityModel } from '../../../src/core/model/warm-up-model';

describe('identityModel', () => {
  it('builds in onnxruntime and passes its input through', async () => {
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(identityModel());
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(0.25), [1]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0.25]);
    await session.release();
  });
});

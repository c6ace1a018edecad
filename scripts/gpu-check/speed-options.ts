// ORT WebGPU options webclip does not use yet, measured on the vision tower against the session
// webclip builds today, so each is adopted only where it helps: static batch shapes
// (freeDimensionOverrides), and graph capture with inputs and outputs kept on the GPU (which
// graph capture requires). The same GPUDevice as webclip's (runtime/device.ts).
import type { Dtype } from '../../src/shared/clip';
import { modelFile } from '../../src/core/model/model-files';
import { findAdapter, openDevice } from '../../src/runtime/backend/gpu-adapter';
import type { ModelFileReader } from '../../src/runtime/backend/backend-build';
import type { Ort } from '../../src/runtime/backend/ort-loader';
import type { TextRows } from '../../src/core/text/text-rows';
import type { CheckInputs } from './check-inputs';
import { cycleRows, throughput, type Throughput } from './measure';

interface Options {
  ort: Ort;
  files: ModelFileReader;
  inputs: CheckInputs;
  textRows: TextRows;
  dtypes: Dtype[];
  seconds: number;
  overBudget: () => boolean;
}

type Variant = 'default' | 'static-batch' | 'graph-capture';
interface VariantResult {
  dtype: Dtype;
  variant: Variant;
  batch: number;
  result?: Throughput;
  error?: string;
}

// Minimal WebGPU types: TypeScript's DOM library has none (and @webgpu/types is not ours).
interface Buffer {
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface Device {
  createBuffer(d: { size: number; usage: number }): Buffer;
  createCommandEncoder(): { copyBufferToBuffer(a: Buffer, ao: number, b: Buffer, bo: number, n: number): void; finish(): unknown };
  queue: { writeBuffer(b: Buffer, o: number, d: ArrayBufferView): void; submit(c: unknown[]): void };
}
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 };
const MAP_READ = 0x1;

export async function measureSpeedOptions(options: Options): Promise<VariantResult[]> {
  const { ort, files, inputs, seconds } = options;
  const found = await findAdapter();
  if ('reason' in found) return [];
  const device = (await openDevice(found)) as unknown as Device;
  const size = inputs.imageSize;
  const pixelSize = 3 * size * size;
  const results: VariantResult[] = [];
  // fp32 and the dtype auto picks on a shader-f16 adapter.
  const dtypes = options.dtypes.filter((d) => d === 'fp32' || d === 'q4f16');
  for (const dtype of dtypes) {
    const model = await files.read(modelFile('vision', dtype)).catch(() => undefined);
    if (!model) continue;
    for (const batch of [1, 32]) {
      for (const variant of ['default', 'static-batch', 'graph-capture'] as const) {
        if (options.overBudget()) return results;
        const pixels = cycleRows(inputs.pixels, pixelSize, batch);
        const dims = [batch, 3, size, size];
        try {
          const session = await ort.InferenceSession.create(model, {
            executionProviders: [{ name: 'webgpu', device: device as never }],
            graphOptimizationLevel: 'all',
            ...(variant === 'default' ? {} : { freeDimensionOverrides: { batch_size: batch } }),
            ...(variant === 'graph-capture' ? { enableGraphCapture: true, preferredOutputLocation: 'gpu-buffer' } : {}),
          });
          try {
            let call: () => Promise<unknown>;
            if (variant !== 'graph-capture') {
              call = () => session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', pixels, dims) });
            } else {
              // Graph capture replays fixed buffers: the input is written into the same GPU buffer
              // each call and the output read back from the same one, both counted in the time.
              const inBuf = device.createBuffer({ size: pixels.byteLength, usage: USAGE.STORAGE | USAGE.COPY_DST | USAGE.COPY_SRC });
              const outBytes = batch * 4 * 4096;
              const outBuf = device.createBuffer({ size: outBytes, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
              const readBuf = device.createBuffer({ size: outBytes, usage: USAGE.MAP_READ | USAGE.COPY_DST });
              const meta = session.outputMetadata?.[0] as { shape?: (number | string)[] } | undefined;
              const width = Number(meta?.shape?.[1]) || 512;
              const input = ort.Tensor.fromGpuBuffer(inBuf as never, { dataType: 'float32', dims });
              const output = ort.Tensor.fromGpuBuffer(outBuf as never, { dataType: 'float32', dims: [batch, width] });
              call = async () => {
                device.queue.writeBuffer(inBuf, 0, pixels);
                await session.run({ [session.inputNames[0]!]: input }, { [session.outputNames[0]!]: output });
                const encoder = device.createCommandEncoder();
                encoder.copyBufferToBuffer(outBuf, 0, readBuf, 0, batch * width * 4);
                device.queue.submit([encoder.finish()]);
                await readBuf.mapAsync(MAP_READ);
                const out = new Float32Array(readBuf.getMappedRange().slice(0, batch * width * 4));
                readBuf.unmap();
                return out;
              };
            }
            results.push({ dtype, variant, batch, result: await throughput(batch, call, seconds) });
          } finally {
            await session.release();
          }
        } catch (error) {
          results.push({ dtype, variant, batch, error: String(error).slice(0, 400) });
        }
      }
    }
  }
  return results;
}

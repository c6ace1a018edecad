// WebGPU in Node: Dawn (the npm package `webgpu`, the implementation inside Chromium) installed
// as `navigator.gpu`, so webclip's backend layer finds an adapter exactly as in a worker.
import { create, globals } from 'webgpu';

/**
 * Dawn's GPUQueue.writeBuffer refuses views of a SharedArrayBuffer ("Invalid argument"), and
 * onnxruntime-web's threaded WASM memory is one (even at one thread). Browsers accept them, so
 * copying such a view first is the whole difference.
 */
function acceptSharedViews(): void {
  const queue = (globals as Record<string, { prototype: Record<string, unknown> }>).GPUQueue!.prototype;
  const writeBuffer = queue.writeBuffer as (...args: unknown[]) => void;
  queue.writeBuffer = function (this: unknown, buffer: unknown, offset: number, data: unknown, dataOffset = 0, size?: number) {
    if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) {
      const bytesPer = (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const count = size ?? data.byteLength / bytesPer - dataOffset;
      const copy = new Uint8Array(data.buffer, data.byteOffset + dataOffset * bytesPer, count * bytesPer).slice();
      return writeBuffer.call(this, buffer, offset, copy, 0, copy.byteLength);
    }
    return writeBuffer.call(this, buffer, offset, data, dataOffset, size);
  };
}

export interface NodeGpu {
  /** Adapter identity, features and limits as Dawn reports them (for the report). */
  describe(): Promise<AdapterReport | null>;
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  features: string[];
  limits: Record<string, number>;
}

/** Installs navigator.gpu (and the WebGPU globals ORT checks with instanceof) from Dawn. */
export function installDawn(dawnFlags: string[] = []): NodeGpu {
  Object.assign(globalThis, globals);
  acceptSharedViews();
  const gpu = create(dawnFlags);
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav), { gpu }), configurable: true });
  return {
    async describe() {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return null;
      const info = adapter.info;
      const limits: Record<string, number> = {};
      for (const key in adapter.limits) {
        const value = (adapter.limits as unknown as Record<string, unknown>)[key];
        if (typeof value === 'number') limits[key] = value;
      }
      return {
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
        features: [...adapter.features].sort(),
        limits,
      };
    },
  };
}

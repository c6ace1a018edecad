// Finds the WebGPU adapter and opens the GPUDevice ORT runs on, ourselves, to watch `lost` (and
// to lose it in tests); one adapter and device shared by every engine of the worker.
import type { AdapterSummary } from '../../shared/clip';
import { isSoftwareAdapter } from '../../core/model/software-adapter';

/** TypeScript's DOM library has no WebGPU types (and @webgpu/types is not a dependency): the part we use. */
interface GpuAdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}
interface GpuAdapter {
  readonly info?: GpuAdapterInfo;
  /** Older Chromium put this on the adapter instead of its info. */
  readonly isFallbackAdapter?: boolean;
  readonly features: ReadonlySet<string>;
  readonly limits: Readonly<Record<string, number>>;
  requestDevice(descriptor?: {
    requiredFeatures?: string[];
    requiredLimits?: Record<string, number>;
    label?: string;
  }): Promise<GpuDevice>;
}
export interface GpuDevice {
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
  readonly features: ReadonlySet<string>;
  destroy(): void;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapter | null>;
}

export interface FoundAdapter {
  adapter: GpuAdapter;
  summary: AdapterSummary;
  software: boolean;
}

/** Why there is no adapter, for BACKEND_UNAVAILABLE and fallbackReason. */
export type NoAdapter = { reason: string };

function gpu(): Gpu | undefined {
  return (globalThis.navigator as { gpu?: Gpu } | undefined)?.gpu;
}

export function summarizeAdapter(adapter: GpuAdapter): AdapterSummary {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    shaderF16: adapter.features.has('shader-f16'),
  };
}

/**
 * The adapter in use and the device opened on it, shared by every engine in this worker: an
 * adapter opens only one device, and ORT keeps its compiled shaders per device while any of
 * its sessions lives, so a second engine started beside the first skips recompiling (on
 * SwiftShader that is most of a start: ~5 s instead of ~30 s for the test model). Never
 * destroyed by dispose; forgotten once lost, so the next start asks the browser afresh.
 */
let shared: { found: FoundAdapter; device?: Promise<GpuDevice> } | undefined;

/** The browser's preferred adapter (high-performance), or why there is none. */
export async function findAdapter(): Promise<FoundAdapter | NoAdapter> {
  if (shared) return shared.found;
  const api = gpu();
  if (!api) {
    return { reason: 'WebGPU is not available here (no navigator.gpu)' };
  }
  let adapter: GpuAdapter | null;
  try {
    adapter = await api.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { reason: `navigator.gpu.requestAdapter() failed: ${String(error)}` };
  }
  if (!adapter) return { reason: 'navigator.gpu.requestAdapter() found no WebGPU adapter' };
  const summary = summarizeAdapter(adapter);
  const found = { adapter, summary, software: isSoftwareAdapter(summary) };
  shared ??= { found };
  return shared.found;
}

// What ORT's own device request asks for (onnxruntime/core/providers/webgpu/webgpu_context.cc:
// GetAvailableRequiredFeatures / GetRequiredLimits): the adapter's maxima, so large models
// fit in a storage binding, and f16 / subgroup kernels where the adapter has them.
const ortFeatures = ['shader-f16', 'subgroups', 'timestamp-query'];
const ortLimits = [
  'maxBindGroups',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
];

function forget(found: FoundAdapter): void {
  if (shared?.found === found) shared = undefined;
}

/** The (shared) device on a found adapter; rejects when the browser refuses one. */
export function openDevice(found: FoundAdapter): Promise<GpuDevice> {
  if (shared?.found === found && shared.device) return shared.device;
  const { adapter } = found;
  const requiredLimits: Record<string, number> = {};
  for (const key of ortLimits) {
    const value = adapter.limits[key];
    if (typeof value === 'number') requiredLimits[key] = value;
  }
  const device = adapter.requestDevice({
    requiredFeatures: ortFeatures.filter((f) => adapter.features.has(f)),
    requiredLimits,
    label: 'webclip',
  });
  if (shared?.found === found) shared.device = device;
  device.then(
    (d) => void d.lost.then(() => forget(found)),
    () => forget(found),
  );
  return device;
}

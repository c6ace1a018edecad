// Which WebGPU adapters `auto` refuses: CPU implementations of WebGPU, correct but slow.
import type { AdapterSummary } from '../../shared/clip';

/** What `auto` needs to know about a WebGPU adapter. */
export type AdapterIdentity = Omit<AdapterSummary, 'shaderF16'>;

/**
 * A CPU implementation of WebGPU (SwiftShader, or any adapter the browser flags as fallback):
 * correct but about 100× slower than ORT's WASM backend, so `auto` never picks it.
 */
export function isSoftwareAdapter(adapter: AdapterIdentity): boolean {
  if (adapter.isFallbackAdapter) return true;
  const text = `${adapter.vendor} ${adapter.architecture} ${adapter.description} ${adapter.device}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|software rasterizer|microsoft basic render/.test(text);
}

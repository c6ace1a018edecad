// Remembers in IndexedDB (`webclip-probe`) whether WebGPU passed the probe for an adapter, model and
// dtype, so later starts skip the WASM comparison. Best effort.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { Dtype } from '../../shared/clip';
import type { AdapterSummary } from '../../shared/clip';

export interface ProbeVerdict {
  ok: boolean;
  /** Cosine of WebGPU against WASM, per tower. */
  vision: number;
  text: number;
  /** The WASM dtype compared against. */
  reference: Dtype;
  /** Why the verdict is negative, for fallbackReason. */
  reason?: string;
  /** When it was measured (ms since the epoch). */
  at: number;
}

export interface VerdictKey {
  adapter: AdapterSummary;
  modelId: string;
  dtype: Dtype;
  /** ORT's version: a new release changes the kernels, and so what the verdict was about. */
  ortVersion: string;
}

let defaultStore: UseStore | undefined;
// Lazily, as idb-keyval does: importing this module must not open a database.
const verdictStore = (): UseStore => (defaultStore ??= createStore('webclip-probe', 'verdicts'));

export function verdictKey({ adapter, modelId, dtype, ortVersion }: VerdictKey): string {
  // The driver behind an adapter is identified by all four strings; shader-f16 follows from them.
  return JSON.stringify([adapter.vendor, adapter.architecture, adapter.device, adapter.description, modelId, dtype, ortVersion]);
}

function isVerdict(value: unknown): value is ProbeVerdict {
  const v = value as Partial<ProbeVerdict> | undefined;
  return typeof v === 'object' && v !== null && typeof v.ok === 'boolean' && typeof v.vision === 'number' && typeof v.text === 'number';
}

export async function readVerdict(key: VerdictKey, store: UseStore = verdictStore()): Promise<ProbeVerdict | undefined> {
  try {
    const value: unknown = await get(verdictKey(key), store);
    return isVerdict(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function writeVerdict(key: VerdictKey, verdict: ProbeVerdict, store: UseStore = verdictStore()): Promise<void> {
  try {
    await set(verdictKey(key), verdict, store);
  } catch {
    // Not remembering only costs a comparison at the next start.
  }
}

export async function forgetVerdict(key: VerdictKey, store: UseStore = verdictStore()): Promise<void> {
  try {
    await del(verdictKey(key), store);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

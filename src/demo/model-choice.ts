// Which model the demo runs, as the page's address says it (`?model=`, `?device=`, `?dtype=`)
// and as the settings dialog writes it back. `test` is the committed test model.
import { DEFAULT_MODEL, type Dtype } from '../index';

export interface ModelChoice {
  /** A registry id, a Hub repository, a folder URL, or 'test'. */
  readonly model: string;
  readonly device: 'auto' | 'webgpu' | 'wasm';
  readonly dtype: 'auto' | Dtype;
}

const DEVICES: readonly string[] = ['auto', 'webgpu', 'wasm'];
const DTYPES: readonly string[] = ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16'];

export function choiceFromAddress(search: string): ModelChoice {
  const params = new URLSearchParams(search);
  const device = params.get('device') ?? 'auto';
  const dtype = params.get('dtype') ?? 'auto';
  return {
    model: params.get('model') || DEFAULT_MODEL,
    device: (DEVICES.includes(device) ? device : 'auto') as ModelChoice['device'],
    dtype: (DTYPES.includes(dtype) ? dtype : 'auto') as ModelChoice['dtype'],
  };
}

/** The page's address for a choice (defaults left out). */
export function addressFor(choice: ModelChoice): string {
  const params = new URLSearchParams();
  if (choice.model !== DEFAULT_MODEL) params.set('model', choice.model);
  if (choice.device !== 'auto') params.set('device', choice.device);
  if (choice.dtype !== 'auto') params.set('dtype', choice.dtype);
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ''}`;
}

/** What createClip takes for it: 'test' is the test model's folder on this site. */
export const modelInput = (model: string, base: string): string => (model === 'test' ? `${base}models/test/` : model);

export const isHubModel = (model: string): boolean => /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(model);

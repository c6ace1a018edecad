// What each model costs on this device, as the demo measured it while the user ran it: photos
// indexed per second and the time of one search, per backend and precision, kept in localStorage.
// Beside it, the download per precision the registry states (docs/models.md).
import type { Device, Dtype, RegistryModel } from '../index';

const KEY = 'webclip-demo-speed';

interface Measured {
  /** Photos indexed per second (decode, embed, store), over the last add of at least one photo. */
  photosPerSecond?: number;
  /** One search (the text embedded, the library ranked), the last one. */
  searchMs?: number;
}

type Table = Record<string, Record<string, Measured>>;

function read(): Table {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown;
    return typeof value === 'object' && value !== null ? (value as Table) : {};
  } catch {
    return {};
  }
}

function update(model: string, device: Device, dtype: Dtype, change: Measured): void {
  const table = read();
  const backend = `${device} ${dtype}`;
  table[model] = { ...table[model], [backend]: { ...table[model]?.[backend], ...change } };
  try {
    localStorage.setItem(KEY, JSON.stringify(table));
  } catch {
    // storage full or denied: the figure is only shown, nothing depends on it
  }
}

export function recordIndexing(model: string, device: Device, dtype: Dtype, photos: number, seconds: number): void {
  if (photos > 0 && seconds > 0) update(model, device, dtype, { photosPerSecond: photos / seconds });
}

export function recordSearch(model: string, device: Device, dtype: Dtype, ms: number): void {
  if (ms >= 0) update(model, device, dtype, { searchMs: ms });
}

/** "measured here: 3.1 photos/s, search 80 ms (wasm q8)", or what to do to measure it. */
export function measuredLabel(model: string): string {
  const runs = Object.entries(read()[model] ?? {});
  if (runs.length === 0) return 'not run on this device yet: its speed shows here once it has indexed photos';
  return 'measured here: ' + runs.map(([backend, m]) => {
    const parts = [
      m.photosPerSecond === undefined ? '' : `${m.photosPerSecond.toFixed(1)} photos/s`,
      m.searchMs === undefined ? '' : `search ${Math.round(m.searchMs)} ms`,
    ].filter(Boolean);
    return `${parts.join(', ')} (${backend})`;
  }).join('; ');
}

/** " · 3.1 photos/s here" (its fastest backend), or '' when not measured. */
export function fastestLabel(model: string): string {
  const rates = Object.values(read()[model] ?? {}).flatMap((m) => (m.photosPerSecond === undefined ? [] : [m.photosPerSecond]));
  return rates.length > 0 ? ` · ${Math.max(...rates).toFixed(1)} photos/s here` : '';
}

/** "download: fp32 606 MB · fp16 303 MB · q8 154 MB" from the registry's sizes (plus large extras). */
export function downloadLabel(m: RegistryModel): string {
  const sizes = Object.entries(m.sizes).map(([dtype, s]) => `${dtype} ${Math.round(s!.vision + s!.text + (m.extraMB ?? 0))} MB`);
  return sizes.length > 0 ? `download: ${sizes.join(' · ')}` : 'download: sizes not checked (its files are found as it loads)';
}

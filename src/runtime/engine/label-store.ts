// Label embeddings kept across visits in IndexedDB (`webclip-labels`): a vocabulary's prompts cost
// the text tower a minute on a small machine. A cache only: failures are dropped.
import { clear, createStore, delMany, getMany, keys, setMany, type UseStore } from 'idb-keyval';

let labels: UseStore | undefined;
const labelStore = (): UseStore => (labels ??= createStore('webclip-labels', 'vectors'));

/**
 * What an embedding depends on: the model, the exact text-tower file (its SHA-256: a new revision
 * under the same id gets new vectors), the backend and dtype that ran it, the prompt templates.
 */
export interface LabelSpace {
  readonly model: string;
  readonly textFile: string;
  readonly device: string;
  readonly dtype: string;
  readonly templates: readonly string[];
}

type LabelKey = [model: string, textFile: string, device: string, dtype: string, templates: string, label: string];

const keyOf = (space: LabelSpace, label: string): LabelKey => [
  space.model,
  space.textFile,
  space.device,
  space.dtype,
  space.templates.join('\u0000'),
  label,
];

/** Stored vectors of these labels (undefined where absent, or when IndexedDB is unavailable). */
export async function readLabels(space: LabelSpace, names: readonly string[]): Promise<(Float32Array | undefined)[]> {
  try {
    const values = await getMany<unknown>(names.map((l) => keyOf(space, l)), labelStore());
    return values.map((v) => (v instanceof Float32Array ? v : undefined));
  } catch {
    return names.map(() => undefined);
  }
}

export async function writeLabels(space: LabelSpace, entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    await setMany(entries.map(([label, vector]) => [keyOf(space, label), vector]), labelStore());
  } catch {
    // Out of room or IndexedDB unavailable: the vectors are encoded again next time.
  }
}

/** Drops a model's stored labels (all models' without an id). */
export async function deleteLabels(model?: string): Promise<void> {
  if (model === undefined) return clear(labelStore());
  const mine = (await keys<IDBValidKey>(labelStore())).filter((k) => Array.isArray(k) && k[0] === model);
  await delMany(mine, labelStore());
}

// The settings dialog: which model (one of the registry's families from the Hub, the test model,
// a folder URL, a folder on this computer), the device and the precision, and clearing the cache.
import { REGISTRY, type RegistryModel } from '../index';
import { byId } from './dom';
import type { ModelChoice } from './model-choice';
import { downloadLabel, fastestLabel, measuredLabel } from './model-speed';

export interface SettingsContext {
  readonly choice: ModelChoice;
  apply(next: ModelChoice): void;
  applyFolder(files: FileList, device: ModelChoice['device'], dtype: ModelChoice['dtype']): void;
  clearCache(): Promise<void>;
}

type Source = 'hub' | 'test' | 'url' | 'disk';

/** One line a registry model: its family, languages, the smallest download the listing states, its speed here. */
export function registryOptionLabel(m: RegistryModel): string {
  const totals = Object.entries(m.sizes).map(([dtype, s]) => [dtype, s!.vision + s!.text + (m.extraMB ?? 0)] as const);
  const smallest = totals.sort((a, b) => a[1] - b[1])[0];
  const size = smallest ? `, ${Math.round(smallest[1])} MB at ${smallest[0]}` : '';
  return `${m.id} — ${m.family}, ${m.languages}${size}${fastestLabel(m.id)}`;
}

export async function openSettings(context: SettingsContext, preselect?: Source): Promise<void> {
  const dialog = byId<HTMLDialogElement>('settings-dialog');
  const form = byId<HTMLFormElement>('settings-form');
  const url = byId<HTMLInputElement>('model-url');
  const folder = byId<HTMLInputElement>('model-folder');
  const device = byId<HTMLSelectElement>('device');
  const dtype = byId<HTMLSelectElement>('dtype');
  const { choice } = context;
  const registry = REGISTRY.find((m) => m.id === choice.model);
  const current: Source = choice.model === 'test' ? 'test' : registry ? 'hub' : 'url';
  const hubModel = byId<HTMLSelectElement>('hub-model');
  hubModel.replaceChildren(...REGISTRY.map((m) => new Option(registryOptionLabel(m), m.id)));
  hubModel.value = (registry ?? REGISTRY[0]!).id;
  const describe = () => {
    const selected = REGISTRY.find((m) => m.id === hubModel.value) ?? REGISTRY[0]!;
    byId('hub-label').textContent = `${selected.description} — from the Hugging Face Hub`;
    byId('hub-cost').textContent = `${downloadLabel(selected)}; ${measuredLabel(selected.id)}`;
  };
  byId('test-cost').textContent = measuredLabel('test');
  describe();
  const radios = [...form.querySelectorAll<HTMLInputElement>('input[name="source"]')];
  for (const radio of radios) radio.checked = radio.value === (preselect ?? current);
  url.value = current === 'url' ? choice.model : '';
  device.value = choice.device;
  dtype.value = choice.dtype;
  const pick = (source: Source) => () => {
    for (const radio of radios) radio.checked = radio.value === source;
  };
  url.onfocus = pick('url');
  hubModel.onchange = () => {
    pick('hub')();
    describe();
  };
  folder.onclick = folder.onchange = pick('disk');
  byId<HTMLButtonElement>('clear-cache').onclick = () => {
    dialog.close('cancel');
    void context.clearCache();
  };
  dialog.returnValue = '';
  dialog.showModal();
  await new Promise<void>((resolve) => dialog.addEventListener('close', () => resolve(), { once: true }));
  if (dialog.returnValue !== 'apply') return;
  const source = (radios.find((r) => r.checked)?.value ?? current) as Source;
  const next = { device: device.value as ModelChoice['device'], dtype: dtype.value as ModelChoice['dtype'] };
  if (source === 'disk') {
    if (folder.files && folder.files.length > 0) context.applyFolder(folder.files, next.device, next.dtype);
    return;
  }
  const model = source === 'test' ? 'test' : source === 'url' ? url.value.trim() || choice.model : hubModel.value;
  context.apply({ model, ...next });
}

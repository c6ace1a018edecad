// The settings dialog: which model (the Hub's default, the test model, a folder URL, a folder on
// this computer), the device and the precision, and clearing the model cache.
import { REGISTRY } from '../index';
import { byId } from './dom';
import type { ModelChoice } from './model-choice';

export interface SettingsContext {
  readonly choice: ModelChoice;
  apply(next: ModelChoice): void;
  applyFolder(files: FileList, device: ModelChoice['device'], dtype: ModelChoice['dtype']): void;
  clearCache(): Promise<void>;
}

type Source = 'hub' | 'test' | 'url' | 'disk';

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
  byId('hub-label').textContent = `${(registry ?? REGISTRY[0]!).description} — from the Hugging Face Hub`;
  const radios = [...form.querySelectorAll<HTMLInputElement>('input[name="source"]')];
  for (const radio of radios) radio.checked = radio.value === (preselect ?? current);
  url.value = current === 'url' ? choice.model : '';
  device.value = choice.device;
  dtype.value = choice.dtype;
  const pick = (source: Source) => () => {
    for (const radio of radios) radio.checked = radio.value === source;
  };
  url.onfocus = pick('url');
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
  const model = source === 'test' ? 'test' : source === 'url' ? url.value.trim() || choice.model : (registry ?? REGISTRY[0]!).id;
  context.apply({ model, ...next });
}
